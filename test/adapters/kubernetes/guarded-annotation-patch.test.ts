import { describe, expect, it } from 'vitest';
import { annotationPath, guardedAnnotationPatch } from '../../../src/adapters/kubernetes/guarded-annotation-patch.js';
import { applyJsonPatch, JsonPatchError } from '../../support/fake-kube-api/json-patch.js';
import type { JsonPatchOp } from '../../support/fake-kube-api/json-patch.js';
import type { Json } from '../../support/fake-kube-api/merge-patch.js';

const D = 'rds.csi.srvlab.io';
const NODE = `${D}/attached-node`;
const AT = `${D}/attached-at`;
const ALL = `${D}/attachments`;

const read = { 'pv.kubernetes.io/provisioned-by': D, 'team/owner': 'db', [NODE]: 'worker-1', [AT]: '2026-02-05T10:11:12Z' };
const pvDoc = (annotations: Record<string, string> | undefined, resourceVersion = '41') => ({
  metadata: { name: 'pvc-1', resourceVersion, ...(annotations ? { annotations } : {}) },
  spec: { csi: { driver: D, volumeHandle: 'pvc-1' } },
});
const apply = (doc: object, ops: readonly object[]) => applyJsonPatch(doc as Json, ops as JsonPatchOp[]) as ReturnType<typeof pvDoc>;

describe('guardedAnnotationPatch', () => {
  it('tests the whole annotation map as read, then adds the new values', () => {
    const ops = guardedAnnotationPatch({ resourceVersion: '41', allAnnotations: read }, { [NODE]: 'worker-2', [ALL]: '{"nodes":[]}' });
    expect(ops).toEqual([
      { op: 'test', path: '/metadata/annotations', value: read },
      { op: 'add', path: '/metadata/annotations/rds.csi.srvlab.io~1attached-node', value: 'worker-2' },
      { op: 'add', path: '/metadata/annotations/rds.csi.srvlab.io~1attachments', value: '{"nodes":[]}' },
    ]);
  });

  it('tests a copy of the map, not the caller\u2019s object', () => {
    const annotations = { ...read };
    const ops = guardedAnnotationPatch({ resourceVersion: '41', allAnnotations: annotations }, { [NODE]: 'worker-2' });
    annotations['team/owner'] = 'changed later';
    expect(ops[0]).toEqual({ op: 'test', path: '/metadata/annotations', value: read });
  });

  it('removes with null only the keys that are present, never the others', () => {
    const ops = guardedAnnotationPatch({ resourceVersion: '41', allAnnotations: read }, { [NODE]: null, [AT]: null, [ALL]: null });
    expect(ops).toEqual([
      { op: 'test', path: '/metadata/annotations', value: read },
      { op: 'remove', path: annotationPath(NODE) },
      { op: 'remove', path: annotationPath(AT) },
    ]);
  });

  it('pins a PV without an annotation map by its resourceVersion and creates the map with the non-null values', () => {
    const ops = guardedAnnotationPatch({ resourceVersion: '41', allAnnotations: undefined }, { [NODE]: 'worker-1', [AT]: null, [ALL]: '{}' });
    expect(ops).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '41' },
      { op: 'add', path: '/metadata/annotations', value: { [NODE]: 'worker-1', [ALL]: '{}' } },
    ]);
  });

  it('treats an empty map as a map: it is tested, not replaced', () => {
    const ops = guardedAnnotationPatch({ resourceVersion: '7', allAnnotations: {} }, { [NODE]: 'a', [AT]: null });
    expect(ops).toEqual([
      { op: 'test', path: '/metadata/annotations', value: {} },
      { op: 'add', path: annotationPath(NODE), value: 'a' },
    ]);
  });

  it('lands on the PV it was made against, keeping every other annotation', () => {
    const ops = guardedAnnotationPatch({ resourceVersion: '41', allAnnotations: read }, { [NODE]: 'worker-2', [AT]: null, [ALL]: '{"nodes":[]}' });
    expect(apply(pvDoc(read), ops).metadata.annotations).toEqual({
      'pv.kubernetes.io/provisioned-by': D,
      'team/owner': 'db',
      [NODE]: 'worker-2',
      [ALL]: '{"nodes":[]}',
    });
  });

  it('fails as a whole once any annotation changed since the read, ours or another writer\u2019s', () => {
    const ops = guardedAnnotationPatch({ resourceVersion: '41', allAnnotations: read }, { [NODE]: 'worker-2' });
    expect(() => apply(pvDoc({ ...read, 'team/owner': 'web' }, '42'), ops)).toThrow(JsonPatchError);
    expect(() => apply(pvDoc({ ...read, [NODE]: 'intruder' }, '42'), ops)).toThrow(JsonPatchError);
    const { [AT]: _gone, ...withoutAt } = read;
    expect(() => apply(pvDoc(withoutAt, '42'), ops)).toThrow(JsonPatchError);
    expect(() => apply(pvDoc({ ...read, extra: 'x' }, '42'), ops)).toThrow(JsonPatchError);
  });

  it('is not disturbed by a newer resourceVersion when the annotations are unchanged', () => {
    const ops = guardedAnnotationPatch({ resourceVersion: '41', allAnnotations: read }, { [NODE]: 'worker-2' });
    expect(apply(pvDoc(read, '99'), ops).metadata.annotations?.[NODE]).toBe('worker-2');
  });

  it('fails on a PV without a map once its resourceVersion moved on, or once a map appeared', () => {
    const ops = guardedAnnotationPatch({ resourceVersion: '41', allAnnotations: undefined }, { [NODE]: 'worker-1' });
    expect(apply(pvDoc(undefined, '41'), ops).metadata.annotations).toEqual({ [NODE]: 'worker-1' });
    expect(() => apply(pvDoc(undefined, '42'), ops)).toThrow(JsonPatchError);
    expect(() => apply(pvDoc({ other: 'x' }, '42'), ops)).toThrow(JsonPatchError);
  });
});

describe('annotationPath', () => {
  it('escapes "/" as ~1', () => {
    expect(annotationPath('rds.csi.srvlab.io/attached-node')).toBe('/metadata/annotations/rds.csi.srvlab.io~1attached-node');
  });

  it('escapes "~" as ~0, before "/", so an escaped-looking key stays itself', () => {
    expect(annotationPath('a~b')).toBe('/metadata/annotations/a~0b');
    expect(annotationPath('x/~1')).toBe('/metadata/annotations/x~1~01');
    expect(annotationPath('~/~/')).toBe('/metadata/annotations/~0~1~0~1');
  });

  it('leaves keys without "~" or "/" alone', () => {
    expect(annotationPath('plain-key.example')).toBe('/metadata/annotations/plain-key.example');
  });

  it('points at exactly that key when a JSON patch is applied', () => {
    const key = 'example.com/odd~key/1';
    const doc = pvDoc({ [key]: 'old', 'example.com~1odd~0key~11': 'lookalike' });
    const patched = apply(doc, [{ op: 'add', path: annotationPath(key), value: 'new' }]);
    expect(patched.metadata.annotations).toEqual({ [key]: 'new', 'example.com~1odd~0key~11': 'lookalike' });
    expect(apply(doc, [{ op: 'remove', path: annotationPath(key) }]).metadata.annotations).toEqual({ 'example.com~1odd~0key~11': 'lookalike' });
  });
});
