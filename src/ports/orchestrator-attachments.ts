import type { ServiceIdentifier } from 'inversify';
import type { ReportedAttachment } from '../domain/attachment-reconciliation.js';

/** An attachment the orchestrator considers done (a Kubernetes VolumeAttachment with status.attached). */
export type OrchestratorAttachment = ReportedAttachment;

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
