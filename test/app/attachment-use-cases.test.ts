import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryAttachmentStore } from '../../src/adapters/memory/in-memory-attachment-store.js';
import {
  BackendUnavailableError,
  ConcurrentModificationError,
  IncompatibleAttachmentError,
  MaxVolumesPerNodeError,
  NotReadyError,
  VolumeAttachedElsewhereError,
} from '../../src/domain/errors.js';
import { FaultyAttachmentStore } from '../fakes/faulty-attachment-store.js';
import { attachmentHarness } from '../support/attachment-harness.js';
import { attachCommand, node, vol } from '../support/mothers.js';

const cmd = attachCommand;
const mnmw = { accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block' } as const;

describe('attachment use cases', () => {
  let inner: InMemoryAttachmentStore;
  let store: FaultyAttachmentStore;
  let h: ReturnType<typeof attachmentHarness>;

  beforeEach(async () => {
    inner = new InMemoryAttachmentStore();
    store = new FaultyAttachmentStore(inner);
    h = attachmentHarness(store, { policy: { maxVolumesPerNode: 3 } });
    await h.rebuild.execute();
  });

  it('tracks an attachment, persists it, and repeats without writing', async () => {
    expect((await h.attach.execute(cmd('v1', 'a'))).outcome).toBe('attached');
    expect((await inner.load(vol('v1')))?.state.nodes.map((n) => n.nodeId)).toEqual(['a']);
    const writes = store.saves;
    expect((await h.attach.execute(cmd('v1', 'a'))).outcome).toBe('already-attached');
    expect(store.saves).toBe(writes);
  });

  it('refuses another node naming the holder, and the same node with another mode', async () => {
    await h.attach.execute(cmd('v1', 'node-a'));
    await expect(h.attach.execute(cmd('v1', 'node-b'))).rejects.toThrow(/attached to node node-a/);
    await expect(h.attach.execute(cmd('v1', 'node-b'))).rejects.toBeInstanceOf(VolumeAttachedElsewhereError);
    await expect(h.attach.execute(cmd('v1', 'node-a', { readonly: true }))).rejects.toBeInstanceOf(
      IncompatibleAttachmentError,
    );
  });

  it('untracks, idempotently, and frees the volume for another node', async () => {
    await h.attach.execute(cmd('v1', 'a'));
    expect((await h.detach.execute({ volumeId: vol('v1'), nodeId: node('a') })).detached).toEqual(['a']);
    expect((await h.detach.execute({ volumeId: vol('v1'), nodeId: node('a') })).detached).toEqual([]);
    expect(await inner.load(vol('v1'))).toBeUndefined();
    expect((await h.attach.execute(cmd('v1', 'b'))).outcome).toBe('attached');
  });

  it('detaches from every node when no node is given', async () => {
    await h.attach.execute(cmd('v1', 'a', mnmw));
    await h.attach.execute(cmd('v1', 'b', mnmw));
    expect((await h.detach.execute({ volumeId: vol('v1') })).detached).toEqual(['a', 'b']);
    expect(h.query.get(vol('v1'))).toBeUndefined();
  });

  it('list and get return copies', async () => {
    await h.attach.execute(cmd('v1', 'a'));
    const listed = h.query.list();
    (listed[0]!.nodes as unknown[]).length = 0;
    expect(h.query.get(vol('v1'))?.nodes).toHaveLength(1);
    expect(h.query.nodesOf(vol('v1'))).toEqual(['a']);
  });

  it('rolls the in-memory change back when persisting fails, and returns the error', async () => {
    store.failNextSaves(1, new BackendUnavailableError('api down'));
    await expect(h.attach.execute(cmd('v1', 'a'))).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(h.query.get(vol('v1'))).toBeUndefined();
    expect(h.registry.countOnNode(node('a'))).toBe(0);
    expect((await h.attach.execute(cmd('v1', 'b'))).outcome).toBe('attached');
  });

  it('keeps a detach in memory when clearing the record fails, and logs it', async () => {
    await h.attach.execute(cmd('v1', 'a'));
    store.failNextSaves(1, new BackendUnavailableError('api down'));
    expect((await h.detach.execute({ volumeId: vol('v1'), nodeId: node('a') })).detached).toEqual(['a']);
    expect(h.query.get(vol('v1'))).toBeUndefined();
    expect(h.logger.at('warn').map((l) => l.fields.volumeId)).toContain('v1');
    expect((await h.attach.execute(cmd('v1', 'b'))).outcome).toBe('attached');
    expect((await inner.load(vol('v1')))?.state.nodes.map((n) => n.nodeId)).toEqual(['b']);
  });

  it('after losing a race to another writer, rolls back and adopts the stored truth', async () => {
    await inner.save(vol('v1'), { volumeId: vol('v1'), nodes: [{ nodeId: node('other'), attachedAt: 1, readonly: false, accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem' }] }, undefined);
    await expect(h.attach.execute(cmd('v1', 'a'))).rejects.toBeInstanceOf(ConcurrentModificationError);
    await expect(h.attach.execute(cmd('v1', 'a'))).rejects.toThrow(/attached to node other/);
  });

  it('enforces the per-node maximum across volumes, concurrently', async () => {
    const results = await Promise.allSettled(['v1', 'v2', 'v3', 'v4', 'v5'].map((v) => h.attach.execute(cmd(v, 'a'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => r.reason)).toEqual([expect.any(MaxVolumesPerNodeError), expect.any(MaxVolumesPerNodeError)]);
    expect(h.registry.countOnNode(node('a'))).toBe(3);
  });

  it('admits a live migration target and warns when the window is overdue', async () => {
    await h.attach.execute(cmd('v1', 'src', mnmw));
    h.clock.advance(1000);
    await h.attach.execute(cmd('v1', 'dst', mnmw));
    expect(h.query.get(vol('v1'))?.dualAttachSince).toBe(h.clock.now());
    h.clock.advance(301_000);
    await h.attach.execute(cmd('v1', 'dst', mnmw));
    expect(h.logger.at('warn').some((l) => /live-migration timeout/.test(l.message))).toBe(true);
  });

  it('200 concurrent attaches of one volume from 200 nodes: exactly one wins, the rest name it', async () => {
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => h.attach.execute(cmd('hot', `n-${i}`))));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const winner = h.query.nodesOf(vol('hot'))[0]!;
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(VolumeAttachedElsewhereError);
      expect((r.reason as Error).message).toContain(`attached to node ${winner}`);
    }
  });

  it('1,000 volumes attached concurrently to different nodes all succeed', async () => {
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => h.attach.execute(cmd(`v-${i}`, `n-${i}`))));
    expect(results.every((r) => r.outcome === 'attached')).toBe(true);
    expect((await inner.list()).length).toBe(1000);
    expect(h.locks.activeEntries()).toBe(0);
  });
});

describe('serving only after the rebuild', () => {
  it('answers NotReady while the state has not been rebuilt', async () => {
    const h = attachmentHarness(new InMemoryAttachmentStore(), { waitMs: 20 });
    await expect(h.attach.execute(cmd('v1', 'a'))).rejects.toBeInstanceOf(NotReadyError);
    await expect(h.detach.execute({ volumeId: vol('v1') })).rejects.toBeInstanceOf(NotReadyError);
  });

  it('lets waiting requests through as soon as the rebuild finishes', async () => {
    const h = attachmentHarness(new InMemoryAttachmentStore());
    const pending = h.attach.execute(cmd('v1', 'a'));
    await h.rebuild.execute();
    expect((await pending).outcome).toBe('attached');
  });
});
