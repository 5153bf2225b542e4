import { inject, injectable } from 'inversify';
import type { AttachmentState } from '../../domain/attachment.js';
import type { VolumeId } from '../../domain/ids.js';
import type { AttachmentRecordSource, RecordFeed, SourceRecord } from '../attachments/attachment-record-source.js';
import { InMemoryAttachmentRecords } from './in-memory-attachment-records.js';

/** One replica's connection to in-memory records: changes are delivered as they are made. */
@injectable()
export class InMemoryAttachmentSource implements AttachmentRecordSource {
  private unsubscribe: (() => void) | undefined;

  constructor(@inject(InMemoryAttachmentRecords) private readonly records: InMemoryAttachmentRecords) {}

  async follow(feed: RecordFeed): Promise<void> {
    this.unsubscribe?.();
    const { records, revision } = this.records.snapshot();
    feed.reset(records, revision);
    this.unsubscribe = this.records.subscribe((record) => feed.put(record));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  async read(volumeId: VolumeId): Promise<SourceRecord> {
    return this.records.read(volumeId);
  }

  async write(volumeId: VolumeId, state: AttachmentState, expectedVersion: string): Promise<SourceRecord> {
    return this.records.write(volumeId, state, expectedVersion);
  }
}
