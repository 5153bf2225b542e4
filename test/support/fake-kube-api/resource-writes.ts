import { randomUUID } from 'node:crypto';
import { applyJsonPatch, JsonPatchError, type JsonPatchOp } from './json-patch.js';
import { objectKey, type KubeObject } from './kube-object.js';
import { kubeStatus, KubeStatusError, type KubeStatus, type StatusTarget } from './kube-status.js';
import { applyMergePatch, isJsonObject, type Json } from './merge-patch.js';
import type { ObjectStore } from './object-store.js';
import { apiVersionOf, type ResourceDef } from './resource-table.js';

/** Where a write goes; `namespace` is set for namespaced resources. */
export interface WriteTarget {
  store: ObjectStore;
  def: ResourceDef;
  namespace?: string;
}

export const kubeTimestamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const fail = (status: KubeStatus): never => {
  throw new KubeStatusError(status);
};
const target = (t: WriteTarget, name?: string): StatusTarget => ({
  resource: t.def.resource,
  group: t.def.group,
  ...(name === undefined ? {} : { name }),
});

function asObject(body: unknown): KubeObject {
  if (!isJsonObject(body as Json)) return fail(kubeStatus.badRequest('the request body is not a JSON object'));
  const obj = body as KubeObject;
  if (obj.metadata === undefined) obj.metadata = {};
  if (!isJsonObject(obj.metadata as Json)) return fail(kubeStatus.badRequest('metadata must be an object'));
  return obj;
}

