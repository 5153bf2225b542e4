import { NotReadyError } from '../../domain/errors.js';
import type { AttachmentRegistry } from './attachment-registry.js';

/** Attachment requests are served only once the state has been rebuilt after a start. */
export async function awaitReady(registry: AttachmentRegistry, waitMs: number): Promise<void> {
  if (registry.isReady()) return;
  if (await registry.waitReady(waitMs)) return;
  throw new NotReadyError('attachment state is still being rebuilt after a restart; retry shortly');
}
