import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttachmentState } from '../../src/domain/attachment.js';
import { ConcurrentModificationError } from '../../src/domain/errors.js';
import { NO_RECORD_VERSION } from '../../src/ports/attachment-repository.js';
import type { AttachmentRepository } from '../../src/ports/attachment-repository.js';
import { node, vol } from '../support/mothers.js';
import { until } from '../support/until.js';

/** The volumes every contract case uses; a factory must give each a home for its record. */
export const CONTRACT_VOLUMES = ['vol-a', 'vol-b', 'vol-c', 'vol-d'] as const;

export interface RepositoryUnderTest {
  /** A replica's repository over the store, loaded. */
  readonly repository: AttachmentRepository;
  /** Another replica's repository over the same store, loaded. */
  readonly peer: AttachmentRepository;
  /** A further replica over the same store, not loaded yet. */
  replica(): AttachmentRepository;
  dispose(): Promise<void>;
}

const single = (volumeId: string, nodeId = 'node-1', attachedAt = 1_700_000_000_000): AttachmentState => ({
  volumeId: vol(volumeId),
  nodes: [{ nodeId: node(nodeId), attachedAt, readonly: false, accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem' }],
});
const dual = (volumeId: string): AttachmentState => ({
  volumeId: vol(volumeId),
  nodes: [
    { nodeId: node('src'), attachedAt: 1_700_000_000_000, readonly: false, accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block' },
    { nodeId: node('dst'), attachedAt: 1_700_000_050_000, readonly: false, accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block', inferred: true },
  ],
  dualAttachSince: 1_700_000_050_000,
  migrationTimeoutMs: 90_000,
});
const empty = (volumeId: string): AttachmentState => ({ volumeId: vol(volumeId), nodes: [] });

/** The AttachmentRepository contract: every store's repository runs this suite. */
export function attachmentRepositoryContract(name: string, create: () => Promise<RepositoryUnderTest>): void {
  describe(`AttachmentRepository contract: ${name}`, () => {
    let subject: RepositoryUnderTest;
    let repo: AttachmentRepository;
    let peer: AttachmentRepository;
    beforeEach(async () => {
      subject = await create();
      repo = subject.repository;
      peer = subject.peer;
    });
    afterEach(async () => subject.dispose());

    it('has no record for a volume never saved, cached or fresh', async () => {
      const none = { state: empty('vol-a'), version: NO_RECORD_VERSION };
      expect(await repo.load(vol('vol-a'))).toEqual(none);
      expect(await repo.load(vol('vol-a'), { fresh: true })).toEqual(none);
      expect(repo.list()).toEqual([]);
      expect(repo.volumesOnNode(node('node-1'))).toBe(0);
    });

    it('saves and loads a record with its version, from the cache and afresh', async () => {
      const saved = await repo.save(vol('vol-a'), single('vol-a'), NO_RECORD_VERSION);
      expect(saved.state).toEqual(single('vol-a'));
      expect(saved.version).not.toBe(NO_RECORD_VERSION);
      expect(await repo.load(vol('vol-a'))).toEqual(saved);
      expect(await repo.load(vol('vol-a'), { fresh: true })).toEqual(saved);
    });

    it('round-trips a dual attachment with inferred flags, its start and its window', async () => {
      await repo.save(vol('vol-b'), dual('vol-b'), NO_RECORD_VERSION);
      expect((await repo.load(vol('vol-b'), { fresh: true })).state).toEqual(dual('vol-b'));
    });

    it('refuses a write made against a version the record has left, and writes nothing', async () => {
      const v1 = await repo.save(vol('vol-a'), single('vol-a', 'n1'), NO_RECORD_VERSION);
      await repo.save(vol('vol-a'), single('vol-a', 'n2'), v1.version);
      await expect(repo.save(vol('vol-a'), single('vol-a', 'n3'), v1.version)).rejects.toBeInstanceOf(ConcurrentModificationError);
      await expect(repo.save(vol('vol-a'), single('vol-a', 'n3'), NO_RECORD_VERSION)).rejects.toBeInstanceOf(ConcurrentModificationError);
      expect((await repo.load(vol('vol-a'), { fresh: true })).state).toEqual(single('vol-a', 'n2'));
    });

    it('clears a record with a state without nodes, and takes a new one after', async () => {
      const v1 = await repo.save(vol('vol-a'), single('vol-a'), NO_RECORD_VERSION);
      const cleared = await repo.save(vol('vol-a'), empty('vol-a'), v1.version);
      expect(cleared).toEqual({ state: empty('vol-a'), version: NO_RECORD_VERSION });
      expect(repo.list()).toEqual([]);
      await expect(repo.save(vol('vol-a'), single('vol-a', 'n9'), v1.version)).rejects.toBeInstanceOf(ConcurrentModificationError);
      const again = await repo.save(vol('vol-a'), single('vol-a', 'n10'), NO_RECORD_VERSION);
      expect((await repo.load(vol('vol-a'), { fresh: true })).state).toEqual(again.state);
    });

    it('shows what another replica wrote: at once on a fresh read, soon in the cache', async () => {
      const written = await peer.save(vol('vol-a'), single('vol-a', 'far'), NO_RECORD_VERSION);
      expect(await repo.load(vol('vol-a'), { fresh: true })).toEqual(written);
      await peer.save(vol('vol-c'), single('vol-c', 'far'), NO_RECORD_VERSION);
      await until(() => repo.list().some((r) => r.state.volumeId === 'vol-c'));
      expect(repo.volumesOnNode(node('far'))).toBe(2);
      const cleared = await peer.save(vol('vol-c'), empty('vol-c'), (await peer.load(vol('vol-c'))).version);
      expect(cleared.version).toBe(NO_RECORD_VERSION);
      await until(() => repo.volumesOnNode(node('far')) === 1);
    });

    it('refuses a write decided on a cache that had not seen another replica\u2019s write', async () => {
      const stale = await repo.load(vol('vol-a'));
      await peer.save(vol('vol-a'), single('vol-a', 'winner'), NO_RECORD_VERSION);
      await expect(repo.save(vol('vol-a'), single('vol-a', 'loser'), stale.version)).rejects.toBeInstanceOf(ConcurrentModificationError);
      expect((await peer.load(vol('vol-a'), { fresh: true })).state).toEqual(single('vol-a', 'winner'));
    });

    it('counts a node\u2019s volumes, a write in flight included until it fails', async () => {
      await repo.save(vol('vol-a'), single('vol-a', 'n1'), NO_RECORD_VERSION);
      await repo.save(vol('vol-b'), single('vol-b', 'n1'), NO_RECORD_VERSION);
      expect(repo.volumesOnNode(node('n1'))).toBe(2);
      expect(repo.volumesOnNode(node('n1'), vol('vol-a'))).toBe(1);
      await peer.save(vol('vol-c'), single('vol-c', 'other'), NO_RECORD_VERSION);
      const losing = repo.save(vol('vol-c'), single('vol-c', 'n1'), NO_RECORD_VERSION);
      expect(repo.volumesOnNode(node('n1'))).toBe(3);
      await expect(losing).rejects.toBeInstanceOf(ConcurrentModificationError);
      expect(repo.volumesOnNode(node('n1'))).toBe(2);
    });

    it('lists every attached volume with the version load gives, as copies', async () => {
      await repo.save(vol('vol-a'), single('vol-a'), NO_RECORD_VERSION);
      await repo.save(vol('vol-b'), dual('vol-b'), NO_RECORD_VERSION);
      const listed = repo.list();
      expect(listed.map((r) => r.state.volumeId).sort()).toEqual(['vol-a', 'vol-b']);
      for (const r of listed) expect(await repo.load(r.state.volumeId)).toEqual(r);
      (listed[0]!.state.nodes as unknown[]).length = 0;
      expect(repo.list().every((r) => r.state.nodes.length > 0)).toBe(true);
    });

    it('handles concurrent saves of different volumes', async () => {
      await Promise.all(CONTRACT_VOLUMES.map((id) => repo.save(vol(id), single(id, `n-${id}`), NO_RECORD_VERSION)));
      expect(repo.list()).toHaveLength(CONTRACT_VOLUMES.length);
    });

    it('is not ready before it has loaded, and loads what is stored', async () => {
      await repo.save(vol('vol-d'), single('vol-d', 'n4'), NO_RECORD_VERSION);
      const late = subject.replica();
      expect(late.isReady()).toBe(false);
      expect(await late.whenReady(10)).toBe(false);
      const waiting = late.whenReady(10_000);
      await late.sync();
      expect(await waiting).toBe(true);
      expect(late.list().map((r) => r.state)).toEqual([single('vol-d', 'n4')]);
      late.close();
    });
  });
}
