import type { ServiceIdentifier } from 'inversify';
import type { AccessMode, VolumeMode } from '../domain/access-mode.js';
import type { NodeId, VolumeId } from '../domain/ids.js';

/** An attachment the orchestrator considers done (a Kubernetes VolumeAttachment with status.attached). */
export interface OrchestratorAttachment {
  readonly volumeId: VolumeId;
  readonly nodeId: NodeId;
  /** When the orchestrator recorded it, epoch milliseconds. */
  readonly attachedAt: number;
  /** Best guess of how the volume is used, from the volume's own spec. */
  readonly accessMode: AccessMode;
  readonly volumeMode: VolumeMode;
  readonly readonly: boolean;
}

/**
 * The orchestrator's view of attachments: the ground truth the driver's own record is reconciled
 * against after a restart, so the driver is never stricter than Kubernetes.
 * - `listAttached` returns every attachment of this driver the orchestrator reports as attached, or
 *   undefined when it cannot tell (no orchestrator, or no permission to look); callers then keep
 *   their own record unchanged.
 * - Throws BackendUnavailableError when the orchestrator cannot be reached.
 * - Read-only and safe to call concurrently.
 */
export interface OrchestratorAttachments {
  listAttached(): Promise<OrchestratorAttachment[] | undefined>;
}
export const OrchestratorAttachments = Symbol.for(
  'rds-csi.OrchestratorAttachments',
) as ServiceIdentifier<OrchestratorAttachments>;
