import type { ServiceIdentifier } from 'inversify';
import type { AttachmentPolicy } from '../../domain/attachment.js';

export interface AttachmentSettings {
  readonly policy: AttachmentPolicy;
  /** How long an attach or detach waits for the volume's lock or for the rebuild to finish. */
  readonly waitMs: number;
  /** Parallel writes while reconciling at start. */
  readonly rebuildConcurrency: number;
}
export const AttachmentSettings = Symbol.for('rds-csi.AttachmentSettings') as ServiceIdentifier<AttachmentSettings>;
