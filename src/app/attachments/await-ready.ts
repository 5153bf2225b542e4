import { NotReadyError } from '../../domain/errors.js';
import type { AttachmentRepository } from '../../ports/attachment-repository.js';

/** Attachment requests are served only once the records have been loaded after a start. */
export async function awaitReady(repository: AttachmentRepository, waitMs: number): Promise<void> {
  if (repository.isReady()) return;
  if (await repository.whenReady(waitMs)) return;
  throw new NotReadyError('attachment records are still being loaded after a start; retry shortly');
}
