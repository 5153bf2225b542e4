import type { ServiceIdentifier } from 'inversify';
import type { AttachmentState } from '../domain/attachment.js';
import type { VolumeId } from '../domain/ids.js';

/** An attachment record with the opaque version it was read or written at. */
export interface StoredAttachment {
  readonly state: AttachmentState;
  readonly version: string;
}

/**
 * Durable record of which nodes hold which volumes, with optimistic concurrency.
 *
 * - `load` returns undefined when the volume has no record (never attached, or fully detached).
 * - `save(volumeId, state, expectedVersion)` writes the record; a state with no nodes clears it.
 *   `expectedVersion` is the version last seen for this volume: undefined when the caller believes
 *   there is no record (the version returned by the save that cleared a record is accepted too).
 *   When the record was changed by another writer since then, it throws ConcurrentModificationError
 *   and writes nothing. It returns the new version. Saving the same state twice is harmless.
 * - A store may be unable to persist a volume it has no home for (the Kubernetes store when a volume
 *   has no PersistentVolume yet): it then logs a warning naming the volume and returns a version
 *   without failing, so the caller keeps its in-memory state.
 * - `list` returns every record of this driver, for rebuilding state after a restart.
 * - Failures to reach the store throw BackendUnavailableError.
 * - Safe to call concurrently for different volumes; callers serialise calls per volume.
 */
export interface AttachmentStore {
  load(volumeId: VolumeId): Promise<StoredAttachment | undefined>;
  save(volumeId: VolumeId, state: AttachmentState, expectedVersion: string | undefined): Promise<string>;
  list(): Promise<StoredAttachment[]>;
}
export const AttachmentStore = Symbol.for('rds-csi.AttachmentStore') as ServiceIdentifier<AttachmentStore>;
