import type { ServiceIdentifier } from 'inversify';
import type { ReportedAttachment } from '../domain/attachment-reconciliation.js';

/** An attachment as the orchestrator records it (a Kubernetes VolumeAttachment of this driver). */
export type OrchestratorAttachment = ReportedAttachment;

/**
 * The orchestrator's view of attachments: what the driver's own record is reconciled against, so
 * the driver is never stricter than Kubernetes.
 * - `listAttachments` returns every attachment of this driver the orchestrator knows, attached or
 *   not yet (or no longer), read consistently at the time of the call; or undefined when it cannot
 *   tell (no orchestrator, or no permission to look); callers then keep their own record unchanged.
 * - Throws BackendUnavailableError when the orchestrator cannot be reached.
 * - Read-only and safe to call concurrently.
 */
export interface OrchestratorAttachments {
  listAttachments(): Promise<OrchestratorAttachment[] | undefined>;
}
export const OrchestratorAttachments = Symbol.for(
  'rds-csi.OrchestratorAttachments',
) as ServiceIdentifier<OrchestratorAttachments>;
