import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotationKeys } from '../../src/adapters/kubernetes/attachment-annotations.js';
import { nvmeTargetFrom } from '../../src/app/node/nvme-target.js';
import type { ControllerSettings } from '../../src/app/volumes/controller-settings.js';
import { DEFAULT_CAPACITY_POLICY } from '../../src/domain/capacity-range.js';
import { InvalidArgumentError, VolumeAttachedElsewhereError } from '../../src/domain/errors.js';
import { GiB } from '../../src/domain/size.js';
import { parseBasePath } from '../../src/domain/storage-path.js';
import type { VolumeCapability } from '../../src/domain/volume-capability.js';
import { controllerHarness } from '../support/controller-harness.js';
import type { ControllerHarness } from '../support/controller-harness.js';
import { FakeKubeApi } from '../support/fake-kube-api/fake-kube-api.js';
import type { KubeObject } from '../support/fake-kube-api/kube-object.js';
import { GO, GO_SNAPSHOTS, GO_VOLUMES, goFile, goNqn, goRouterOsCommands, goSnapshotContents, goStorageClasses, goVolumeContext, putGoCluster } from '../support/go-cluster.js';
import { goDisks, goParsesAnnotations, goParsesVolumeContext, goValidSnapshotId, goValidVolumeId } from '../support/go-driver-rules.js';
import { DRIVER, kubeStore } from '../support/kube-store-harness.js';
import { node, vol } from '../support/mothers.js';
import { startHarness, stopHarness } from '../support/routeros-sim-harness.js';
import type { Harness } from '../support/routeros-sim-harness.js';

const KEYS = annotationKeys(DRIVER);
const SETTINGS: ControllerSettings = {
  rdsAddress: GO.managementAddress,
  defaults: { basePath: parseBasePath(GO.basePath), nvmeAddress: GO.storageAddress, nvmePort: 4420 },
  capacity: DEFAULT_CAPACITY_POLICY,
  probeCacheMs: 0,
};
const fs: VolumeCapability = { accessMode: 'SINGLE_NODE_WRITER', accessType: { kind: 'mount', mountFlags: [] } };
const rwxBlock: VolumeCapability = { accessMode: 'MULTI_NODE_MULTI_WRITER', accessType: { kind: 'block' } };
const [rwo, kubevirt, plain] = GO_VOLUMES as [(typeof GO_VOLUMES)[0], (typeof GO_VOLUMES)[0], (typeof GO_VOLUMES)[0]];

/** Fails the test on INVALID_ARGUMENT with the message, which is what the issue forbids here. */
async function noInvalidArgument<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new Error(`INVALID_ARGUMENT on the Go cluster: ${error.message}`);
    throw error;
  }
}

