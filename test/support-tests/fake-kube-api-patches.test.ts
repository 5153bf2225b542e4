import { describe, expect, it } from 'vitest';
import { applyJsonPatch, JsonPatchError } from '../support/fake-kube-api/json-patch.js';
import { decodeContinue, encodeContinue, parseFieldSelector, parseLabelSelector } from '../support/fake-kube-api/list-query.js';
import { KubeStatusError } from '../support/fake-kube-api/kube-status.js';
import type { KubeObject } from '../support/fake-kube-api/kube-object.js';
import { applyMergePatch, type Json } from '../support/fake-kube-api/merge-patch.js';

describe('applyMergePatch (RFC 7386)', () => {
  // The test vectors of RFC 7386 appendix A.
  it.each<[Json, Json, Json]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('leaves the target untouched', () => {
    const target = { metadata: { annotations: { a: '1' } }, spec: { x: 1 } };
    const out = applyMergePatch(target, { metadata: { annotations: { a: null } } });
    expect(target.metadata.annotations).toEqual({ a: '1' });
    expect(out).toEqual({ metadata: { annotations: {} }, spec: { x: 1 } });
  });
});

describe('applyJsonPatch (RFC 6902 subset)', () => {
  const doc = { metadata: { annotations: { 'a/b': '1', 'c~d': '2' } }, list: [1, 2, 3] };

  it('applies add, replace, remove, test, move and copy with ~0/~1 escapes', () => {
    const out = applyJsonPatch(doc, [
      { op: 'test', path: '/metadata/annotations/a~1b', value: '1' },
      { op: 'replace', path: '/metadata/annotations/c~0d', value: '3' },
      { op: 'add', path: '/list/1', value: 9 },
      { op: 'add', path: '/list/-', value: 4 },
      { op: 'remove', path: '/list/0' },
      { op: 'copy', from: '/list/0', path: '/first' },
      { op: 'move', from: '/metadata/annotations/a~1b', path: '/moved' },
    ]);
    expect(out).toEqual({ metadata: { annotations: { 'c~d': '3' } }, list: [9, 2, 3, 4], first: 9, moved: '1' });
    expect(doc.list).toEqual([1, 2, 3]);
  });

  it.each([
    [{ op: 'test', path: '/list', value: [1, 2] }, /test failed/],
    [{ op: 'replace', path: '/metadata/missing', value: 1 }, /missing key/],
    [{ op: 'remove', path: '/nope/deeper' }, /missing path/],
    [{ op: 'add', path: '/list/7', value: 1 }, /out of range/],
    [{ op: 'frobnicate', path: '/list' }, /unsupported/],
    [{ op: 'add', path: 'no-slash', value: 1 }, /invalid JSON pointer/],
  ])('rejects %j', (op, message) => {
    expect(() => applyJsonPatch(doc, [op])).toThrow(JsonPatchError);
    expect(() => applyJsonPatch(doc, [op])).toThrow(message);
  });
});

describe('selectors and continue tokens', () => {
  const obj = (name: string, labels: Record<string, string>): KubeObject => ({ metadata: { name, labels }, spec: { nodeName: 'n1' } });
  const objs = [obj('a', { tier: 'gold', env: 'prod' }), obj('b', { tier: 'silver' }), obj('c', {})];
  const names = (m: ((o: KubeObject) => boolean) | undefined) => objs.filter((o) => !m || m(o)).map((o) => o.metadata.name);

  it.each([
    ['tier=gold', ['a']],
    ['tier==gold,env=prod', ['a']],
    ['tier!=gold', ['b', 'c']],
    ['tier', ['a', 'b']],
    ['!tier', ['c']],
    ['tier in (gold, silver)', ['a', 'b']],
    ['tier notin (gold)', ['b', 'c']],
    ['', ['a', 'b', 'c']],
  ])('label selector %s', (sel, expected) => {
    expect(names(parseLabelSelector(sel))).toEqual(expected);
  });

  it('field selectors compare dotted paths', () => {
    expect(names(parseFieldSelector('metadata.name=b'))).toEqual(['b']);
    expect(names(parseFieldSelector('metadata.name!=b,spec.nodeName=n1'))).toEqual(['a', 'c']);
  });

  it('rejects malformed selectors and tokens with a 400 Status', () => {
    expect(() => parseLabelSelector('a b c')).toThrow(KubeStatusError);
    expect(() => decodeContinue('not-a-token')).toThrow(KubeStatusError);
    expect(decodeContinue(encodeContinue(42, 'ns/name\u0000'))).toEqual({ rv: 42, start: 'ns/name\u0000' });
  });
});
