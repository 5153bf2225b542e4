import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryStorageBackend } from '../../src/adapters/memory/in-memory-storage-backend.js';
import {
  CapacityOutOfRangeError,
  IncompatibleAttachmentError,
  InvalidArgumentError,
  InvalidPageTokenError,
  NodeNotFoundError,
  SnapshotNotFoundError,
  VolumeAlreadyExistsError,
  VolumeAttachedElsewhereError,
  VolumeInUseError,
  VolumeNotFoundError,
} from '../../src/domain/errors.js';
import { GiB, MiB } from '../../src/domain/size.js';
import type { VolumeCapability } from '../../src/domain/volume-capability.js';
import { controllerHarness } from '../support/controller-harness.js';
import type { ControllerHarness } from '../support/controller-harness.js';
import { node, vol } from '../support/mothers.js';

const fs: VolumeCapability = { accessMode: 'SINGLE_NODE_WRITER', accessType: { kind: 'mount', mountFlags: [] } };
const block: VolumeCapability = { accessMode: 'MULTI_NODE_MULTI_WRITER', accessType: { kind: 'block' } };
const create = (name: string, over: Partial<{ required: number; limit: number; parameters: Record<string, string> }> = {}) => ({
  name,
  capabilities: [fs],
  capacity: { requiredBytes: over.required ?? GiB, limitBytes: over.limit ?? 0 },
  parameters: over.parameters ?? {},
});

