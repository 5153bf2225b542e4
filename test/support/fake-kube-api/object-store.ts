import { objectKey, type KubeObject } from './kube-object.js';
import type { Matcher } from './list-query.js';
import type { KindName } from './resource-table.js';
import { WatchHub } from './watch-hub.js';

export interface Entry {
  readonly obj: KubeObject;
  /** JSON of `obj`, computed on first read; lists of thousands of objects reuse it. */
  json?: string;
}

export interface PageRequest {
  namespace?: string;
  matcher?: Matcher;
  /** Smallest key to include. */
  start?: string;
  /** 0 = no limit. */
  limit: number;
}

export interface Page {
  entries: Entry[];
  /** Key of the last entry returned, when more matching objects follow it. */
  continueAfter?: string;
}

/**
 * In-memory objects of every kind under one global resourceVersion counter, bumped on every write. Stored objects
 * are never mutated: each write stores a new object (shallow copies share unchanged subtrees).
 */
export class ObjectStore {
  readonly watch: WatchHub;
  private rv = 0;
  private readonly tables = new Map<KindName, Map<string, Entry>>();
  private readonly sorted = new Map<KindName, string[]>();

  constructor(historyLimit: number) {
    this.watch = new WatchHub(historyLimit);
  }

  currentRv(): number {
    return this.rv;
  }

  table(store: KindName): Map<string, Entry> {
    let t = this.tables.get(store);
    if (!t) this.tables.set(store, (t = new Map()));
    return t;
  }

  find(store: KindName, namespace: string | undefined, name: string): Entry | undefined {
    return this.table(store).get(objectKey(namespace, name));
  }

  /**
   * Stores `next` (or deletes the object when `next` is undefined) with a new resourceVersion and records the watch
   * event. Returns the stored object (for deletes: the last state, carrying the deletion's resourceVersion).
   */
  commit(store: KindName, key: string, next: KubeObject | undefined): KubeObject {
    const table = this.table(store);
    const prev = table.get(key)?.obj;
    if (!prev && !next) throw new Error(`fake-kube-api: nothing to delete at ${store}/${key}`);
    const rv = ++this.rv;
    const base = (next ?? prev)!;
    const obj: KubeObject = { ...base, metadata: { ...base.metadata, resourceVersion: String(rv) } };
    const keys = this.sorted.get(store);
    if (next) {
      table.set(key, { obj });
      if (!prev && keys) keys.splice(lowerBound(keys, key), 0, key);
    } else {
      table.delete(key);
      if (keys) keys.splice(lowerBound(keys, key), 1);
    }
    const type = !prev ? 'ADDED' : next ? 'MODIFIED' : 'DELETED';
    this.watch.record({ rv, store, type, object: obj, ...(type === 'MODIFIED' ? { previous: prev } : {}) });
    return obj;
  }

  sortedKeys(store: KindName): string[] {
    let keys = this.sorted.get(store);
    if (!keys) {
      keys = [...this.table(store).keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.sorted.set(store, keys);
    }
    return keys;
  }

  page(store: KindName, req: PageRequest): Page {
    const table = this.table(store);
    const keys = this.sortedKeys(store);
    const prefix = req.namespace === undefined ? '' : `${req.namespace}/`;
    const from = req.start !== undefined && req.start > prefix ? req.start : prefix;
    const entries: Entry[] = [];
    let lastKey = '';
    for (let i = lowerBound(keys, from); i < keys.length; i++) {
      const key = keys[i]!;
      if (!key.startsWith(prefix)) break;
      const entry = table.get(key)!;
      if (req.matcher && !req.matcher(entry.obj)) continue;
      // A further match exists: the page is full and the client must continue after its last key.
      if (req.limit > 0 && entries.length === req.limit) return { entries, continueAfter: lastKey };
      entries.push(entry);
      lastKey = key;
    }
    return { entries };
  }
}

export function jsonOf(entry: Entry): string {
  return (entry.json ??= JSON.stringify(entry.obj));
}

function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
