import { injectable } from 'inversify';
import type { AttachmentState } from '../../domain/attachment.js';
import { ConcurrentModificationError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import type { SourceRecord } from '../attachments/attachment-record-source.js';
import { stateVersion } from '../attachments/record-version.js';

/**
 * Attachment records in process memory: the store of the embedded default, and in tests the store
 * several replicas share. Writes are conditional on the content version; every change is numbered
 * and announced to every subscriber, in order, as it is made.
 */
@injectable()
export class InMemoryAttachmentRecords {
  private readonly records = new Map<VolumeId, SourceRecord>();
  private readonly subscribers = new Set<(record: SourceRecord) => void>();
  private revision = 0;

  /** Every record with at least one node, and the revision they are current at. */
  snapshot(): { readonly records: SourceRecord[]; readonly revision: number } {
    const records = [...this.records.values()].filter((r) => r.state.nodes.length > 0).map(copy);
    return { records, revision: this.revision };
  }

  read(volumeId: VolumeId): SourceRecord {
    const found = this.records.get(volumeId);
    return found ? copy(found) : { state: { volumeId, nodes: [] }, version: stateVersion({ volumeId, nodes: [] }), revision: 0 };
  }

  write(volumeId: VolumeId, state: AttachmentState, expectedVersion: string): SourceRecord {
    const current = this.read(volumeId);
    if (current.version !== expectedVersion) {
      throw new ConcurrentModificationError(
        `attachment record of volume ${volumeId} changed since it was read (expected version ${expectedVersion}, found ${current.version})`,
      );
    }
    const version = stateVersion(state);
    if (version === current.version) return current;
    this.revision += 1;
    const record: SourceRecord = { state: structuredClone(state), version, revision: this.revision };
    this.records.set(volumeId, record);
    for (const notify of this.subscribers) notify(copy(record));
    return copy(record);
  }

  subscribe(listener: (record: SourceRecord) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }
}

function copy(record: SourceRecord): SourceRecord {
  return { state: structuredClone(record.state), version: record.version, revision: record.revision };
}
