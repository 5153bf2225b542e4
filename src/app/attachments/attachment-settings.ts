import type { ServiceIdentifier } from 'inversify';
import type { AttachmentPolicy } from '../../domain/attachment.js';

export interface AttachmentSettings {
  readonly policy: AttachmentPolicy;
  /** How long an attach or detach waits for the volume's lock or for the records to be loaded. */
  readonly waitMs: number;
  /** Decide-and-write rounds one attach or detach may take while other writers race it; then ABORTED. */
  readonly writeTries: number;
  /** Holders younger than this when the VolumeAttachments were listed are never cleared by a reconcile. */
  readonly reconcileGraceMs: number;
}
export const AttachmentSettings = Symbol.for('rds-csi.AttachmentSettings') as ServiceIdentifier<AttachmentSettings>;
