import type { AttachmentState } from '../../domain/attachment.js';
import type { VolumeId } from '../../domain/ids.js';

/**
 * A record as a store reports it. `version` is what conditional writes compare (equal content,
 * equal version); `revision` orders the changes a store reports, so an older report never replaces
 * a newer one in a cache. NaN means "unordered": always taken.
 */
export interface SourceRecord {
  readonly state: AttachmentState;
  readonly version: string;
  readonly revision: number;
}

/** Where a source delivers what it sees while following its store. */
export interface RecordFeed {
  /** A complete view as of `revision`: cached records absent from it and not newer are gone. */
  reset(records: readonly SourceRecord[], revision: number): void;
  /** A record changed; a state with no nodes means it was cleared. */
  put(record: SourceRecord): void;
  /** The volume's record and its home are gone (its PersistentVolume was deleted). */
  remove(volumeId: VolumeId, revision: number): void;
}

/**
 * The store side of a cached attachment repository: one implementation per kind of store, each
 * run through the same contract suite.
 * - `follow` delivers a complete view, then every later change, until `stop`; after an
 *   interruption it delivers a complete view again. It resolves after the first complete view and
 *   retries by itself while the store is unreachable.
 * - `read` returns the stored record now; a volume without one has no nodes and version "none".
 * - `write` is conditional on `expectedVersion` (ConcurrentModificationError otherwise) and
 *   returns the record as stored; AttachmentNotRecordableError when a state with nodes has no home.
 * - Unreachable stores throw BackendUnavailableError.
 */
export interface AttachmentRecordSource {
  follow(feed: RecordFeed): Promise<void>;
  stop(): void;
  read(volumeId: VolumeId): Promise<SourceRecord>;
  write(volumeId: VolumeId, state: AttachmentState, expectedVersion: string): Promise<SourceRecord>;
}
