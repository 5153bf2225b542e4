import { assertSupportedAccessMode, isSingleNodeMode } from './access-mode.js';
import type { AccessMode, VolumeMode } from './access-mode.js';
import {
  IncompatibleAttachmentError,
  MaxVolumesPerNodeError,
  VolumeAttachedElsewhereError,
} from './errors.js';
import type { NodeId, VolumeId } from './ids.js';

/** One node's hold on a volume. Times are epoch milliseconds. */
export interface NodeAttachment {
  readonly nodeId: NodeId;
  readonly attachedAt: number;
  readonly readonly: boolean;
  readonly accessMode: AccessMode;
  readonly volumeMode: VolumeMode;
  /**
   * True when mode and readonly were guessed (an annotation of the Go driver, or a VolumeAttachment
   * adopted without a record). The holder fences exactly as the guessed mode says; the next attach
   * from the same node replaces the guess with what it asks for.
   */
  readonly inferred?: boolean;
}

/** Plain, serialisable state of the aggregate. Nodes are in attach order; the first is the primary. */
export interface AttachmentState {
  readonly volumeId: VolumeId;
  readonly nodes: readonly NodeAttachment[];
  /** When a second node joined (KubeVirt live migration); absent with fewer than two nodes. */
  readonly dualAttachSince?: number;
  /** How long this dual attachment may last (the volume's StorageClass value); absent with fewer than two nodes. */
  readonly migrationTimeoutMs?: number;
}

export interface AttachmentPolicy {
  /** Nodes that may hold a MULTI_NODE_MULTI_WRITER block volume at once (2 = a live migration). */
  readonly maxMultiWriterNodes: number;
  /** How long a dual attachment may last when the request names no window of its own. */
  readonly dualAttachTimeoutMs: number;
  /** Attached volumes a node may hold; undefined = unlimited. */
  readonly maxVolumesPerNode?: number;
}

export const DEFAULT_ATTACHMENT_POLICY: AttachmentPolicy = {
  maxMultiWriterNodes: 2,
  dualAttachTimeoutMs: 300_000,
};

export interface AttachRequest {
  readonly nodeId: NodeId;
  readonly accessMode: AccessMode;
  readonly readonly: boolean;
  readonly volumeMode: VolumeMode;
  /** The volume's live-migration window; the policy's default when absent. */
  readonly migrationTimeoutMs?: number;
}

/** Facts from outside the aggregate that an attach decision needs. */
export interface AttachContext {
  readonly now: number;
  /** Volumes the requesting node holds already (this one excluded). */
  readonly volumesOnNode: number;
}

export type AttachOutcome = 'attached' | 'already-attached';

type Usage = Pick<NodeAttachment, 'accessMode' | 'volumeMode'>;
const multiWriterBlock = (u: Usage) => u.accessMode === 'MULTI_NODE_MULTI_WRITER' && u.volumeMode === 'block';

/**
 * The fencing rules: who may hold a volume, and when a request is a harmless repeat. `changed` tells
 * whether any method altered the state since it was restored, so callers write only real changes.
 */
export class Attachment {
  private dirty = false;

  private constructor(
    readonly volumeId: VolumeId,
    private nodeList: NodeAttachment[],
    private dualSince: number | undefined,
    private windowMs: number | undefined,
  ) {}

  static empty(volumeId: VolumeId): Attachment {
    return new Attachment(volumeId, [], undefined, undefined);
  }

  static restore(state: AttachmentState): Attachment {
    const dual = state.nodes.length > 1;
    const since = dual ? (state.dualAttachSince ?? state.nodes[1]?.attachedAt) : undefined;
    return new Attachment(state.volumeId, [...state.nodes], since, dual ? state.migrationTimeoutMs : undefined);
  }

  get nodes(): readonly NodeAttachment[] {
    return this.nodeList;
  }

  get dualAttachSince(): number | undefined {
    return this.dualSince;
  }

  get changed(): boolean {
    return this.dirty;
  }

  isEmpty(): boolean {
    return this.nodeList.length === 0;
  }

  isAttachedTo(nodeId: NodeId): boolean {
    return this.nodeList.some((n) => n.nodeId === nodeId);
  }

  holders(): NodeId[] {
    return this.nodeList.map((n) => n.nodeId);
  }

  attach(request: AttachRequest, context: AttachContext, policy: AttachmentPolicy): AttachOutcome {
    assertSupportedAccessMode(request.accessMode, request.volumeMode);
    const index = this.nodeList.findIndex((n) => n.nodeId === request.nodeId);
    if (index >= 0) return this.repeatAttach(index, request);
    if (!this.admits(request, policy)) {
      throw new VolumeAttachedElsewhereError(this.volumeId, this.holders(), this.refusalDetail(request, policy));
    }
    const limit = policy.maxVolumesPerNode;
    if (limit !== undefined && context.volumesOnNode >= limit) {
      throw new MaxVolumesPerNodeError(request.nodeId, limit);
    }
    this.add(
      {
        nodeId: request.nodeId,
        attachedAt: context.now,
        readonly: request.readonly,
        accessMode: request.accessMode,
        volumeMode: request.volumeMode,
      },
      context.now,
      request.migrationTimeoutMs ?? policy.dualAttachTimeoutMs,
    );
    return 'attached';
  }

