import { injectable } from 'inversify';
import type { AttachmentState } from '../../domain/attachment.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';

export interface RegistryEntry {
  readonly state: AttachmentState;
  /** Store version the state was last read or written at; undefined if never persisted. */
  readonly version: string | undefined;
  /**
   * The state differs from the stored record because writing it failed (a detach whose clearing
   * write failed). Kept even with no nodes, so the next write is made against the right version.
   */
  readonly unsaved?: boolean;
}

/**
 * The controller's in-memory view of attachments, with a per-node index for volume limits.
 * Reads and writes are synchronous: JavaScript runs them without interleaving, so no map lock
 * is needed, and no I/O ever happens while the map is being changed. Per-volume consistency
 * (read, decide, persist) is the volume lock's job, in the use cases.
 */
@injectable()
export class AttachmentRegistry {
  private readonly entries = new Map<VolumeId, RegistryEntry>();
  private readonly byNode = new Map<NodeId, Set<VolumeId>>();
  private readyFlag = false;
  private readonly readyWaiters: (() => void)[] = [];

  get(volumeId: VolumeId): RegistryEntry | undefined {
    return this.entries.get(volumeId);
  }

  /**
   * Replaces a volume's entry. An entry with no nodes is dropped (the next write then expects no
   * record) unless it is unsaved.
   */
  set(volumeId: VolumeId, entry: RegistryEntry | undefined): void {
    const previous = this.entries.get(volumeId);
    for (const n of previous?.state.nodes ?? []) this.unindex(n.nodeId, volumeId);
    if (!entry || (entry.state.nodes.length === 0 && !entry.unsaved)) {
      this.entries.delete(volumeId);
      return;
    }
    this.entries.set(volumeId, entry);
    for (const n of entry.state.nodes) {
      let set = this.byNode.get(n.nodeId);
      if (!set) this.byNode.set(n.nodeId, (set = new Set()));
      set.add(volumeId);
    }
  }

  /** Volumes attached to `nodeId`, not counting `except`. */
  countOnNode(nodeId: NodeId, except?: VolumeId): number {
    const set = this.byNode.get(nodeId);
    if (!set) return 0;
    return except !== undefined && set.has(except) ? set.size - 1 : set.size;
  }

  /** Every volume that has at least one node. */
  list(): AttachmentState[] {
    return [...this.entries.values()].filter((e) => e.state.nodes.length > 0).map((e) => e.state);
  }

  replaceAll(entries: Iterable<[VolumeId, RegistryEntry]>): void {
    this.entries.clear();
    this.byNode.clear();
    for (const [id, entry] of entries) this.set(id, entry);
  }

  isReady(): boolean {
    return this.readyFlag;
  }

  markReady(): void {
    this.readyFlag = true;
    for (const w of this.readyWaiters.splice(0)) w();
  }

  /** Resolves true once ready, or false when `timeoutMs` passes first. */
  waitReady(timeoutMs: number): Promise<boolean> {
    if (this.readyFlag) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private unindex(nodeId: NodeId, volumeId: VolumeId): void {
    const set = this.byNode.get(nodeId);
    set?.delete(volumeId);
    if (set && set.size === 0) this.byNode.delete(nodeId);
  }
}
