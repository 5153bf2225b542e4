import { isSingleNodeMode } from './access-mode.js';
import { IncompatibleAttachmentError, VolumeAttachedElsewhereError } from './errors.js';
import type { VolumeId } from './ids.js';
import type { VolumeCapability } from './volume-capability.js';

/** One NodePublish of a volume on this node. */
export interface Publication {
  readonly targetPath: string;
  readonly readonly: boolean;
  readonly capability: VolumeCapability;
  /** For a read-only block publication: the read-only device the target node points at. */
  readonly readOnlyDevice?: string;
}

/** What the node plugin did with a volume, kept across plugin restarts. */
export interface NodeVolumeRecord {
  readonly volumeId: VolumeId;
  readonly nqn: string;
  readonly stagingPath: string;
  readonly capability: VolumeCapability;
  /** The file system type mounted at the staging path (filesystem volumes). */
  readonly fsType?: string;
  readonly publications: readonly Publication[];
}

export type PublishDecision = 'new' | 'repeat';

const sameCapability = (a: VolumeCapability, b: VolumeCapability) => JSON.stringify(a) === JSON.stringify(b);

/** Whether a stage request matches what is staged (idempotent repeat) or conflicts with it. */
export function assertStageCompatible(record: NodeVolumeRecord, stagingPath: string, capability: VolumeCapability): void {
  if (record.stagingPath === stagingPath && record.capability.accessType.kind !== capability.accessType.kind) {
    throw new IncompatibleAttachmentError(record.volumeId, 'this node', `staged at ${stagingPath} as ${record.capability.accessType.kind}; the request asks for ${capability.accessType.kind}`);
  }
}

/**
 * CSI's table of second publishes on one node: the same target with the same arguments is a
 * repeat; the same target with other arguments is ALREADY_EXISTS (IncompatibleAttachment); another
 * target is allowed only for SINGLE_NODE_MULTI_WRITER and multi-node modes, else
 * FAILED_PRECONDITION (VolumeAttachedElsewhere, naming the target that holds it).
 */
export function decidePublish(record: NodeVolumeRecord, request: Omit<Publication, 'readOnlyDevice'>): PublishDecision {
  const same = record.publications.find((p) => p.targetPath === request.targetPath);
  if (same) {
    if (same.readonly === request.readonly && sameCapability(same.capability, request.capability)) return 'repeat';
    throw new IncompatibleAttachmentError(record.volumeId, 'this node', `published at ${request.targetPath} with other arguments`);
  }
  const others = record.publications;
  if (others.length === 0) return 'new';
  const shareable = (c: VolumeCapability) => !isSingleNodeMode(c.accessMode) || c.accessMode === 'SINGLE_NODE_MULTI_WRITER';
  if (shareable(request.capability) && others.every((p) => shareable(p.capability))) return 'new';
  throw new VolumeAttachedElsewhereError(
    record.volumeId,
    others.map((p) => `this node's target ${p.targetPath}`),
    `access mode ${request.capability.accessMode} allows one publication per node`,
  );
}
