import type { KubeObject } from './kube-object.js';
import type { KindName } from './resource-table.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  rv: number;
  store: KindName;
  type: WatchEventType;
  object: KubeObject;
  /** The object before a MODIFIED write, to turn selector transitions into ADDED/DELETED. */
  previous?: KubeObject;
}

export type WatchListener = (event: StoredEvent) => void;

/** Bounded history of writes plus live listeners, per store. Stored objects are immutable, so no copies. */
export class WatchHub {
  private history: StoredEvent[] = [];
  private readonly listeners = new Map<KindName, Set<WatchListener>>();
  /** Highest resourceVersion dropped from the history; watches from before it are answered 410. */
  private compactedThrough = 0;

  constructor(private readonly limit: number) {}

  record(event: StoredEvent): void {
    this.history.push(event);
    if (this.history.length > this.limit * 2) {
      const dropped = this.history.length - this.limit;
      this.compactedThrough = this.history[dropped - 1]!.rv;
      this.history = this.history.slice(dropped);
    }
    const set = this.listeners.get(event.store);
    if (set) for (const l of set) l(event);
  }

  /** Events of `store` after `rv`, or undefined when some of them were already dropped. */
  since(store: KindName, rv: number): StoredEvent[] | undefined {
    if (rv < this.compactedThrough) return undefined;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    const out: StoredEvent[] = [];
    for (let i = lo; i < this.history.length; i++) if (this.history[i]!.store === store) out.push(this.history[i]!);
    return out;
  }

  oldestAvailable(): number {
    return this.compactedThrough + 1;
  }

  subscribe(store: KindName, listener: WatchListener): () => void {
    let set = this.listeners.get(store);
    if (!set) this.listeners.set(store, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  listenerCount(store?: KindName): number {
    if (store) return this.listeners.get(store)?.size ?? 0;
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}
