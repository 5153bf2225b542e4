import type { ServiceIdentifier } from 'inversify';
import type { AttachmentState } from '../domain/attachment.js';
import type { NodeId, VolumeId } from '../domain/ids.js';

/** An attachment record with the version of the stored record it was read or written at. */
export interface VersionedAttachment {
  readonly state: AttachmentState;
  readonly version: string;
}

/** The version of "no record": a volume no node holds, or one never recorded. */
export const NO_RECORD_VERSION = 'none';

/**
 * The durable record of which nodes hold which volumes: the one truth every controller replica
 * decides against. Each replica keeps a cache of it that follows the store's changes (what another
 * replica wrote shows up within seconds); a cached record is only "maybe".
 *
 * - `load` answers from the cache; with `fresh` it reads the stored record itself (and refreshes
 *   the cache with it). A volume without a record has no nodes and version NO_RECORD_VERSION.
 * - `save` writes `state` only if the stored record is still at `expectedVersion`, else throws
 *   ConcurrentModificationError and writes nothing. A state with no nodes clears the record. The
 *   cache is written through. While a save is in flight its nodes already count in
 *   `volumesOnNode`; if it fails they stop counting. Throws AttachmentNotRecordableError when
 *   the volume has no place for a record (a state with no nodes then needs none and succeeds).
 * - Versions change whenever the record's content changes; equal content may give equal versions.
 * - `volumesOnNode` and `list` answer from the cache at once.
 * - `sync` loads every record and keeps following changes until `close`; it resolves once the
 *   first complete view is in. Until then `isReady` is false. It retries by itself while the
 *   store is unreachable.
 * - Failures to reach the store throw BackendUnavailableError.
 * - Safe to call concurrently for different volumes; callers serialise calls per volume.
 */
export interface AttachmentRepository {
  sync(): Promise<void>;
  isReady(): boolean;
  /** Resolves true once ready, or false when `timeoutMs` passes first. */
  whenReady(timeoutMs: number): Promise<boolean>;
  load(volumeId: VolumeId, options?: { readonly fresh?: boolean }): Promise<VersionedAttachment>;
  save(volumeId: VolumeId, state: AttachmentState, expectedVersion: string): Promise<VersionedAttachment>;
  /** Volumes the node holds in this replica's view, not counting `except`. */
  volumesOnNode(nodeId: NodeId, except?: VolumeId): number;
  /** Every volume at least one node holds in this replica's view (copies). */
  list(): VersionedAttachment[];
  close(): void;
}
export const AttachmentRepository = Symbol.for('rds-csi.AttachmentRepository') as ServiceIdentifier<AttachmentRepository>;
