import { describe, expect, it } from 'vitest';
import { AttachmentCache } from '../../../src/adapters/attachments/attachment-cache.js';
import type { SourceRecord } from '../../../src/adapters/attachments/attachment-record-source.js';
import type { AttachmentState } from '../../../src/domain/attachment.js';
import { node, vol } from '../../support/mothers.js';

const held = (volumeId: string, ...nodeIds: string[]): AttachmentState => ({
  volumeId: vol(volumeId),
  nodes: nodeIds.map((n, i) => ({
    nodeId: node(n),
    attachedAt: 1_700_000_000_000 + i,
    readonly: false,
    accessMode: 'MULTI_NODE_MULTI_WRITER',
    volumeMode: 'block',
  })),
});
const rec = (revision: number, volumeId: string, ...nodeIds: string[]): SourceRecord => ({
  state: held(volumeId, ...nodeIds),
  version: nodeIds.length === 0 ? 'none' : `v-${volumeId}-${nodeIds.join('+')}`,
  revision,
});
const holdersOf = (cache: AttachmentCache, volumeId: string) => cache.get(vol(volumeId))?.state.nodes.map((n) => n.nodeId);
const attachedIds = (cache: AttachmentCache) => cache.attached().map((r) => r.state.volumeId).sort();

describe('AttachmentCache', () => {
  describe('ordering by revision', () => {
    it('never lets an older report replace a newer one; a newer or equal one replaces it', () => {
      const cache = new AttachmentCache();
      cache.put(rec(5, 'v1', 'a'));
      cache.put(rec(3, 'v1', 'b'));
      expect(holdersOf(cache, 'v1')).toEqual(['a']);
      expect(cache.countOnNode(node('b'))).toBe(0);
      cache.put(rec(5, 'v1', 'c'));
      expect(holdersOf(cache, 'v1')).toEqual(['c']);
      cache.put(rec(9, 'v1', 'd'));
      expect(holdersOf(cache, 'v1')).toEqual(['d']);
      expect(cache.get(vol('v1'))?.revision).toBe(9);
    });

    it('ignores a removal older than the record, and takes a newer one', () => {
      const cache = new AttachmentCache();
      cache.put(rec(5, 'v1', 'a'));
      cache.remove(vol('v1'), 4);
      expect(holdersOf(cache, 'v1')).toEqual(['a']);
      cache.remove(vol('v1'), 6);
      expect(cache.get(vol('v1'))).toBeUndefined();
      expect(cache.countOnNode(node('a'))).toBe(0);
      cache.remove(vol('v-unknown'), 1);
      expect(cache.attached()).toEqual([]);
    });

    it('keeps a cleared record as a tombstone, so an older report cannot bring the holder back', () => {
      const cache = new AttachmentCache();
      cache.put(rec(5, 'v1', 'a'));
      cache.put(rec(8, 'v1'));
      expect(cache.get(vol('v1'))).toMatchObject({ revision: 8, version: 'none' });
      expect(cache.attached()).toEqual([]);
      cache.put(rec(6, 'v1', 'a'));
      expect(cache.countOnNode(node('a'))).toBe(0);
    });

    it('always takes NaN (unordered) revisions, and anything after one', () => {
      const cache = new AttachmentCache();
      cache.put(rec(10, 'v1', 'a'));
      cache.put(rec(Number.NaN, 'v1', 'b'));
      expect(holdersOf(cache, 'v1')).toEqual(['b']);
      cache.put(rec(3, 'v1', 'c'));
      expect(holdersOf(cache, 'v1')).toEqual(['c']);
      cache.remove(vol('v1'), Number.NaN);
      expect(cache.get(vol('v1'))).toBeUndefined();
      cache.put(rec(10, 'v2', 'a'));
      cache.remove(vol('v2'), Number.NaN);
      expect(cache.get(vol('v2'))).toBeUndefined();
    });
  });

  describe('reset from a complete list', () => {
    it('drops records absent from the list unless they are newer than the list', () => {
      const cache = new AttachmentCache();
      cache.put(rec(5, 'v-listed', 'a'));
      cache.put(rec(20, 'v-newer', 'b'));
      cache.put(rec(8, 'v-gone', 'c'));
      cache.put(rec(12, 'v-same-rev', 'd'));
      cache.reset([rec(11, 'v-listed', 'e'), rec(9, 'v-new', 'f')], 12);
      expect(attachedIds(cache)).toEqual(['v-listed', 'v-new', 'v-newer']);
      expect(holdersOf(cache, 'v-listed')).toEqual(['e']);
      expect(cache.get(vol('v-gone'))).toBeUndefined();
      expect(cache.get(vol('v-same-rev'))).toBeUndefined();
      expect(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => cache.countOnNode(node(n)))).toEqual([0, 1, 0, 0, 1, 1]);
    });

    it('keeps a cached record newer than its listed copy', () => {
      const cache = new AttachmentCache();
      cache.put(rec(20, 'v1', 'a'));
      cache.reset([rec(15, 'v1', 'b')], 15);
      expect(holdersOf(cache, 'v1')).toEqual(['a']);
    });

    it('drops unordered (NaN) records absent from the list, and drops all absent ones on a NaN list', () => {
      const cache = new AttachmentCache();
      cache.put(rec(Number.NaN, 'v-nan', 'a'));
      cache.put(rec(30, 'v-ordered', 'b'));
      cache.reset([], 12);
      expect(attachedIds(cache)).toEqual(['v-ordered']);
      cache.reset([rec(Number.NaN, 'v-other', 'c')], Number.NaN);
      expect(attachedIds(cache)).toEqual(['v-other']);
    });
  });

  describe('per-node index', () => {
    it('follows moves, dual holders, clears and removals', () => {
      const cache = new AttachmentCache();
      cache.put(rec(1, 'v1', 'a'));
      cache.put(rec(2, 'v2', 'a'));
      expect(cache.countOnNode(node('a'))).toBe(2);
      cache.put(rec(3, 'v1', 'b'));
      expect([cache.countOnNode(node('a')), cache.countOnNode(node('b'))]).toEqual([1, 1]);
      cache.put(rec(4, 'v1', 'b', 'c'));
      expect([cache.countOnNode(node('b')), cache.countOnNode(node('c'))]).toEqual([1, 1]);
      cache.put(rec(5, 'v1', 'c'));
      expect([cache.countOnNode(node('b')), cache.countOnNode(node('c'))]).toEqual([0, 1]);
      cache.put(rec(6, 'v2'));
      expect(cache.countOnNode(node('a'))).toBe(0);
      cache.remove(vol('v1'), 7);
      expect(cache.countOnNode(node('c'))).toBe(0);
      expect(cache.attached()).toEqual([]);
    });

    it('excludes the volume named by `except`', () => {
      const cache = new AttachmentCache();
      cache.put(rec(1, 'v1', 'a'));
      cache.put(rec(1, 'v2', 'a'));
      expect(cache.countOnNode(node('a'), vol('v1'))).toBe(1);
      expect(cache.countOnNode(node('a'), vol('v-not-held'))).toBe(2);
    });
  });

  describe('reservations of writes in flight', () => {
    it('counts an in-flight grant until it is released', () => {
      const cache = new AttachmentCache();
      cache.put(rec(1, 'v1', 'a'));
      const release = cache.reserve(vol('v2'), held('v2', 'a'));
      expect(cache.countOnNode(node('a'))).toBe(2);
      expect(cache.attached().map((r) => r.state.volumeId)).toEqual(['v1']);
      release();
      expect(cache.countOnNode(node('a'))).toBe(1);
    });

    it('counts a grant once when the cache already has it (written through before release)', () => {
      const cache = new AttachmentCache();
      const release = cache.reserve(vol('v1'), held('v1', 'a'));
      cache.put(rec(4, 'v1', 'a'));
      expect(cache.countOnNode(node('a'))).toBe(1);
      release();
      expect(cache.countOnNode(node('a'))).toBe(1);
    });

    it('counts the in-flight grant for every node it names, and for none it does not', () => {
      const cache = new AttachmentCache();
      cache.put(rec(1, 'v1', 'a'));
      const release = cache.reserve(vol('v1'), held('v1', 'a', 'b'));
      expect([cache.countOnNode(node('a')), cache.countOnNode(node('b')), cache.countOnNode(node('z'))]).toEqual([1, 1, 0]);
      release();
      expect(cache.countOnNode(node('b'))).toBe(0);
    });

    it('leaves out a reserved volume named by `except`', () => {
      const cache = new AttachmentCache();
      cache.put(rec(1, 'v1', 'a'));
      cache.reserve(vol('v2'), held('v2', 'a'));
      expect(cache.countOnNode(node('a'), vol('v2'))).toBe(1);
      expect(cache.countOnNode(node('a'), vol('v1'))).toBe(1);
    });

    it('keeps a newer reservation of the volume when an older one is released', () => {
      const cache = new AttachmentCache();
      const first = cache.reserve(vol('v1'), held('v1', 'a'));
      const second = cache.reserve(vol('v1'), held('v1', 'b'));
      first();
      expect([cache.countOnNode(node('a')), cache.countOnNode(node('b'))]).toEqual([0, 1]);
      second();
      expect(cache.countOnNode(node('b'))).toBe(0);
    });
  });
});
