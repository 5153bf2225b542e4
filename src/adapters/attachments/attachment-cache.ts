import type { AttachmentState } from '../../domain/attachment.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import type { RecordFeed, SourceRecord } from './attachment-record-source.js';

/**
 * One replica's view of the stored attachment records, with a per-node index. Reports are taken
 * in revision order: an older report of a record (a slow read answered after a newer watch event)
 * never replaces a newer one. Records with no nodes are kept as tombstones for that ordering.
 * Writes this replica has in flight are overlaid for per-node counts until they settle.
 * Synchronous: JavaScript runs each method without interleaving.
 */
export class AttachmentCache implements RecordFeed {
  private readonly records = new Map<VolumeId, SourceRecord>();
  private readonly byNode = new Map<NodeId, Set<VolumeId>>();
  private readonly pending = new Map<VolumeId, AttachmentState>();

  get(volumeId: VolumeId): SourceRecord | undefined {
    return this.records.get(volumeId);
  }

  put(record: SourceRecord): void {
    const volumeId = record.state.volumeId;
    const current = this.records.get(volumeId);
    if (current && isOlder(record.revision, current.revision)) return;
    this.unindex(volumeId, current);
    this.records.set(volumeId, record);
    for (const n of record.state.nodes) {
      let set = this.byNode.get(n.nodeId);
      if (!set) this.byNode.set(n.nodeId, (set = new Set()));
      set.add(volumeId);
    }
  }

  remove(volumeId: VolumeId, revision: number): void {
    const current = this.records.get(volumeId);
    if (!current || isOlder(revision, current.revision)) return;
    this.unindex(volumeId, current);
    this.records.delete(volumeId);
  }

  reset(records: readonly SourceRecord[], revision: number): void {
    const listed = new Set<VolumeId>();
    for (const r of records) {
      listed.add(r.state.volumeId);
      this.put(r);
    }
    for (const [volumeId, current] of [...this.records]) {
      if (!listed.has(volumeId) && !isOlder(revision, current.revision)) this.remove(volumeId, revision);
    }
  }

  /** Counts `state`'s nodes as holders while a write of it is in flight; call the result when it settles. */
  reserve(volumeId: VolumeId, state: AttachmentState): () => void {
    this.pending.set(volumeId, state);
    return () => {
      if (this.pending.get(volumeId) === state) this.pending.delete(volumeId);
    };
  }

  /** Volumes the node holds, counting in-flight grants, not counting `except`. */
  countOnNode(nodeId: NodeId, except?: VolumeId): number {
    const held = this.byNode.get(nodeId);
    let count = held ? held.size - (except !== undefined && held.has(except) ? 1 : 0) : 0;
    for (const [volumeId, state] of this.pending) {
      if (volumeId === except || held?.has(volumeId)) continue;
      if (state.nodes.some((n) => n.nodeId === nodeId)) count += 1;
    }
    return count;
  }

  /** Records with at least one node. */
  attached(): SourceRecord[] {
    return [...this.records.values()].filter((r) => r.state.nodes.length > 0);
  }

  private unindex(volumeId: VolumeId, record: SourceRecord | undefined): void {
    for (const n of record?.state.nodes ?? []) {
      const set = this.byNode.get(n.nodeId);
      set?.delete(volumeId);
      if (set?.size === 0) this.byNode.delete(n.nodeId);
    }
  }
}

/** Whether `incoming` is known to be older than `current`; unordered (NaN) revisions never are. */
function isOlder(incoming: number, current: number): boolean {
  return incoming < current;
}