describe('a cluster the Go driver left behind: our controller takes it over', () => {
  let api: FakeKubeApi;
  let rds: Harness;
  let c: ControllerHarness;
  let stopKube: () => void;
  const classes = goStorageClasses();
  const pvAnnotations = (name: string) => api.get<KubeObject>('persistentvolumes', name)?.metadata.annotations ?? {};
  const create = (name: string, cls: string, over: Partial<{ caps: VolumeCapability[]; source: { kind: 'snapshot' | 'volume'; id: string } }> = {}) =>
    noInvalidArgument(
      c.createVolume.execute({
        name,
        capabilities: over.caps ?? [fs],
        capacity: { requiredBytes: GiB, limitBytes: 0 },
        parameters: { ...classes.get(cls)!, 'csi.storage.k8s.io/pvc/name': name, 'csi.storage.k8s.io/pvc/namespace': 'default' },
        ...(over.source ? { source: { kind: over.source.kind, id: vol(over.source.id) } } : {}),
      }),
    );

  beforeAll(async () => {
    api = await FakeKubeApi.start();
    putGoCluster(api);
    rds = await startHarness({ poolSizeBytes: 200 * GiB });
    for (const command of goRouterOsCommands()) expect((await rds.session.run(command)).exitCode, command).toBe(0);
    const k = kubeStore(api);
    stopKube = () => k.repository.close();
    await k.repository.sync();
    c = await controllerHarness({ repository: k.repository, orchestrator: k.orchestrator, backend: rds.backend, settings: SETTINGS });
    for (const n of ['worker-1', 'worker-2', 'worker-3']) c.nodes.register(node(n));
  });
  afterAll(async () => {
    stopKube?.();
    await stopHarness(rds);
    await api?.stop();
  });

  it('rebuilds attachments from the Go annotations and fences with them', async () => {
    expect((await c.repository.load(vol(rwo.id))).state.nodes.map((n) => n.nodeId)).toEqual(['worker-1']);
    expect((await c.repository.load(vol(kubevirt.id))).state.nodes).toMatchObject([{ nodeId: 'worker-2', accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block' }]);
    const publish = (v: typeof rwo, n: string, capability = fs) =>
      noInvalidArgument(c.publish.execute({ volumeId: vol(v.id), nodeId: node(n), capability, readonly: false, volumeContext: goVolumeContext(v) }));
    await expect(publish(rwo, 'worker-3')).rejects.toBeInstanceOf(VolumeAttachedElsewhereError);
    const context = await publish(rwo, 'worker-1');
    expect(context).toEqual({ nvmeAddress: GO.storageAddress, nvmePort: '4420', nqn: goNqn(rwo.id) });
    // The node reads a Go PV's volume context (volumePath = the file) and connects to the Go NQN.
    expect(nvmeTargetFrom(context, goVolumeContext(rwo))).toMatchObject({ address: GO.storageAddress, port: 4420, nqn: goNqn(rwo.id), ctrlLossTmo: -1, reconnectDelay: 5 });
    expect(nvmeTargetFrom({}, goVolumeContext(plain))).toMatchObject({ nqn: goNqn(plain.id) });
    // KubeVirt live migration of the Go RWX block volume: a second node, then the source leaves.
    await publish(kubevirt, 'worker-3', rwxBlock);
    await c.unpublish.execute({ volumeId: kubevirt.id, nodeId: node('worker-2') });
    expect(pvAnnotations(kubevirt.id)[KEYS.node]).toBe('worker-3');
    await c.unpublish.execute({ volumeId: rwo.id, nodeId: node('worker-1') });
    expect(Object.keys(pvAnnotations(rwo.id)).filter((k) => k.startsWith(`${DRIVER}/`))).toEqual([]);
  });

  it('lists, restores from and keeps the three Go snapshot shapes, and snapshots Go volumes', async () => {
    // The handles the external-snapshotter holds in the VolumeSnapshotContents are what it sends.
    expect(goSnapshotContents().map((content) => content.status.snapshotHandle)).toEqual(GO_SNAPSHOTS.map((s) => s.handle));
    const listed = (await c.listSnapshots.execute({ maxEntries: 0, startingToken: '' })).entries.map((s) => s.snapshotId);
    for (const s of GO_SNAPSHOTS) {
      expect(listed, s.shape).toContain(s.handle);
      const one = await c.listSnapshots.execute({ snapshotId: s.handle, maxEntries: 0, startingToken: '' });
      expect(one.entries.map((e) => e.snapshotId)).toEqual([s.handle]);
      const restored = await create(`restore-${s.handle.slice(5, 13)}-${GO_SNAPSHOTS.indexOf(s)}`, 'rds-nvme-tcp', { source: { kind: 'snapshot', id: s.handle } });
      expect(restored.capacityBytes).toBe(GO_VOLUMES.find((v) => v.id === s.source)!.bytes);
    }
    const taken = await noInvalidArgument(c.createSnapshot.execute({ name: 'snapshot-7f3a', sourceVolumeId: rwo.id, parameters: {} }));
    expect(goValidSnapshotId(taken.snapshotId)).toBe(true);
    expect(taken).toMatchObject({ sourceVolumeId: rwo.id, sizeBytes: rwo.bytes });
  });

  it('expands, clones and provisions on every Go StorageClass without INVALID_ARGUMENT', async () => {
    expect((await noInvalidArgument(c.expand.execute({ volumeId: plain.id, capacity: { requiredBytes: 2 * GiB, limitBytes: 0 }, block: false }))).capacityBytes).toBe(2 * GiB);
    expect((await create('clone-of-go', 'rds-nvme-tcp', { source: { kind: 'volume', id: plain.id } })).capacityBytes).toBe(2 * GiB);
    for (const cls of classes.keys()) {
      const created = await create(`pvc-${cls}`.replace(/[^a-z0-9-]/g, '-'), cls, cls === 'rds-kubevirt' ? { caps: [rwxBlock] } : {});
      expect(goParsesVolumeContext(created.volumeContext), cls).toEqual([]);
    }
    expect(c.events.events.map((e) => e.reason)).toContain('StorageClassParametersIgnored');
  });

  it('deletes Go snapshots of every shape and a Go volume, disk and backing file', async () => {
    for (const content of goSnapshotContents()) await c.deleteSnapshot.execute({ snapshotId: content.spec.source.snapshotHandle });
    await c.deleteVolume.execute({ volumeId: plain.id });
    const disks = goDisks((await rds.session.run('/disk print detail')).stdout);
    const slots = disks.map((d) => d.slot);
    for (const s of GO_SNAPSHOTS) expect(slots).not.toContain(s.handle);
    expect(slots).not.toContain(plain.id);
    const files = (await rds.session.run('/file print detail')).stdout;
    expect(files).not.toContain(`${plain.id}.img`);
    for (const s of GO_SNAPSHOTS) expect(files).not.toContain(s.handle);
  });

  it('leaves a state the Go driver reads: nothing renamed, every ID, NQN, file and annotation by its rules', async () => {
    const out = (await rds.session.run('/disk print detail')).stdout;
    const disks = goDisks(out).map((d) => ({ ...d, nqn: d.nqn?.replace(/\s+/g, '') }));
    for (const v of [rwo, kubevirt]) {
      expect(disks.find((d) => d.slot === v.id)).toMatchObject({ filePath: goFile(v), nqn: goNqn(v.id), port: 4420, exported: true });
    }
    expect(disks).toHaveLength(out.match(/^\s*\d+\s+type=file/gm)!.length);
    expect(disks.length).toBeGreaterThanOrEqual(10);
    for (const d of disks) {
      if (d.exported) {
        expect(goValidVolumeId(d.slot), d.slot).toBe(true);
        expect(d.nqn).toBe(goNqn(d.slot));
        expect(d.filePath.endsWith(`/${d.slot}.img`)).toBe(true);
      } else {
        expect(goValidSnapshotId(d.slot), d.slot).toBe(true);
      }
    }
    for (const v of GO_VOLUMES.filter((x) => x !== plain)) expect(goParsesAnnotations(pvAnnotations(v.id), DRIVER), v.id).toEqual([]);
    expect(pvAnnotations(kubevirt.id)[KEYS.all]).toBeDefined();
  });
});
