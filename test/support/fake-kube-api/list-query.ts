import { kubeStatus, KubeStatusError } from './kube-status.js';
import type { KubeObject } from './kube-object.js';

/** A compiled label or field selector; `undefined` selectors match everything. */
export type Matcher = (obj: KubeObject) => boolean;

function badRequest(message: string): never {
  throw new KubeStatusError(kubeStatus.badRequest(message));
}

/** Splits on commas outside parentheses (`a in (x,y),b=c`). */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

type Term = (labels: Record<string, string>) => boolean;

function labelTerm(term: string): Term {
  let m = /^(!?)([A-Za-z0-9._/-]+)$/.exec(term);
  if (m) {
    const [, not, key] = m as unknown as [string, string, string];
    return not ? (l) => !(key in l) : (l) => key in l;
  }
  m = /^([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^([A-Za-z0-9._/-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in' ? (l) => values.has(l[key] ?? '\u0000') : (l) => !values.has(l[key] ?? '\u0000');
  }
  return badRequest(`unable to parse requirement: invalid label selector term ${JSON.stringify(term)}`);
}

export function parseLabelSelector(selector: string | null): Matcher | undefined {
  if (selector === null || selector.trim() === '') return undefined;
  const terms = splitTerms(selector).map(labelTerm);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return terms.every((t) => t(labels));
  };
}

function fieldValue(obj: KubeObject, path: string): string {
  let node: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return '';
    node = (node as Record<string, unknown>)[part];
  }
  return node === undefined || node === null ? '' : String(node);
}

/** Field selectors on any dotted path (`metadata.name=x`, `spec.nodeName!=y`); the real API allows fewer. */
export function parseFieldSelector(selector: string | null): Matcher | undefined {
  if (selector === null || selector.trim() === '') return undefined;
  const terms = splitTerms(selector).map((term) => {
    const m = /^([A-Za-z0-9._-]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) return badRequest(`invalid field selector: ${JSON.stringify(term)}`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (o: KubeObject) => fieldValue(o, path) !== value : (o: KubeObject) => fieldValue(o, path) === value;
  });
  return (obj) => terms.every((t) => t(obj));
}

export function andMatchers(...ms: (Matcher | undefined)[]): Matcher | undefined {
  const present = ms.filter((m): m is Matcher => m !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return (o) => present.every((m) => m(o));
}

interface ContinueState {
  rv: number;
  /** Smallest store key the next page may start at. */
  start: string;
}

/** Opaque continue token in the real API's shape: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}. */
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
}

export function decodeContinue(token: string): ContinueState {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (parsed.v === 'meta.k8s.io/v1' && typeof parsed.rv === 'number' && typeof parsed.start === 'string') {
      return { rv: parsed.rv, start: parsed.start };
    }
  } catch {
    // fall through to the API server's answer for a malformed token
  }
  return badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export function parseLimit(raw: string | null): number {
  if (raw === null || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) return badRequest(`invalid limit ${JSON.stringify(raw)}`);
  return n;
}
