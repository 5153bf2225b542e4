import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryAttachmentRecords } from '../../src/adapters/memory/in-memory-attachment-records.js';
import {
  BackendUnavailableError,
  ConcurrentModificationError,
  IncompatibleAttachmentError,
  MaxVolumesPerNodeError,
  NodeNotFoundError,
  NotReadyError,
  VolumeAttachedElsewhereError,
  VolumeInUseError,
  VolumeNotFoundError,
} from '../../src/domain/errors.js';
import { LaggingAttachmentSource } from '../fakes/lagging-attachment-source.js';
import { controllerHarness, replicaPair, seed } from '../support/controller-harness.js';
import type { ControllerHarness } from '../support/controller-harness.js';
import { node, publishCommand as publish, vol } from '../support/mothers.js';

const holders = async (records: InMemoryAttachmentRecords, id: string) => records.read(vol(id)).state.nodes.map((n) => n.nodeId);

describe('ControllerPublish and ControllerUnpublish in one replica', () => {
  let h: ControllerHarness;
  let source: LaggingAttachmentSource;
  beforeEach(async () => {
    const records = new InMemoryAttachmentRecords();
    source = new LaggingAttachmentSource(records);
    h = await controllerHarness({ records, source, policy: { maxVolumesPerNode: 3 } });
    await seed(h, ['v1', 'v2', 'v3', 'v4'], ['a', 'b', 'c', 'node-a', 'node-b']);
  });

  it('records an attach, and answers a repeat without writing', async () => {
    await h.publish.execute(publish('v1', 'a'));
    expect(await holders(h.records, 'v1')).toEqual(['a']);
    const writes = source.writes;
    await h.publish.execute(publish('v1', 'a'));
    expect(source.writes).toBe(writes);
  });

  it('refuses another node naming the holder, and the same node with another mode', async () => {
    await h.publish.execute(publish('v1', 'node-a'));
    await expect(h.publish.execute(publish('v1', 'node-b'))).rejects.toThrow(/attached to node node-a/);
    await expect(h.publish.execute(publish('v1', 'node-b'))).rejects.toBeInstanceOf(VolumeAttachedElsewhereError);
    await expect(h.publish.execute(publish('v1', 'node-a', { readonly: true }))).rejects.toBeInstanceOf(IncompatibleAttachmentError);
  });

  it('detaches idempotently and frees the volume for another node; without a node, from every node', async () => {
    await h.publish.execute(publish('v1', 'a'));
    expect((await h.unpublish.execute({ volumeId: 'v1', nodeId: node('a') })).detached).toEqual(['a']);
    expect((await h.unpublish.execute({ volumeId: 'v1', nodeId: node('a') })).detached).toEqual([]);
    expect(await holders(h.records, 'v1')).toEqual([]);
    await h.publish.execute(publish('v1', 'b'));
    await h.publish.execute(publish('v2', 'a', { migration: true }));
    await h.publish.execute(publish('v2', 'b', { migration: true }));
    expect((await h.unpublish.execute({ volumeId: 'v2' })).detached).toEqual(['a', 'b']);
    expect((await h.unpublish.execute({ volumeId: 'not a valid id!' })).detached).toEqual([]);
  });

  it('names what does not exist: the volume, a snapshot, the node', async () => {
    await expect(h.publish.execute(publish('missing', 'a'))).rejects.toBeInstanceOf(VolumeNotFoundError);
    await expect(h.publish.execute(publish('v1', 'ghost'))).rejects.toBeInstanceOf(NodeNotFoundError);
  });

  it('enforces the per-node limit, counting grants still being written', async () => {
    await Promise.all(['v1', 'v2', 'v3'].map((v) => h.publish.execute(publish(v, 'a'))));
    await expect(h.publish.execute(publish('v4', 'a'))).rejects.toBeInstanceOf(MaxVolumesPerNodeError);
    await h.publish.execute(publish('v1', 'a'));
    for (const v of ['v1', 'v2', 'v3']) await h.unpublish.execute({ volumeId: v });
    const racing = await Promise.allSettled(['v1', 'v2', 'v3', 'v4'].map((v) => h.publish.execute(publish(v, 'c'))));
    expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(racing.filter((r) => r.status === 'rejected' && r.reason instanceof MaxVolumesPerNodeError)).toHaveLength(1);
    expect(h.repository.volumesOnNode(node('c'))).toBe(3);
  });

  it('passes a failed write on, records nothing, and stops counting the failed grant', async () => {
    source.failNextWrites(1, new BackendUnavailableError('Kubernetes API down'));
    await expect(h.publish.execute(publish('v1', 'a'))).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(await holders(h.records, 'v1')).toEqual([]);
    expect(h.repository.volumesOnNode(node('a'))).toBe(0);
  });

  it('fails a detach whose clearing write fails, keeping the record for the retry', async () => {
    await h.publish.execute(publish('v1', 'a'));
    source.failNextWrites(1, new BackendUnavailableError('Kubernetes API down'));
    await expect(h.unpublish.execute({ volumeId: 'v1', nodeId: node('a') })).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(await holders(h.records, 'v1')).toEqual(['a']);
    await h.unpublish.execute({ volumeId: 'v1', nodeId: node('a') });
    expect(await holders(h.records, 'v1')).toEqual([]);
  });

  it('rides out conflicts, and answers ABORTED when the record keeps changing', async () => {
    source.conflictNextWrites(h.settings.writeTries - 1);
    await h.publish.execute(publish('v1', 'a'));
    source.conflictNextWrites(h.settings.writeTries);
    await expect(h.publish.execute(publish('v2', 'a'))).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(await holders(h.records, 'v2')).toEqual([]);
  });

  it('admits a live-migration target, records its window, and refuses a third node', async () => {
    await h.publish.execute(publish('v1', 'a', { migration: true }));
    await h.publish.execute(publish('v1', 'b', { migration: true, window: 90 }));
    expect(h.records.read(vol('v1')).state.migrationTimeoutMs).toBe(90_000);
    await expect(h.publish.execute(publish('v1', 'c', { migration: true }))).rejects.toThrow(/at most 2 nodes/);
  });
});

