import { injectable } from 'inversify';
import {
  BackendRejectedError,
  BackendUnavailableError,
  InsufficientCapacityError,
  InvalidArgumentError,
  SnapshotNotFoundError,
  VolumeAlreadyExistsError,
  VolumeNotFoundError,
} from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import { roundUpToAllocationUnit } from '../../domain/size.js';
import type { BasePath } from '../../domain/storage-path.js';
import type {
  BackendProbe,
  ContentSource,
  EnsuredVolume,
  PoolCapacity,
  SnapshotInfo,
  SnapshotSpec,
  StorageBackend,
  VolumeInfo,
  VolumeSpec,
} from '../../ports/storage-backend.js';

/**
 * A StorageBackend in process memory, held to the same contract as the RouterOS adapter
 * (test/contract/storage-backend.contract.ts runs against both). Unit tests of the controller use it;
 * `setReachable(false)` plays an RDS outage. Like RouterOS, it keeps volumes and snapshots in one
 * namespace: getVolume also describes a snapshot (unexported), and a delete of the other kind is refused.
 */
@injectable()
export class InMemoryStorageBackend implements StorageBackend {
  private readonly volumes = new Map<string, VolumeInfo>();
  private readonly snapshots = new Map<string, SnapshotInfo>();
  private reachable = true;
  commands = 0;

  constructor(private poolBytes = 100 * 1024 ** 4) {}

  setReachable(reachable: boolean): void {
    this.reachable = reachable;
  }

  setPoolSize(bytes: number): void {
    this.poolBytes = bytes;
  }

  async createVolume(spec: VolumeSpec): Promise<VolumeInfo> {
    this.touch();
    const size = roundUpToAllocationUnit(spec.sizeBytes);
    if (size === 0) throw new InvalidArgumentError(`size ${spec.sizeBytes} is not a positive whole number of bytes`);
    return this.add(spec, size);
  }

  async ensureVolume(spec: VolumeSpec): Promise<EnsuredVolume> {
    const existing = await this.getVolume(spec.id);
    if (existing) return { volume: existing, created: false };
    const holder = [...this.volumes.values()].find((v) => v.nvme?.nqn === spec.nvme.nqn);
    if (holder) throw new VolumeAlreadyExistsError(`volume ${holder.id} is already exported under NQN ${spec.nvme.nqn}, which ${spec.id} would also get`);
    return { volume: await this.createVolume(spec), created: true };
  }

  async createVolumeFrom(spec: VolumeSpec, source: ContentSource): Promise<VolumeInfo> {
    this.touch();
    const from = source.kind === 'snapshot' ? this.snapshots.get(source.id) : this.volumes.get(source.id);
    if (!from) throw source.kind === 'snapshot' ? new SnapshotNotFoundError(source.id) : new VolumeNotFoundError(source.id);
    return this.add(spec, Math.max(from.sizeBytes, roundUpToAllocationUnit(spec.sizeBytes)));
  }

  async getVolume(id: VolumeId): Promise<VolumeInfo | undefined> {
    this.touch();
    const snapshot = this.snapshots.get(id);
    return this.volumes.get(id) ?? (snapshot && { id: snapshot.id, sizeBytes: snapshot.sizeBytes, filePath: snapshot.filePath });
  }

  async listVolumes(basePath?: BasePath): Promise<VolumeInfo[]> {
    this.touch();
    return [...this.volumes.values()].filter((v) => !basePath || directoryOf(v.filePath) === basePath);
  }

  async resizeVolume(id: VolumeId, sizeBytes: number): Promise<VolumeInfo> {
    this.touch();
    const volume = this.volumes.get(id);
    if (!volume) throw new VolumeNotFoundError(id);
    const target = roundUpToAllocationUnit(sizeBytes);
    if (target <= volume.sizeBytes) return volume;
    if (target - volume.sizeBytes > this.free()) throw new InsufficientCapacityError(`not enough space to grow volume ${id}`);
    const grown = { ...volume, sizeBytes: target };
    this.volumes.set(id, grown);
    return grown;
  }

  async deleteVolume(id: VolumeId): Promise<void> {
    this.touch();
    if (this.snapshots.has(id)) throw new BackendRejectedError(`refusing to delete ${id} as a volume`, 'it is a snapshot');
    this.volumes.delete(id);
  }

  async createSnapshot(spec: SnapshotSpec): Promise<SnapshotInfo> {
    this.touch();
    const source = this.volumes.get(spec.sourceVolumeId);
    if (!source) throw new VolumeNotFoundError(spec.sourceVolumeId);
    if (this.snapshots.has(spec.id) || this.volumes.has(spec.id)) throw new BackendRejectedError('cannot create snapshot', `failure: slot ${spec.id} already exists`);
    if (source.sizeBytes > this.free()) throw new InsufficientCapacityError(`not enough space for snapshot ${spec.id}`);
    const snapshot = { id: spec.id, sizeBytes: source.sizeBytes, filePath: `${spec.basePath}/${spec.id}.img`, sourceVolumeId: spec.sourceVolumeId, createdAt: spec.createdAt };
    this.snapshots.set(spec.id, snapshot);
    return snapshot;
  }

  async getSnapshot(id: VolumeId): Promise<SnapshotInfo | undefined> {
    this.touch();
    return this.snapshots.get(id);
  }

  async listSnapshots(basePath?: BasePath): Promise<SnapshotInfo[]> {
    this.touch();
    // Within basePath, sub-directories included, as the RouterOS backend lists them.
    return [...this.snapshots.values()].filter((s) => !basePath || `${directoryOf(s.filePath)}/`.startsWith(`${basePath}/`));
  }

  async deleteSnapshot(id: VolumeId): Promise<void> {
    this.touch();
    if (this.volumes.has(id)) throw new BackendRejectedError(`refusing to delete ${id} as a snapshot`, 'it is an exported volume');
    this.snapshots.delete(id);
  }

  async capacity(): Promise<PoolCapacity> {
    this.touch();
    return { totalBytes: this.poolBytes, freeBytes: this.free() };
  }

  async probe(): Promise<BackendProbe> {
    return this.reachable ? { reachable: true, version: '7.16' } : { reachable: false, detail: 'in-memory backend set unreachable' };
  }

  private add(spec: VolumeSpec, sizeBytes: number): VolumeInfo {
    if (this.volumes.has(spec.id) || this.snapshots.has(spec.id)) {
      throw new BackendRejectedError('cannot create volume', `failure: slot ${spec.id} already exists`);
    }
    if (sizeBytes > this.free()) throw new InsufficientCapacityError(`not enough space for volume ${spec.id} (${sizeBytes} bytes)`);
    const volume = { id: spec.id, sizeBytes, filePath: `${spec.basePath}/${spec.id}.img`, nvme: spec.nvme };
    this.volumes.set(spec.id, volume);
    return volume;
  }

  private free(): number {
    const used = [...this.volumes.values(), ...this.snapshots.values()].reduce((sum, v) => sum + v.sizeBytes, 0);
    return Math.max(0, this.poolBytes - used);
  }

  private touch(): void {
    this.commands += 1;
    if (!this.reachable) throw new BackendUnavailableError('storage backend unreachable');
  }
}

/** The directory of an absolute file path (one exact directory, as RouterOS base paths are matched). */
function directoryOf(filePath: string): string {
  return filePath.slice(0, filePath.lastIndexOf('/'));
}
