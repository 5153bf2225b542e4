import { inject, injectable } from 'inversify';
import { DeviceNotReadyError, VolumeNotFoundError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import type { NodeVolumeRecord } from '../../domain/node-volume.js';
import { parseNqn } from '../../domain/nqn.js';
import { Filesystems } from '../../ports/filesystems.js';
import type { FsType } from '../../ports/filesystems.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { Mounts } from '../../ports/mounts.js';
import type { VolumeUsage } from '../../ports/mounts.js';
import { NodeVolumeStore } from '../../ports/node-volume-store.js';
import { NvmeInitiator } from '../../ports/nvme-initiator.js';

export interface VolumeStats {
  readonly usage: { readonly kind: 'filesystem'; readonly usage: VolumeUsage } | { readonly kind: 'block'; readonly totalBytes: number } | undefined;
  /** Why the volume is unhealthy here; undefined when it is healthy. */
  readonly abnormal?: string;
}

/**
 * NodeGetVolumeStats and NodeExpandVolume: both act on a path where the volume is staged or
 * published on this node; any other path is NOT_FOUND.
 */
@injectable()
export class NodeVolumeHealth {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(NvmeInitiator) private readonly initiator: NvmeInitiator,
    @inject(Filesystems) private readonly filesystems: Filesystems,
    @inject(Mounts) private readonly mounts: Mounts,
    @inject(NodeVolumeStore) private readonly store: NodeVolumeStore,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  /** Bytes and inodes of a mounted volume, total bytes of a block one, and whether it is healthy. */
  async stats(volumeId: VolumeId, path: string, signal?: AbortSignal): Promise<VolumeStats> {
    const record = await this.recordFor(volumeId, path);
    const device = await this.initiator.resolveDevice(parseNqn(record.nqn));
    if (!device) return { usage: undefined, abnormal: `the volume's NVMe/TCP device is gone from this node (${record.nqn})` };
    if (record.capability.accessType.kind === 'block') {
      return { usage: { kind: 'block', totalBytes: await this.filesystems.blockDeviceSize(device, signal) } };
    }
    const mounted = await this.mounts.findMount(path, signal);
    if (!mounted) return { usage: undefined, abnormal: `${path} is not mounted` };
    // Staging and bind mounts alike name the device they are backed by.
    if (mounted.source !== device) return { usage: undefined, abnormal: `stale mount: ${path} is backed by ${mounted.source}, the volume is now ${device}` };
    return { usage: { kind: 'filesystem', usage: await this.mounts.usage(path) } };
  }

  /** Makes the kernel see the grown namespace, grows the file system online, returns the new size. */
  async expand(volumeId: VolumeId, path: string, requiredBytes: number, signal?: AbortSignal): Promise<number> {
    return this.locks.withVolumeLock(volumeId, async () => {
      const record = await this.recordFor(volumeId, path);
      const nqn = parseNqn(record.nqn);
      await this.initiator.rescan(nqn, signal);
      const device = await this.initiator.resolveDevice(nqn);
      if (!device) throw new DeviceNotReadyError(`volume ${volumeId} has no block device on this node`);
      const size = await this.filesystems.blockDeviceSize(device, signal);
      if (size < requiredBytes) throw new DeviceNotReadyError(`the device of volume ${volumeId} shows ${size} bytes, not yet the ${requiredBytes} requested; retry`);
      if (record.capability.accessType.kind === 'mount') {
        await this.filesystems.resize(device, record.stagingPath, (record.fsType ?? 'ext4') as FsType, signal);
        this.logger.info('file system grown', { volumeId, bytes: size });
      }
      return size;
    }, { signal });
  }

  private async recordFor(volumeId: VolumeId, path: string): Promise<NodeVolumeRecord> {
    const record = await this.store.load(volumeId);
    const known = record && (record.stagingPath === path || record.publications.some((p) => p.targetPath === path));
    if (!record || !known) throw new VolumeNotFoundError(volumeId, `it is not staged or published at ${path} on this node`);
    return record;
  }
}