describe('two replicas whose caches lag behind the store', () => {
  let records: InMemoryAttachmentRecords;
  let a: ControllerHarness;
  let b: ControllerHarness;
  let feedA: LaggingAttachmentSource;
  let feedB: LaggingAttachmentSource;
  beforeEach(async () => {
    const pair = await replicaPair({
      sources: (shared) => [(feedA = new LaggingAttachmentSource(shared)), (feedB = new LaggingAttachmentSource(shared))],
    });
    ({ records, leader: a, follower: b } = pair);
    await seed(a, ['v1'], ['node-a', 'node-b']);
  });

  it('refuses node-b in the replica that never saw the grant, naming node-a from the store', async () => {
    await a.publish.execute(publish('v1', 'node-a'));
    expect(feedB.lag).toBe(1);
    await expect(b.publish.execute(publish('v1', 'node-b'))).rejects.toThrow(/attached to node node-a/);
    expect(await holders(records, 'v1')).toEqual(['node-a']);
  });

  it('attach through A, detach through B, attach node-b through A: the stale fence in A does not hold', async () => {
    await a.publish.execute(publish('v1', 'node-a'));
    expect((await b.unpublish.execute({ volumeId: 'v1', nodeId: node('node-a') })).detached).toEqual(['node-a']);
    expect(await holders(records, 'v1')).toEqual([]);
    expect((await a.repository.load(vol('v1'))).state.nodes.map((n) => n.nodeId)).toEqual(['node-a']);
    await a.publish.execute(publish('v1', 'node-b'));
    expect(await holders(records, 'v1')).toEqual(['node-b']);
  });

  it('a repeat answered from a stale cache writes the grant the store no longer has', async () => {
    await a.publish.execute(publish('v1', 'node-a'));
    await b.unpublish.execute({ volumeId: 'v1', nodeId: node('node-a') });
    await a.publish.execute(publish('v1', 'node-a'));
    expect(await holders(records, 'v1')).toEqual(['node-a']);
  });

  it('two grants decided on caches that both say "free": one OK, the other refused naming the winner', async () => {
    const results = await Promise.allSettled([a.publish.execute(publish('v1', 'node-a')), b.publish.execute(publish('v1', 'node-b'))]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    const winner = (await holders(records, 'v1'))[0]!;
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(VolumeAttachedElsewhereError);
    expect(String(refused.reason)).toContain(`attached to node ${winner}`);
  });

  it('DeleteVolume through the replica that never saw the attach refuses, naming the holder', async () => {
    await a.publish.execute(publish('v1', 'node-a'));
    await expect(b.deleteVolume.execute({ volumeId: 'v1' })).rejects.toBeInstanceOf(VolumeInUseError);
    await expect(b.deleteVolume.execute({ volumeId: 'v1' })).rejects.toThrow(/node-a/);
    expect(await b.backend.getVolume(vol('v1'))).toBeDefined();
  });

  it('answers NOT_READY-class errors until the records are loaded', async () => {
    const late = await controllerHarness({ records, sync: false, waitMs: 50 });
    await seed(late, ['v1'], ['node-a']);
    await expect(late.publish.execute(publish('v1', 'node-a'))).rejects.toBeInstanceOf(NotReadyError);
    await late.repository.sync();
    await late.publish.execute(publish('v1', 'node-a'));
  });
});
