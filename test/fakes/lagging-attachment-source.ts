import type { AttachmentRecordSource, RecordFeed, SourceRecord } from '../../src/adapters/attachments/attachment-record-source.js';
import type { InMemoryAttachmentRecords } from '../../src/adapters/memory/in-memory-attachment-records.js';
import type { AttachmentState } from '../../src/domain/attachment.js';
import { ConcurrentModificationError } from '../../src/domain/errors.js';
import type { VolumeId } from '../../src/domain/ids.js';

/**
 * A replica's connection to shared in-memory records whose change feed arrives only when the test
 * says (a watch that lags), and whose writes can be made to fail. Reads and writes go to the
 * records at once, as requests to an API server do.
 */
export class LaggingAttachmentSource implements AttachmentRecordSource {
  private readonly queue: SourceRecord[] = [];
  private feed: RecordFeed | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly failures: Error[] = [];
  writes = 0;

  constructor(private readonly records: InMemoryAttachmentRecords) {}

  async follow(feed: RecordFeed): Promise<void> {
    this.feed = feed;
    const { records, revision } = this.records.snapshot();
    feed.reset(records, revision);
    this.unsubscribe = this.records.subscribe((record) => this.queue.push(record));
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** Changes made by anyone since the last delivery, not yet seen by this replica's cache. */
  get lag(): number {
    return this.queue.length;
  }

  /** Delivers the next `count` queued changes (all by default). */
  deliver(count = this.queue.length): void {
    for (const record of this.queue.splice(0, count)) this.feed?.put(record);
  }

  /** The next writes fail with 409-like conflicts (a racing writer) without reaching the records. */
  conflictNextWrites(count: number): void {
    for (let i = 0; i < count; i += 1) this.failures.push(new ConcurrentModificationError('injected conflict'));
  }

  failNextWrites(count: number, error: Error): void {
    for (let i = 0; i < count; i += 1) this.failures.push(error);
  }

  async read(volumeId: VolumeId): Promise<SourceRecord> {
    return this.records.read(volumeId);
  }

  async write(volumeId: VolumeId, state: AttachmentState, expectedVersion: string): Promise<SourceRecord> {
    this.writes += 1;
    const failure = this.failures.shift();
    if (failure) throw failure;
    return this.records.write(volumeId, state, expectedVersion);
  }
}
