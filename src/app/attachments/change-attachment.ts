import { Attachment } from '../../domain/attachment.js';
import type { AttachmentState } from '../../domain/attachment.js';
import { ConcurrentModificationError, DomainError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import type { AttachmentRepository } from '../../ports/attachment-repository.js';

export interface AttachmentChange<T> {
  readonly result: T;
  /** The record as stored after the change (or as found, when nothing had to change). */
  readonly state: AttachmentState;
  readonly written: boolean;
}

/**
 * Applies `decide` to a volume's stored attachment record. The caller holds the volume's lock.
 *
 * `decide` runs on the cached record first: a change it makes is written conditionally on the
 * version it was decided on, so a stale cache can cost a retry but never a wrong write. An answer
 * that writes nothing (a refusal, or "nothing to change") is given only after `decide` says the
 * same on the record read afresh from the store: a cache may say "maybe held", only the store says
 * "held". A write that loses a race reads afresh and decides again, at most `tries` times in all;
 * then ConcurrentModificationError (ABORTED, which the sidecars retry). There is no
 * unconditional write.
 */
export async function changeAttachment<T>(
  repository: AttachmentRepository,
  volumeId: VolumeId,
  decide: (attachment: Attachment) => T,
  tries: number,
): Promise<AttachmentChange<T>> {
  let record = await repository.load(volumeId);
  let fresh = false;
  for (let attempt = 1; attempt <= tries; attempt += 1) {
    const attachment = Attachment.restore(record.state);
    let result: T;
    try {
      result = decide(attachment);
    } catch (error) {
      if (fresh || !(error instanceof DomainError)) throw error;
      record = await repository.load(volumeId, { fresh: true });
      fresh = true;
      continue;
    }
    if (!attachment.changed) {
      if (fresh) return { result, state: record.state, written: false };
      record = await repository.load(volumeId, { fresh: true });
      fresh = true;
      continue;
    }
    try {
      const saved = await repository.save(volumeId, attachment.toState(), record.version);
      return { result, state: saved.state, written: true };
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError)) throw error;
      record = await repository.load(volumeId, { fresh: true });
      fresh = true;
    }
  }
  throw new ConcurrentModificationError(
    `the attachment record of volume ${volumeId} kept changing under ${tries} attempts to update it; retry`,
  );
}
