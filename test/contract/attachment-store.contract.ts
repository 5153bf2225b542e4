import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttachmentState } from '../../src/domain/attachment.js';
import { ConcurrentModificationError } from '../../src/domain/errors.js';
import type { AttachmentStore } from '../../src/ports/attachment-store.js';
import { node, vol } from '../support/mothers.js';

/** The volumes every contract case uses; a store factory must be able to hold records for them. */
export const CONTRACT_VOLUMES = ['vol-a', 'vol-b', 'vol-c', 'vol-d'] as const;

export interface StoreUnderTest {
  readonly store: AttachmentStore;
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
});
const empty = (volumeId: string): AttachmentState => ({ volumeId: vol(volumeId), nodes: [] });

/** The AttachmentStore contract: every implementation runs this suite. */
export function attachmentStoreContract(name: string, create: () => Promise<StoreUnderTest>): void {
  describe(`AttachmentStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: AttachmentStore;
    beforeEach(async () => {
      subject = await create();
      store = subject.store;
    });
    afterEach(async () => subject.dispose());

    it('has no record for a volume never saved', async () => {
      expect(await store.load(vol('vol-a'))).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('saves and loads a record with its version', async () => {
      const version = await store.save(vol('vol-a'), single('vol-a'), undefined);
      expect(await store.load(vol('vol-a'))).toEqual({ state: single('vol-a'), version });
    });

    it('round-trips a dual attachment with inferred flags and its window start', async () => {
      await store.save(vol('vol-b'), dual('vol-b'), undefined);
      expect((await store.load(vol('vol-b')))?.state).toEqual(dual('vol-b'));
    });

    it('refuses a stale version and writes nothing', async () => {
      const v1 = await store.save(vol('vol-a'), single('vol-a', 'n1'), undefined);
      await store.save(vol('vol-a'), single('vol-a', 'n2'), v1);
      await expect(store.save(vol('vol-a'), single('vol-a', 'n3'), v1)).rejects.toBeInstanceOf(ConcurrentModificationError);
      await expect(store.save(vol('vol-a'), single('vol-a', 'n3'), undefined)).rejects.toBeInstanceOf(
        ConcurrentModificationError,
      );
      expect((await store.load(vol('vol-a')))?.state).toEqual(single('vol-a', 'n2'));
    });

    it('clears a record with an empty state, and accepts a new one after', async () => {
      const v1 = await store.save(vol('vol-a'), single('vol-a'), undefined);
      const v2 = await store.save(vol('vol-a'), empty('vol-a'), v1);
      expect(await store.load(vol('vol-a'))).toBeUndefined();
      expect(await store.list()).toEqual([]);
      await expect(store.save(vol('vol-a'), single('vol-a'), v1)).rejects.toBeInstanceOf(ConcurrentModificationError);
      const v3 = await store.save(vol('vol-a'), single('vol-a', 'n9'), v2);
      const v4 = await store.save(vol('vol-a'), empty('vol-a'), v3);
      await store.save(vol('vol-a'), single('vol-a', 'n10'), undefined);
      expect(v4).not.toBe(v3);
      expect((await store.load(vol('vol-a')))?.state).toEqual(single('vol-a', 'n10'));
    });

    it('lists every record with the version load gives', async () => {
      await store.save(vol('vol-a'), single('vol-a'), undefined);
      await store.save(vol('vol-b'), dual('vol-b'), undefined);
      await store.save(vol('vol-c'), single('vol-c'), undefined);
      const listed = await store.list();
      expect(listed.map((r) => r.state.volumeId).sort()).toEqual(['vol-a', 'vol-b', 'vol-c']);
      for (const r of listed) expect(await store.load(r.state.volumeId)).toEqual(r);
    });

    it('hands out copies', async () => {
      await store.save(vol('vol-a'), single('vol-a'), undefined);
      const loaded = await store.load(vol('vol-a'));
      (loaded!.state.nodes as unknown[]).length = 0;
      expect((await store.load(vol('vol-a')))?.state).toEqual(single('vol-a'));
    });

    it('handles concurrent saves of different volumes', async () => {
      await Promise.all(CONTRACT_VOLUMES.map((id) => store.save(vol(id), single(id, `n-${id}`), undefined)));
      expect((await store.list()).length).toBe(CONTRACT_VOLUMES.length);
    });
  });
}