describe('controller use cases', () => {
  let c: ControllerHarness;
  let backend: InMemoryStorageBackend;
  beforeEach(async () => {
    backend = new InMemoryStorageBackend(10 * GiB);
    c = await controllerHarness({ backend });
    c.nodes.register(node('node-a'));
    c.nodes.register(node('node-b'));
  });

  describe('CreateVolume', () => {
    it('uses the provisioner name as the ID, exports it under the Go NQN and fills the volume context', async () => {
      const v = await c.createVolume.execute(create('pvc-0b6c3f8e-7d3c-4c2e-9a51-2f4c1d8e9b10', { parameters: { 'csi.storage.k8s.io/pvc/name': 'data', 'csi.storage.k8s.io/pvc/namespace': 'db' } }));
      expect(v.volumeId).toBe('pvc-0b6c3f8e-7d3c-4c2e-9a51-2f4c1d8e9b10');
      expect(v.volumeContext).toMatchObject({
        nqn: 'nqn.2000-02.com.mikrotik:pvc-0b6c3f8e-7d3c-4c2e-9a51-2f4c1d8e9b10',
        nvmeAddress: '10.0.0.2', nvmePort: '4420', volumePath: '/storage-pool/csi/pvc-0b6c3f8e-7d3c-4c2e-9a51-2f4c1d8e9b10.img', rdsAddress: '10.0.0.1',
        'csi.storage.k8s.io/pvc/name': 'data', 'csi.storage.k8s.io/pvc/namespace': 'db',
      });
    });

    it('posts one warning event on the PVC naming the Go keys it ignored, and none for a clean class', async () => {
      const pvc = { 'csi.storage.k8s.io/pvc/name': 'data', 'csi.storage.k8s.io/pvc/namespace': 'db' };
      await c.createVolume.execute(create('go-sc', { parameters: { ...pvc, rdsAddress: '10.0.0.1', sshPort: '22', nqnPrefix: 'nqn.2000-02.com.mikrotik' } }));
      expect(c.events.events).toHaveLength(1);
      expect(c.events.events[0]).toMatchObject({ pvc: { name: 'data', namespace: 'db' }, type: 'Warning', reason: 'StorageClassParametersIgnored' });
      expect(c.events.events[0]!.message).toMatch(/rdsAddress \(.*\); sshPort \(.*--rds-port.*\); nqnPrefix \(/);
      await c.createVolume.execute(create('go-sc', { parameters: { ...pvc, rdsAddress: '10.0.0.1', sshPort: '22' } }));
      await c.createVolume.execute(create('clean', { parameters: pvc }));
      expect(c.events.events).toHaveLength(1);
    });

    it('is idempotent by name and refuses an incompatible repeat', async () => {
      const first = await c.createVolume.execute(create('vol-1'));
      expect(await c.createVolume.execute(create('vol-1'))).toEqual(first);
      await expect(c.createVolume.execute(create('vol-1', { required: 2 * GiB }))).rejects.toBeInstanceOf(VolumeAlreadyExistsError);
      await expect(c.createVolume.execute(create('vol-1', { parameters: { nvmePort: '4421' } }))).rejects.toThrow(/port 4420/);
    });

    it('derives the Go driver\'s pvc-<uuid5> ID, stable across retries, for names it would not use verbatim', async () => {
      const name = 'my volume/ä'.repeat(10);
      const a = await c.createVolume.execute(create(name));
      expect(a.volumeId).toMatch(/^pvc-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect((await c.createVolume.execute(create(name))).volumeId).toBe(a.volumeId);
    });

    it('honours exact sizes, rounds up to MiB, and refuses impossible ranges', async () => {
      expect((await c.createVolume.execute(create('exact', { required: 1536 * MiB, limit: 1536 * MiB }))).capacityBytes).toBe(1536 * MiB);
      expect((await c.createVolume.execute(create('odd', { required: MiB + 1 }))).capacityBytes).toBe(2 * MiB);
      expect((await c.createVolume.execute(create('dflt', { required: 0 }))).capacityBytes).toBe(GiB);
      await expect(c.createVolume.execute(create('tight', { required: MiB + 1, limit: MiB + 100 }))).rejects.toBeInstanceOf(CapacityOutOfRangeError);
      await expect(c.createVolume.execute(create('inverted', { required: 2 * GiB, limit: GiB }))).rejects.toBeInstanceOf(CapacityOutOfRangeError);
    });

    it('names every bad StorageClass parameter and rejects unknown keys', async () => {
      const bad = create('p', { parameters: { nvmePort: '70000', volumePath: '/elsewhere/x', colour: 'blue', 'csi.storage.k8s.io/fstype': 'ext4' } });
      const error = (await c.createVolume.execute(bad).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toMatch(/nvmePort.*"70000"/);
      expect(error.message).toMatch(/"\/elsewhere\/x" is outside/);
      expect(error.message).toMatch(/unknown parameter "colour"/);
    });

    it('refuses MULTI_NODE_MULTI_WRITER on a filesystem volume and accepts it on block', async () => {
      await expect(c.createVolume.execute({ ...create('rwx-fs'), capabilities: [{ ...fs, accessMode: 'MULTI_NODE_MULTI_WRITER' }] })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect((await c.createVolume.execute({ ...create('rwx-block'), capabilities: [block] })).volumeId).toBe('rwx-block');
    });

    it('creates from a snapshot and clones a volume, NOT_FOUND for a missing source', async () => {
      await c.createVolume.execute(create('src'));
      const snap = await c.createSnapshot.execute({ name: 'snap-a', sourceVolumeId: 'src', parameters: {} });
      const restored = await c.createVolume.execute({ ...create('restored', { required: 0 }), source: { kind: 'snapshot', id: snap.snapshotId } });
      expect(restored).toMatchObject({ capacityBytes: GiB, source: { kind: 'snapshot', id: snap.snapshotId } });
      expect((await c.createVolume.execute({ ...create('clone'), source: { kind: 'volume', id: vol('src') } })).capacityBytes).toBe(GiB);
      await expect(c.createVolume.execute({ ...create('x'), source: { kind: 'snapshot', id: vol('snap-missing') } })).rejects.toBeInstanceOf(SnapshotNotFoundError);
      await expect(c.createVolume.execute({ ...create('y'), source: { kind: 'volume', id: vol('missing') } })).rejects.toBeInstanceOf(VolumeNotFoundError);
      await expect(c.createVolume.execute({ ...create('z', { required: MiB, limit: MiB }), source: { kind: 'volume', id: vol('src') } })).rejects.toBeInstanceOf(CapacityOutOfRangeError);
    });
  });

  describe('publish, unpublish, delete', () => {
    beforeEach(async () => {
      await c.createVolume.execute(create('v1'));
    });
    const publish = (nodeId: string, capability = fs, readonly = false) =>
      c.publish.execute({ volumeId: vol('v1'), nodeId: node(nodeId), capability, readonly, volumeContext: {} });

    it('returns what NodeStage needs, repeats idempotently, fences another node by name', async () => {
      expect(await publish('node-a')).toEqual({ nvmeAddress: '10.0.0.2', nvmePort: '4420', nqn: 'nqn.2000-02.com.mikrotik:v1' });
      expect(await publish('node-a')).toEqual(await publish('node-a'));
      await expect(publish('node-b')).rejects.toBeInstanceOf(VolumeAttachedElsewhereError);
      await expect(publish('node-b')).rejects.toThrow(/node node-a/);
      await expect(publish('node-a', fs, true)).rejects.toBeInstanceOf(IncompatibleAttachmentError);
    });

    it('answers NOT_FOUND for an unknown volume or node, volume first', async () => {
      await expect(c.publish.execute({ volumeId: vol('nope'), nodeId: node('ghost'), capability: fs, readonly: false, volumeContext: {} })).rejects.toBeInstanceOf(VolumeNotFoundError);
      await expect(publish('ghost')).rejects.toBeInstanceOf(NodeNotFoundError);
      expect((await c.repository.load(vol('v1'), { fresh: true })).state.nodes).toEqual([]);
    });

    it('unpublishes one node or all, idempotently, and refuses to delete an attached volume', async () => {
      await publish('node-a');
      await expect(c.deleteVolume.execute({ volumeId: 'v1' })).rejects.toBeInstanceOf(VolumeInUseError);
      await c.unpublish.execute({ volumeId: 'v1' });
      await c.unpublish.execute({ volumeId: 'v1', nodeId: node('node-a') });
      await c.unpublish.execute({ volumeId: 'not a valid id' });
      await c.deleteVolume.execute({ volumeId: 'v1' });
      await c.deleteVolume.execute({ volumeId: 'v1' });
      await c.deleteVolume.execute({ volumeId: 'pvc-x; /system reset' });
      expect(await backend.getVolume(vol('v1'))).toBeUndefined();
    });
  });

  describe('queries and expansion', () => {
    it('lists volumes in pages with published nodes, refusing a bad token', async () => {
      for (const n of ['b', 'a', 'c']) await c.createVolume.execute(create(n));
      await c.publish.execute({ volumeId: vol('b'), nodeId: node('node-a'), capability: fs, readonly: false, volumeContext: {} });
      const first = await c.inspect.list(2, '');
      expect(first.entries.map((e) => e.volumeId)).toEqual(['a', 'b']);
      expect(first.entries[1]?.publishedNodeIds).toEqual(['node-a']);
      const second = await c.inspect.list(2, first.nextToken!);
      expect(second).toEqual({ entries: [expect.objectContaining({ volumeId: 'c' })] });
      await expect(c.inspect.list(2, 'bogus')).rejects.toBeInstanceOf(InvalidPageTokenError);
      await expect(c.inspect.list(2, '99')).rejects.toBeInstanceOf(InvalidPageTokenError);
    });

    it('validates capabilities, NOT_FOUND for an unknown volume', async () => {
      await c.createVolume.execute(create('v'));
      expect(await c.inspect.validate('v', [fs, block])).toEqual({ confirmed: true });
      expect(await c.inspect.validate('v', [{ ...fs, accessMode: 'MULTI_NODE_MULTI_WRITER' }])).toMatchObject({ confirmed: false, message: expect.stringMatching(/block/) });
      await expect(c.inspect.validate('nope', [fs])).rejects.toBeInstanceOf(VolumeNotFoundError);
    });

    it('reports capacity of the pool and the largest possible volume', async () => {
      await c.createVolume.execute(create('v', { required: 3 * GiB }));
      expect(await c.capacity.execute([fs], {})).toEqual({ availableBytes: 7 * GiB, maximumVolumeBytes: 7 * GiB });
      expect(await c.capacity.execute([{ ...fs, accessMode: 'MULTI_NODE_MULTI_WRITER' }], {})).toEqual({ availableBytes: 0, maximumVolumeBytes: 0 });
    });

    it('grows to the exact size, idempotently, telling whether the node must grow the filesystem', async () => {
      await c.createVolume.execute(create('v'));
      expect(await c.expand.execute({ volumeId: 'v', capacity: { requiredBytes: 1536 * MiB, limitBytes: 0 }, block: false })).toEqual({ capacityBytes: 1536 * MiB, nodeExpansionRequired: true });
      expect(await c.expand.execute({ volumeId: 'v', capacity: { requiredBytes: GiB, limitBytes: 0 }, block: true })).toEqual({ capacityBytes: 1536 * MiB, nodeExpansionRequired: false });
      await expect(c.expand.execute({ volumeId: 'nope', capacity: { requiredBytes: GiB, limitBytes: 0 }, block: false })).rejects.toBeInstanceOf(VolumeNotFoundError);
      const snap = await c.createSnapshot.execute({ name: 'not-a-volume', sourceVolumeId: 'v', parameters: {} });
      await expect(c.expand.execute({ volumeId: snap.snapshotId, capacity: { requiredBytes: 2 * GiB, limitBytes: 0 }, block: false })).rejects.toThrow(/snapshot, not a volume/);
      await expect(c.inspect.get(snap.snapshotId)).rejects.toBeInstanceOf(VolumeNotFoundError);
    });
  });

  describe('snapshots and probe', () => {
    it('creates idempotently by name, refuses the same name for another source, lists and deletes', async () => {
      await c.createVolume.execute(create('s1'));
      await c.createVolume.execute(create('s2'));
      c.clock.advance(5_000);
      const snap = await c.createSnapshot.execute({ name: 'daily', sourceVolumeId: 's1', parameters: {} });
      expect(snap).toMatchObject({ sourceVolumeId: 's1', sizeBytes: GiB, createdAt: c.clock.now(), readyToUse: true });
      expect(await c.createSnapshot.execute({ name: 'daily', sourceVolumeId: 's1', parameters: {} })).toEqual(snap);
      await expect(c.createSnapshot.execute({ name: 'daily', sourceVolumeId: 's2', parameters: {} })).rejects.toBeInstanceOf(VolumeAlreadyExistsError);
      await expect(c.createSnapshot.execute({ name: 'other', sourceVolumeId: 'gone', parameters: {} })).rejects.toBeInstanceOf(VolumeNotFoundError);
      expect((await c.listSnapshots.execute({ sourceVolumeId: 's1', maxEntries: 0, startingToken: '' })).entries).toEqual([snap]);
      expect((await c.listSnapshots.execute({ sourceVolumeId: 's2', maxEntries: 0, startingToken: '' })).entries).toEqual([]);
      expect((await c.listSnapshots.execute({ snapshotId: 'snap-unknown', maxEntries: 0, startingToken: '' })).entries).toEqual([]);
      await c.deleteSnapshot.execute({ snapshotId: snap.snapshotId });
      await c.deleteSnapshot.execute({ snapshotId: snap.snapshotId });
      expect((await c.listSnapshots.execute({ maxEntries: 0, startingToken: '' })).entries).toEqual([]);
    });

    it('probe is ready only once the attachment records are loaded and while the backend answers', async () => {
      expect(await c.probe.execute()).toMatchObject({ ready: true, rdsVersion: '7.16' });
      backend.setReachable(false);
      expect(await c.probe.execute()).toMatchObject({ ready: false, detail: expect.stringMatching(/not reachable/) });
      const fresh = await controllerHarness({ backend, sync: false });
      expect(await fresh.probe.execute()).toMatchObject({ ready: false, detail: 'loading attachment records' });
    });
  });
});
