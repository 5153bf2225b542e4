import type { ServiceIdentifier } from 'inversify';
import type { VolumeId } from '../domain/ids.js';
import type { Nqn } from '../domain/nqn.js';
import type { BasePath } from '../domain/storage-path.js';

/** NVMe/TCP export of a volume: the TCP port of the target and the subsystem NQN. */
export interface NvmeExport {
  readonly port: number;
  readonly nqn: Nqn;
}

export interface VolumeSpec {
  readonly id: VolumeId;
  /** Requested size; the backend rounds it up to its allocation unit (1 MiB), never down. */
  readonly sizeBytes: number;
  readonly basePath: BasePath;
  readonly nvme: NvmeExport;
}

export interface VolumeInfo {
  readonly id: VolumeId;
  /** The size the appliance reports; equals the rounded-up requested size. */
  readonly sizeBytes: number;
  /** Absolute path of the backing file on the appliance, e.g. /storage-pool/csi/pvc-….img. */
  readonly filePath: string;
  /** Absent for a disk that is not exported (for example a snapshot). */
  readonly nvme?: NvmeExport;
}

/** What ensureVolume found or made. */
export interface EnsuredVolume {
  readonly volume: VolumeInfo;
  /** False when a volume with the ID already existed; it is returned as it is, for the caller to compare. */
  readonly created: boolean;
}

export interface SnapshotSpec {
  /** Snapshot IDs start with `snap-`: listings find snapshots by that prefix. */
  readonly id: VolumeId;
  readonly sourceVolumeId: VolumeId;
  readonly basePath: BasePath;
  /** Creation time in epoch milliseconds, recorded so that it survives a round trip. */
  readonly createdAt: number;
}

export interface SnapshotInfo {
  readonly id: VolumeId;
  readonly sizeBytes: number;
  readonly filePath: string;
  /** Known for snapshots this driver created; undefined for foreign or legacy snapshots. */
  readonly sourceVolumeId?: VolumeId;
  readonly createdAt?: number;
}

export type ContentSource =
  | { readonly kind: 'snapshot'; readonly id: VolumeId }
  | { readonly kind: 'volume'; readonly id: VolumeId };

export interface PoolCapacity {
  readonly totalBytes: number;
  readonly freeBytes: number;
}

export interface BackendProbe {
  readonly reachable: boolean;
  /** RouterOS version when reachable, e.g. "7.16". */
  readonly version?: string;
  /** Why the backend is not reachable, safe to show to an operator. */
  readonly detail?: string;
}

export interface CallOptions {
  /** Cancels the call: a command not yet sent is not sent; one in flight is abandoned. */
  readonly signal?: AbortSignal;
}

/**
 * Volumes and snapshots on the storage appliance, in domain terms.
 *
 * Errors, for every method: VolumeNotFoundError / SnapshotNotFoundError when a named source or target
 * does not exist (never for a delete); InsufficientCapacityError when the pool is full;
 * BackendUnavailableError when the appliance cannot be reached or does not answer in time (safe to
 * retry); BackendRejectedError carrying the appliance's own text for any other refusal;
 * AbortedByCallerError when `signal` aborts.
 *
 * Concurrency: safe to call concurrently; callers serialise operations on the same volume.
 * Idempotency is stated per method. Sizes are exact bytes, rounded up to 1 MiB.
 */
export interface StorageBackend {
  /** Creates a file disk exported over NVMe/TCP. Fails with BackendRejectedError if the ID exists. */
  createVolume(spec: VolumeSpec, options?: CallOptions): Promise<VolumeInfo>;
  /**
   * CreateVolume's idempotent form: creates the volume unless one with `spec.id` exists, which is then
   * returned unchanged (`created: false`), whatever its size, path or port. Fails with
   * VolumeAlreadyExistsError, creating nothing, when another volume is exported under `spec.nvme.nqn`
   * (IDs that differ only in case share an NQN).
   */
  ensureVolume(spec: VolumeSpec, options?: CallOptions): Promise<EnsuredVolume>;
  /**
   * Creates a volume whose content is a copy of a snapshot or another volume (RouterOS copy-from).
   * The new volume is at least as large as the source; `spec.sizeBytes` may grow it.
   */
  createVolumeFrom(spec: VolumeSpec, source: ContentSource, options?: CallOptions): Promise<VolumeInfo>;
  /** Returns undefined when the volume does not exist. */
  getVolume(id: VolumeId, options?: CallOptions): Promise<VolumeInfo | undefined>;
  /** This driver's exported volumes (snapshots excluded), under `basePath` when given. */
  listVolumes(basePath?: BasePath, options?: CallOptions): Promise<VolumeInfo[]>;
  /** Grows a volume to at least `sizeBytes`; a request not larger than the current size changes nothing. */
  resizeVolume(id: VolumeId, sizeBytes: number, options?: CallOptions): Promise<VolumeInfo>;
  /**
   * Removes the disk entry and then its backing file, which is looked for in `basePath` and the
   * directories below it (where every volume is created). Deleting an absent volume succeeds; a
   * snapshot named as a volume is refused with BackendRejectedError.
   */
  deleteVolume(id: VolumeId, basePath: BasePath, options?: CallOptions): Promise<void>;
  /** Copies a volume into an unexported snapshot disk. Fails with BackendRejectedError if the ID exists. */
  createSnapshot(spec: SnapshotSpec, options?: CallOptions): Promise<SnapshotInfo>;
  /** Returns undefined when the snapshot does not exist. */
  getSnapshot(id: VolumeId, options?: CallOptions): Promise<SnapshotInfo | undefined>;
  listSnapshots(basePath?: BasePath, options?: CallOptions): Promise<SnapshotInfo[]>;
  /** Removes the snapshot disk and its file. Deleting an absent snapshot succeeds. */
  deleteSnapshot(id: VolumeId, basePath: BasePath, options?: CallOptions): Promise<void>;
  /** Size and free space of the pool that holds `basePath`. */
  capacity(basePath: BasePath, options?: CallOptions): Promise<PoolCapacity>;
  /** Never throws: reports whether the appliance answers, and its version. */
  probe(options?: CallOptions): Promise<BackendProbe>;
}
export const StorageBackend = Symbol.for('rds-csi.StorageBackend') as ServiceIdentifier<StorageBackend>;
