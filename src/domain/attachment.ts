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
   * True when mode and readonly were guessed while rebuilding (an annotation of the Go driver, or a
   * VolumeAttachment adopted without one). The next attach from the same node takes its values.
   */
  readonly inferred?: boolean;
}

/** Plain, serialisable state of the aggregate. Nodes are in attach order; the first is the primary. */
export interface AttachmentState {
  readonly volumeId: VolumeId;
  readonly nodes: readonly NodeAttachment[];
  /** When a second node joined (KubeVirt live migration); absent with fewer than two nodes. */
  readonly dualAttachSince?: number;
}

export interface AttachmentPolicy {
  /** Nodes that may hold a MULTI_NODE_MULTI_WRITER block volume at once (2 = a live migration). */
  readonly maxMultiWriterNodes: number;
  /** How long a dual attachment may last before it counts as overdue. */
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
}

/** Facts from outside the aggregate that an attach decision needs. */
export interface AttachContext {
  readonly now: number;
  /** Volumes the requesting node holds already (this one excluded). */
  readonly volumesOnNode: number;
}

export type AttachOutcome = 'attached' | 'already-attached';

/** The fencing rules: who may hold a volume, and when a request is a harmless repeat. */
export class Attachment {
  private constructor(
    readonly volumeId: VolumeId,
    private nodeList: NodeAttachment[],
    private dualSince: number | undefined,
  ) {}

  static empty(volumeId: VolumeId): Attachment {
    return new Attachment(volumeId, [], undefined);
  }

  static restore(state: AttachmentState): Attachment {
    const since = state.nodes.length > 1 ? state.dualAttachSince ?? state.nodes[1]?.attachedAt : undefined;
    return new Attachment(state.volumeId, [...state.nodes], since);
  }

  get nodes(): readonly NodeAttachment[] {
    return this.nodeList;
  }

  get dualAttachSince(): number | undefined {
    return this.dualSince;
  }

  isEmpty(): boolean {
    return this.nodeList.length === 0;
  }

  isAttachedTo(nodeId: NodeId): boolean {
    return this.nodeList.some((n) => n.nodeId === nodeId);
  }

  attach(request: AttachRequest, context: AttachContext, policy: AttachmentPolicy): AttachOutcome {
    assertSupportedAccessMode(request.accessMode, request.volumeMode);
    const index = this.nodeList.findIndex((n) => n.nodeId === request.nodeId);
    if (index >= 0) return this.repeatAttach(index, request);
    if (this.nodeList.length > 0 && !this.admitsAnotherNode(request, policy)) {
      throw new VolumeAttachedElsewhereError(this.volumeId, this.holders(), this.refusalDetail(request, policy));
    }
    const limit = policy.maxVolumesPerNode;
    if (limit !== undefined && context.volumesOnNode >= limit) {
      throw new MaxVolumesPerNodeError(request.nodeId, limit);
    }
    this.nodeList.push({
      nodeId: request.nodeId,
      attachedAt: context.now,
      readonly: request.readonly,
      accessMode: request.accessMode,
      volumeMode: request.volumeMode,
    });
    if (this.nodeList.length > 1 && this.dualSince === undefined) this.dualSince = context.now;
    return 'attached';
  }

  /** Detaches one node, or every node when `nodeId` is undefined. Returns the nodes removed. */
  detach(nodeId?: NodeId): NodeId[] {
    const removed = this.nodeList.filter((n) => nodeId === undefined || n.nodeId === nodeId).map((n) => n.nodeId);
    this.nodeList = this.nodeList.filter((n) => !removed.includes(n.nodeId));
    if (this.nodeList.length < 2) this.dualSince = undefined;
    return removed;
  }

  /** True when two nodes have held the volume for longer than the policy allows. */
  isDualAttachOverdue(now: number, policy: AttachmentPolicy): boolean {
    return this.dualSince !== undefined && now - this.dualSince > policy.dualAttachTimeoutMs;
  }

  toState(): AttachmentState {
    const base = { volumeId: this.volumeId, nodes: [...this.nodeList] };
    return this.dualSince === undefined ? base : { ...base, dualAttachSince: this.dualSince };
  }

  private holders(): NodeId[] {
    return this.nodeList.map((n) => n.nodeId);
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

  private admitsAnotherNode(request: AttachRequest, policy: AttachmentPolicy): boolean {
    const multi = (a: { accessMode: AccessMode; volumeMode: VolumeMode }) =>
      a.accessMode === 'MULTI_NODE_MULTI_WRITER' && a.volumeMode === 'block';
    return (
      multi(request) &&
      this.nodeList.every((n) => multi(n) || n.inferred === true) &&
      this.nodeList.length < policy.maxMultiWriterNodes
    );
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
