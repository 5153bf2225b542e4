import { Attachment } from './attachment.js';
import type { AttachmentPolicy, AttachmentState, NodeAttachment } from './attachment.js';
import type { AccessMode, VolumeMode } from './access-mode.js';
import type { NodeId, VolumeId } from './ids.js';

/** An attachment as the orchestrator records it (a Kubernetes VolumeAttachment). */
export interface ReportedAttachment {
  readonly volumeId: VolumeId;
  readonly nodeId: NodeId;
  /** When the orchestrator recorded it, epoch milliseconds. */
  readonly attachedAt: number;
  /** Whether the orchestrator considers the attach done (VolumeAttachment status.attached). */
  readonly attached: boolean;
  /** The orchestrator is detaching it (the VolumeAttachment is being deleted). */
  readonly detaching: boolean;
  /** Best guess of how the volume is used, from the volume's own spec. */
  readonly accessMode: AccessMode;
  readonly volumeMode: VolumeMode;
  readonly readonly: boolean;
}

export interface ReconcileOptions {
  /** When the orchestrator's list was requested (before it was sent), epoch ms. */
  readonly listedAt: number;
  /** Holders that attached after `listedAt - graceMs` are too young to judge and always kept. */
  readonly graceMs: number;
  readonly policy: AttachmentPolicy;
}

export interface RecordReconciliation {
  readonly state: AttachmentState;
  readonly changed: boolean;
  /** Recorded holders nothing backs, removed. */
  readonly cleared: readonly NodeId[];
  /** Reported holders the record lacked, added as inferred. */
  readonly adopted: readonly NodeId[];
  /** Reported holders the fencing rules refuse next to the recorded ones; the record wins. */
  readonly conflicting: readonly NodeId[];
}

/**
 * Makes one volume's record agree with the orchestrator, never stricter than it and never looser
 * than the fencing rules: a recorded holder that no attached VolumeAttachment backs is removed,
 * unless it attached within the grace before the list was taken (its VolumeAttachment may not say
 * "attached" yet); an attached VolumeAttachment the record lacks is adopted, with its mode
 * inferred, only where the fencing rules admit it and only while it is not being detached (a
 * detach the driver already recorded must not come back).
 */
export function reconcileRecord(
  record: AttachmentState,
  reported: readonly ReportedAttachment[],
  options: ReconcileOptions,
): RecordReconciliation {
  const attachment = Attachment.restore(record);
  const backed = reported.filter((r) => r.attached && r.volumeId === record.volumeId);
  const youngSince = options.listedAt - options.graceMs;
  const cleared: NodeId[] = [];
  for (const n of record.nodes) {
    if (backed.some((b) => b.nodeId === n.nodeId) || n.attachedAt > youngSince) continue;
    cleared.push(...attachment.detach(n.nodeId));
  }
  const adopted: NodeId[] = [];
  const conflicting: NodeId[] = [];
  const missing = backed.filter((b) => !b.detaching && !record.nodes.some((n) => n.nodeId === b.nodeId));
  for (const r of [...missing].sort((a, b) => a.attachedAt - b.attachedAt)) {
    if (attachment.adopt(holderOf(r), options.policy)) adopted.push(r.nodeId);
    else conflicting.push(r.nodeId);
  }
  return { state: attachment.toState(), changed: attachment.changed, cleared, adopted, conflicting };
}

/** Allowance for clock differences between the replica that recorded an attach and the one judging it. */
export const CLOCK_SKEW_ALLOWANCE_MS = 10_000;

/**
 * The live-migration window's end: once a dual attachment is past its window at `now`, a holder
 * with no VolumeAttachment at all (attached or not) in a list requested at `listedAt` is released
 * at once. A VolumeAttachment exists before every ControllerPublish the orchestrator makes, so a
 * holder that attached before the list and has none was detached behind the driver's back (a node
 * lost and its VolumeAttachment removed). Nothing changes before the window has passed.
 */
export function releaseAfterMigrationWindow(
  record: AttachmentState,
  reported: readonly ReportedAttachment[],
  options: { readonly listedAt: number; readonly now: number; readonly policy: AttachmentPolicy },
): RecordReconciliation {
  const attachment = Attachment.restore(record);
  const cleared: NodeId[] = [];
  if (attachment.isDualAttachOverdue(options.now, options.policy)) {
    for (const n of record.nodes) {
      const present = reported.some((r) => r.volumeId === record.volumeId && r.nodeId === n.nodeId);
      if (!present && n.attachedAt < options.listedAt - CLOCK_SKEW_ALLOWANCE_MS) cleared.push(...attachment.detach(n.nodeId));
    }
  }
  return { state: attachment.toState(), changed: attachment.changed, cleared, adopted: [], conflicting: [] };
}

function holderOf(r: ReportedAttachment): NodeAttachment {
  return {
    nodeId: r.nodeId,
    attachedAt: r.attachedAt,
    readonly: r.readonly,
    accessMode: r.accessMode,
    volumeMode: r.volumeMode,
    inferred: true,
  };
}