function generatedName(prefix: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = prefix;
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

function checkNamespace(t: WriteTarget, obj: KubeObject): void {
  if (!t.def.namespaced) return;
  const ns = obj.metadata.namespace;
  if (ns !== undefined && ns !== '' && ns !== t.namespace) {
    fail(kubeStatus.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
  }
}

/** POST: 409 AlreadyExists, server-set uid/creationTimestamp/resourceVersion, kind and apiVersion filled in. */
export function createObject(t: WriteTarget, body: unknown): KubeObject {
  const obj = asObject(body);
  checkNamespace(t, obj);
  const meta = obj.metadata;
  const name = meta.name || (meta.generateName ? generatedName(meta.generateName) : undefined);
  if (!name) return fail(kubeStatus.invalid(target(t), 'metadata.name: Required value: name or generateName is required'));
  // etcd3 storage refuses this; the API server reports it as an internal error.
  if (meta.resourceVersion) return fail(kubeStatus.serverError(500, 'resourceVersion should not be set on objects to be created'));
  if (t.store.find(t.def.store, t.namespace, name)) return fail(kubeStatus.alreadyExists(target(t, name)));
  const { deletionTimestamp: _d, deletionGracePeriodSeconds: _g, ...rest } = meta;
  return t.store.commit(t.def.store, objectKey(t.namespace, name), {
    ...obj,
    apiVersion: apiVersionOf(t.def),
    kind: t.def.kind,
    metadata: {
      ...rest,
      name,
      ...(t.def.namespaced ? { namespace: t.namespace } : {}),
      uid: randomUUID(),
      creationTimestamp: kubeTimestamp(),
    },
  });
}

/** Status-subresource split: the main resource cannot change status, `/status` can change only status. */
function splitStatus(t: WriteTarget, existing: KubeObject, incoming: KubeObject, status: boolean): KubeObject {
  if (!t.def.statusSubresource) return incoming;
  const source = status ? incoming : existing;
  const { status: _s, ...base } = status ? existing : incoming;
  return source.status === undefined ? base : { ...base, status: source.status };
}

/** Common tail of update and patch: immutable metadata kept, finalizer-gated deletion completed. */
function commitUpdate(t: WriteTarget, name: string, existing: KubeObject, next: KubeObject): KubeObject {
  const old = existing.metadata;
  const meta = {
    ...next.metadata,
    name,
    uid: old.uid,
    creationTimestamp: old.creationTimestamp,
    ...(t.def.namespaced ? { namespace: t.namespace } : {}),
  };
  if (old.deletionTimestamp !== undefined) {
    meta.deletionTimestamp = old.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  }
  const obj: KubeObject = { ...next, apiVersion: apiVersionOf(t.def), kind: t.def.kind, metadata: meta };
  const key = objectKey(t.namespace, name);
  if (meta.deletionTimestamp !== undefined && !(meta.finalizers ?? []).length) {
    t.store.commit(t.def.store, key, obj);
    return t.store.commit(t.def.store, key, undefined);
  }
  return t.store.commit(t.def.store, key, obj);
}

export interface UpdateOptions {
  subresource?: 'status';
  /** Consumes an injected conflict fault; true = answer 409 as if the object had changed. */
  injectedConflict: () => boolean;
}

/** PUT: optimistic concurrency on metadata.resourceVersion; without one the update is unconditional. */
export function updateObject(t: WriteTarget, name: string, body: unknown, opts: UpdateOptions): KubeObject {
  const obj = asObject(body);
  checkNamespace(t, obj);
  if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
    fail(kubeStatus.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`));
  }
  const existing = t.store.find(t.def.store, t.namespace, name)?.obj;
  const wanted = obj.metadata.resourceVersion;
  if (!existing) {
    if (t.def.allowCreateOnUpdate && !opts.subresource && !wanted) return createObject(t, { ...obj, metadata: { ...obj.metadata, name } });
    return fail(kubeStatus.notFound(target(t, name)));
  }
  if (opts.injectedConflict() || (wanted && wanted !== existing.metadata.resourceVersion)) {
    fail(kubeStatus.conflict(target(t, name)));
  }
  return commitUpdate(t, name, existing, splitStatus(t, existing, obj, opts.subresource === 'status'));
}

const MERGE_TYPES = new Set(['application/merge-patch+json', 'application/strategic-merge-patch+json']);

/** PATCH: merge, strategic-merge (treated as merge) and JSON patch; a patched resourceVersion is a precondition. */
export function patchObject(t: WriteTarget, name: string, contentType: string, body: unknown, opts: UpdateOptions): KubeObject {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const existing = t.store.find(t.def.store, t.namespace, name)?.obj;
  if (!MERGE_TYPES.has(type) && type !== 'application/json-patch+json') fail(kubeStatus.unsupportedMediaType(type));
  if (!existing) return fail(kubeStatus.notFound(target(t, name)));
  let patched: Json;
  if (type === 'application/json-patch+json') {
    if (!Array.isArray(body)) return fail(kubeStatus.badRequest('json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp'));
    try {
      patched = applyJsonPatch(existing as unknown as Json, body as JsonPatchOp[]);
    } catch (e) {
      if (!(e instanceof JsonPatchError)) throw e;
      return fail(kubeStatus.invalid(target(t, name), `the server rejected our request due to an error in our request: ${e.message}`));
    }
  } else {
    if (!isJsonObject(body as Json)) return fail(kubeStatus.badRequest('the merge patch is not a JSON object'));
    patched = applyMergePatch(existing as unknown as Json, body as Json);
  }
  const obj = asObject(patched);
  if (obj.metadata.name !== name) return fail(kubeStatus.invalid(target(t, name), 'metadata.name: Invalid value: field is immutable'));
  const wanted = obj.metadata.resourceVersion;
  if (opts.injectedConflict() || (wanted && wanted !== existing.metadata.resourceVersion)) {
    fail(kubeStatus.conflict(target(t, name)));
  }
  return commitUpdate(t, name, existing, splitStatus(t, existing, obj, opts.subresource === 'status'));
}

interface DeleteOptions {
  preconditions?: { resourceVersion?: string; uid?: string };
}

/** DELETE: preconditions, finalizers (sets deletionTimestamp and waits), then the object or a Status answer. */
export function deleteObject(t: WriteTarget, name: string, body: unknown): KubeObject | KubeStatus {
  const existing = t.store.find(t.def.store, t.namespace, name)?.obj;
  if (!existing) return fail(kubeStatus.notFound(target(t, name)));
  const pre = (isJsonObject(body as Json) ? (body as DeleteOptions).preconditions : undefined) ?? {};
  const current = existing.metadata.resourceVersion ?? '';
  if (pre.resourceVersion && pre.resourceVersion !== current) {
    fail(kubeStatus.preconditionConflict(target(t, name), pre.resourceVersion, current));
  }
  if (pre.uid && pre.uid !== existing.metadata.uid) {
    fail(kubeStatus.preconditionConflict(target(t, name), `uid ${pre.uid}`, `uid ${existing.metadata.uid ?? ''}`));
  }
  const key = objectKey(t.namespace, name);
  if ((existing.metadata.finalizers ?? []).length > 0) {
    if (existing.metadata.deletionTimestamp !== undefined) return existing;
    const meta = { ...existing.metadata, deletionTimestamp: kubeTimestamp(), deletionGracePeriodSeconds: 0 };
    return t.store.commit(t.def.store, key, { ...existing, metadata: meta });
  }
  const deleted = t.store.commit(t.def.store, key, undefined);
  return t.def.deleteReturnsObject ? deleted : kubeStatus.success(target(t, name), deleted.metadata.uid);
}
