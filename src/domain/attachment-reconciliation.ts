import type { AttachmentState, NodeAttachment } from './attachment.js';
import type { AccessMode, VolumeMode } from './access-mode.js';
import type { NodeId, VolumeId } from './ids.js';

/** An attachment the orchestrator reports as done. */
export interface ReportedAttachment {
  readonly volumeId: VolumeId;
  readonly nodeId: NodeId;
  /** When the orchestrator recorded it, epoch milliseconds. */
  readonly attachedAt: number;
  /** Best guess of how the volume is used, from the volume's own spec. */
  readonly accessMode: AccessMode;
  readonly volumeMode: VolumeMode;
  readonly readonly: boolean;
}

export interface NodeRef {
  readonly volumeId: VolumeId;
  readonly nodeId: NodeId;
}

export interface ReconciliationResult {
  /** The reconciled state of every volume that was recorded or reported (empty nodes = cleared). */
  readonly states: ReadonlyMap<VolumeId, AttachmentState>;
  /** Volumes whose state differs from the record and must be written back. */
  readonly changed: ReadonlySet<VolumeId>;
  /** Recorded attachments that no reported attachment backs (stale). */
  readonly cleared: readonly NodeRef[];
  /** Reported attachments that had no record (adopted, with inferred mode). */
  readonly adopted: readonly NodeRef[];
}

/**
 * Makes the record agree with the orchestrator: a recorded node that the orchestrator does not report
 * attached is stale and dropped; a reported one the record lacks is adopted, flagged as inferred.
 * The record keeps its own details (mode, time) wherever both agree.
 */
export function reconcileAttachments(
  records: readonly AttachmentState[],
  reported: readonly ReportedAttachment[],
): ReconciliationResult {
  const byVolume = new Map<VolumeId, ReportedAttachment[]>();
  for (const r of reported) byVolume.set(r.volumeId, [...(byVolume.get(r.volumeId) ?? []), r]);

  const states = new Map<VolumeId, AttachmentState>();
  const changed = new Set<VolumeId>();
  const cleared: NodeRef[] = [];
  const adopted: NodeRef[] = [];

  for (const record of records) {
    const backing = byVolume.get(record.volumeId) ?? [];
    const kept = record.nodes.filter((n) => backing.some((b) => b.nodeId === n.nodeId));
    for (const n of record.nodes) {
      if (!kept.includes(n)) cleared.push({ volumeId: record.volumeId, nodeId: n.nodeId });
    }
    const added = backing.filter((b) => !record.nodes.some((n) => n.nodeId === b.nodeId)).map(inferred);
    for (const a of added) adopted.push({ volumeId: record.volumeId, nodeId: a.nodeId });
    const nodes = [...kept, ...added];
    states.set(record.volumeId, withNodes(record, nodes));
    if (nodes.length !== record.nodes.length || added.length > 0) changed.add(record.volumeId);
    byVolume.delete(record.volumeId);
  }
  for (const [volumeId, backing] of byVolume) {
    const nodes = [...backing].sort((a, b) => a.attachedAt - b.attachedAt).map(inferred);
    for (const n of nodes) adopted.push({ volumeId, nodeId: n.nodeId });
    states.set(volumeId, withNodes({ volumeId, nodes: [] }, nodes));
    changed.add(volumeId);
  }
  return { states, changed, cleared, adopted };
}

function inferred(r: ReportedAttachment): NodeAttachment {
  return {
    nodeId: r.nodeId,
    attachedAt: r.attachedAt,
    readonly: r.readonly,
    accessMode: r.accessMode,
    volumeMode: r.volumeMode,
    inferred: true,
  };
}

function withNodes(record: AttachmentState, nodes: NodeAttachment[]): AttachmentState {
  if (nodes.length < 2) return { volumeId: record.volumeId, nodes };
  const since = record.nodes.length > 1 && record.dualAttachSince !== undefined
    ? record.dualAttachSince
    : Math.max(...nodes.slice(0, 2).map((n) => n.attachedAt));
  return { volumeId: record.volumeId, nodes, dualAttachSince: since };
}
