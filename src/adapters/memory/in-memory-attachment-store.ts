import { injectable } from 'inversify';
import type { AttachmentState } from '../../domain/attachment.js';
import { ConcurrentModificationError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import type { AttachmentStore, StoredAttachment } from '../../ports/attachment-store.js';

/**
 * AttachmentStore kept in process memory: the embedded default and the reference for the contract.
 * Versions are per-volume counters that keep counting after a record is cleared, so a writer holding
 * the version of an older, since-cleared record is refused instead of resurrecting it.
 */
@injectable()
export class InMemoryAttachmentStore implements AttachmentStore {
  private readonly records = new Map<string, AttachmentState>();
  private readonly versions = new Map<string, number>();

  async load(volumeId: VolumeId): Promise<StoredAttachment | undefined> {
    const state = this.records.get(volumeId);
    return state ? { state: structuredClone(state), version: String(this.versions.get(volumeId)) } : undefined;
  }

  async save(volumeId: VolumeId, state: AttachmentState, expectedVersion: string | undefined): Promise<string> {
    const exists = this.records.has(volumeId);
    const current = this.versions.has(volumeId) ? String(this.versions.get(volumeId)) : undefined;
    // With no record, "none" and the version of the save that cleared it both mean "no record".
    const accepted = exists ? expectedVersion === current : expectedVersion === undefined || expectedVersion === current;
    if (!accepted) {
      throw new ConcurrentModificationError(
        `attachment record of volume ${volumeId} changed since it was read (expected version ` +
          `${expectedVersion ?? 'none'}, found ${current ?? 'none'})`,
      );
    }
    const next = (this.versions.get(volumeId) ?? 0) + 1;
    this.versions.set(volumeId, next);
    if (state.nodes.length === 0) this.records.delete(volumeId);
    else this.records.set(volumeId, structuredClone(state));
    return String(next);
  }

  async list(): Promise<StoredAttachment[]> {
    return [...this.records.entries()].map(([id, state]) => ({
      state: structuredClone(state),
      version: String(this.versions.get(id)),
    }));
  }
}
