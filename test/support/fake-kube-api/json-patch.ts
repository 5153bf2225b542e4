import { isJsonObject, type Json } from './merge-patch.js';

export interface JsonPatchOp {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

/** A patch that cannot be applied; the API server answers these with 422 Invalid. */
export class JsonPatchError extends Error {}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function arrayIndex(arr: Json[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new JsonPatchError(`invalid array index ${token}`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new JsonPatchError(`array index ${i} out of range`);
  return i;
}

/** Walks to the container holding the last token of `path`. */
function parentOf(doc: Json, tokens: string[], path: string): Json {
  let node = doc;
  for (const t of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(node)
      ? node[arrayIndex(node, t, false)]
      : isJsonObject(node)
        ? node[t]
        : undefined;
    if (next === undefined) throw new JsonPatchError(`doc is missing path: ${path}`);
    node = next;
  }
  return node;
}

function getAt(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1]!;
  const v = Array.isArray(parent) ? parent[arrayIndex(parent, last, false)] : isJsonObject(parent) ? parent[last] : undefined;
  if (v === undefined) throw new JsonPatchError(`doc is missing path: ${path}`);
  return v;
}

function setAt(doc: Json, path: string, value: Json, mode: 'add' | 'replace'): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, last, mode === 'add');
    if (mode === 'add') parent.splice(i, 0, value);
    else parent[i] = value;
  } else if (isJsonObject(parent)) {
    if (mode === 'replace' && !(last in parent)) throw new JsonPatchError(`doc is missing key: ${path}`);
    parent[last] = value;
  } else {
    throw new JsonPatchError(`cannot set ${path}: parent is not a container`);
  }
  return doc;
}

function removeAt(doc: Json, path: string): void {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new JsonPatchError('cannot remove the document root');
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false), 1);
  else if (isJsonObject(parent) && last in parent) delete parent[last];
  else throw new JsonPatchError(`doc is missing key: ${path}`);
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]!));
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k]!, b[k]!));
  }
  return false;
}

/** RFC 6902 add/remove/replace/test/move/copy on a deep copy of `target`; throws JsonPatchError on failure. */
export function applyJsonPatch(target: Json, ops: readonly JsonPatchOp[]): Json {
  let doc = structuredClone(target);
  for (const op of ops) {
    if (typeof op.path !== 'string') throw new JsonPatchError('operation has no path');
    switch (op.op) {
      case 'add':
      case 'replace':
        if (op.value === undefined) throw new JsonPatchError(`${op.op} operation has no value`);
        doc = setAt(doc, op.path, structuredClone(op.value), op.op);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, op.path), op.value ?? null)) {
          throw new JsonPatchError(`testing value ${op.path} failed: test failed`);
        }
        break;
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string') throw new JsonPatchError(`${op.op} operation has no from`);
        const v = structuredClone(getAt(doc, op.from));
        if (op.op === 'move') removeAt(doc, op.from);
        doc = setAt(doc, op.path, v, 'add');
        break;
      }
      default:
        throw new JsonPatchError(`unsupported JSON patch operation ${JSON.stringify(op.op)}`);
    }
  }
  return doc;
}
