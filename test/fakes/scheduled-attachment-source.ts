import type { Scheduler } from 'fast-check';
import type { AttachmentRecordSource, RecordFeed, SourceRecord } from '../../src/adapters/attachments/attachment-record-source.js';
import type { InMemoryAttachmentRecords } from '../../src/adapters/memory/in-memory-attachment-records.js';
import type { AttachmentState } from '../../src/domain/attachment.js';
import { BackendUnavailableError, ConcurrentModificationError } from '../../src/domain/errors.js';
import type { VolumeId } from '../../src/domain/ids.js';

/**
 * A replica's connection to shared in-memory records in which fast-check's scheduler decides when
 * every request reaches the store and when every change reaches the replica's cache (each as its
 * own task, so a watch may deliver late and even out of order). Writes can be made to meet a
 * conflict, and the replica can be killed: its requests not yet served then fail.
 */
export class ScheduledAttachmentSource implements AttachmentRecordSource {
  private conflicts = 0;
  private alive = true;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly records: InMemoryAttachmentRecords,
    private readonly scheduler: Scheduler,
  ) {}

  async follow(feed: RecordFeed): Promise<void> {
    const { records, revision } = this.records.snapshot();
    feed.reset(records, revision);
    this.unsubscribe = this.records.subscribe((record) => {
      void this.scheduler.schedule(Promise.resolve(record), 'watch event').then((r) => {
        if (this.alive) feed.put(r);
      });
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** The next write meets a 409: another writer got there first, as far as it can tell. */
  conflictNextWrite(): void {
    this.conflicts += 1;
  }

  /** A crash: nothing more is sent or received. */
  kill(): void {
    this.alive = false;
    this.stop();
  }

  read(volumeId: VolumeId): Promise<SourceRecord> {
    return this.request('read', () => this.records.read(volumeId));
  }

  write(volumeId: VolumeId, state: AttachmentState, expectedVersion: string): Promise<SourceRecord> {
    return this.request('write', () => {
      if (this.conflicts > 0) {
        this.conflicts -= 1;
        throw new ConcurrentModificationError('injected 409');
      }
      return this.records.write(volumeId, state, expectedVersion);
    });
  }

  /**
   * A request reaches the store when the scheduler lets it, and is served and answered at once:
   * what the replica then does with the answer is what the store said at that moment.
   */
  private async request<T>(label: string, serve: () => T): Promise<T> {
    await this.scheduler.schedule(Promise.resolve(), label);
    this.assertAlive();
    return serve();
  }

  private assertAlive(): void {
    if (!this.alive) throw new BackendUnavailableError('the replica is gone');
  }
}