  /**
   * Records a holder the orchestrator reports but the record lacks, if the fencing rules admit it
   * next to the present holders. Returns false, changing nothing, when they do not: the record is
   * the fence and wins over a report that contradicts it.
   */
  adopt(holder: NodeAttachment, policy: AttachmentPolicy): boolean {
    if (this.isAttachedTo(holder.nodeId) || !this.admits(holder, policy)) return false;
    const joinedAt = Math.max(holder.attachedAt, ...this.nodeList.map((n) => n.attachedAt));
    this.add({ ...holder, inferred: true }, joinedAt, policy.dualAttachTimeoutMs);
    return true;
  }

  /** Detaches one node, or every node when `nodeId` is undefined. Returns the nodes removed. */
  detach(nodeId?: NodeId): NodeId[] {
    const removed = this.nodeList.filter((n) => nodeId === undefined || n.nodeId === nodeId).map((n) => n.nodeId);
    if (removed.length === 0) return removed;
    this.nodeList = this.nodeList.filter((n) => !removed.includes(n.nodeId));
    if (this.nodeList.length < 2) {
      this.dualSince = undefined;
      this.windowMs = undefined;
    }
    this.dirty = true;
    return removed;
  }

  /** When the dual attachment's window closes (epoch ms); undefined with fewer than two nodes. */
  migrationDeadline(policy: AttachmentPolicy): number | undefined {
    return this.dualSince === undefined ? undefined : this.dualSince + (this.windowMs ?? policy.dualAttachTimeoutMs);
  }

  /** True when two nodes have held the volume for longer than its window allows. */
  isDualAttachOverdue(now: number, policy: AttachmentPolicy): boolean {
    const deadline = this.migrationDeadline(policy);
    return deadline !== undefined && now > deadline;
  }

  toState(): AttachmentState {
    const base = { volumeId: this.volumeId, nodes: [...this.nodeList] };
    if (this.dualSince === undefined) return base;
    return this.windowMs === undefined
      ? { ...base, dualAttachSince: this.dualSince }
      : { ...base, dualAttachSince: this.dualSince, migrationTimeoutMs: this.windowMs };
  }

  private add(holder: NodeAttachment, now: number, windowMs: number): void {
    this.nodeList.push(holder);
    if (this.nodeList.length > 1 && this.dualSince === undefined) {
      this.dualSince = now;
      this.windowMs = windowMs;
    }
    this.dirty = true;
  }

  private repeatAttach(index: number, request: AttachRequest): AttachOutcome {
    const held = this.nodeList[index]!;
    if (held.inferred) {
      if (this.nodeList.length > 1 && isSingleNodeMode(request.accessMode)) {
        throw new IncompatibleAttachmentError(
          this.volumeId,
          request.nodeId,
          `together with node ${this.holders().filter((n) => n !== request.nodeId).join(', ')}; ` +
            `a single-node mode (${request.accessMode}) cannot be granted while another node holds it`,
        );
      }
      this.nodeList[index] = {
        nodeId: held.nodeId,
        attachedAt: held.attachedAt,
        readonly: request.readonly,
        accessMode: request.accessMode,
        volumeMode: request.volumeMode,
      };
      this.dirty = true;
      return 'already-attached';
    }
    const same =
      held.accessMode === request.accessMode &&
      held.readonly === request.readonly &&
      held.volumeMode === request.volumeMode;
    if (same) return 'already-attached';
    throw new IncompatibleAttachmentError(
      this.volumeId,
      request.nodeId,
      `as ${describe(held)}; the request asks for ${describe(request)}`,
    );
  }

  /** A free volume admits anyone; a held one only multi-writer block users, up to the policy's count. */
  private admits(request: Usage, policy: AttachmentPolicy): boolean {
    if (this.nodeList.length === 0) return true;
    return multiWriterBlock(request) && this.nodeList.every(multiWriterBlock) && this.nodeList.length < policy.maxMultiWriterNodes;
  }

  private refusalDetail(request: AttachRequest, policy: AttachmentPolicy): string {
    if (request.accessMode === 'MULTI_NODE_MULTI_WRITER' && this.nodeList.length >= policy.maxMultiWriterNodes) {
      return `MULTI_NODE_MULTI_WRITER allows at most ${policy.maxMultiWriterNodes} nodes at once; detach one first`;
    }
    return 'detach it there first';
  }
}

function describe(a: { accessMode: AccessMode; readonly: boolean; volumeMode: VolumeMode }): string {
  return `${a.accessMode}, ${a.readonly ? 'read-only' : 'read-write'}, ${a.volumeMode}`;
}
