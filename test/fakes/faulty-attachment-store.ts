import type { AttachmentState } from '../../src/domain/attachment.js';
import type { VolumeId } from '../../src/domain/ids.js';
import type { AttachmentStore, StoredAttachment } from '../../src/ports/attachment-store.js';

/** Wraps a real store and makes the next saves fail, to exercise rollback paths. */
export class FaultyAttachmentStore implements AttachmentStore {
  private failures: Error[] = [];
  saves = 0;

  constructor(private readonly inner: AttachmentStore) {}

  failNextSaves(count: number, error: Error): void {
    this.failures.push(...Array.from({ length: count }, () => error));
  }

  load(volumeId: VolumeId): Promise<StoredAttachment | undefined> {
    return this.inner.load(volumeId);
  }

  async save(volumeId: VolumeId, state: AttachmentState, expectedVersion: string | undefined): Promise<string> {
    this.saves += 1;
    const failure = this.failures.shift();
    if (failure) throw failure;
    return this.inner.save(volumeId, state, expectedVersion);
  }

  list(): Promise<StoredAttachment[]> {
    return this.inner.list();
  }
}
