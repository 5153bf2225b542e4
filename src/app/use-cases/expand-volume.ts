import { inject, injectable } from 'inversify';
import { resolveCapacity } from '../../domain/capacity-range.js';
import type { CapacityRange } from '../../domain/capacity-range.js';
import { InvalidArgumentError, VolumeNotFoundError } from '../../domain/errors.js';
import { isValidVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import { ControllerSettings } from '../volumes/controller-settings.js';

export interface ExpandVolumeCommand {
  readonly volumeId: string;
  readonly capacity: CapacityRange;
  /** True when the request says the volume is used as a raw block device. */
  readonly block: boolean;
  readonly signal?: AbortSignal;
}

/**
 * ControllerExpandVolume: grows the disk to the exact requested size (rounded up to 1 MiB), online.
 * Idempotent: a volume already that large is left alone. Filesystem volumes then need the node to
 * grow the filesystem; block volumes do not.
 */
@injectable()
export class ExpandVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async execute(command: ExpandVolumeCommand): Promise<{ capacityBytes: number; nodeExpansionRequired: boolean }> {
    if (command.capacity.requiredBytes === 0 && command.capacity.limitBytes === 0) {
      throw new InvalidArgumentError('capacity range is required: set required_bytes to the new size');
    }
    if (!isValidVolumeId(command.volumeId)) throw new VolumeNotFoundError(command.volumeId);
    const id = command.volumeId as VolumeId;
    const options = { signal: command.signal };
    return this.locks.withVolumeLock(id, async () => {
      const volume = await this.backend.getVolume(id, options);
      if (!volume?.nvme) throw new VolumeNotFoundError(id, volume ? 'it is a snapshot, not a volume' : undefined);
      const nodeExpansionRequired = !command.block;
      if (command.capacity.requiredBytes <= volume.sizeBytes) return { capacityBytes: volume.sizeBytes, nodeExpansionRequired };
      const target = resolveCapacity(command.capacity, this.settings.capacity);
      const grown = await this.backend.resizeVolume(id, target, options);
      this.logger.info('volume expanded', { volumeId: id, fromBytes: volume.sizeBytes, toBytes: grown.sizeBytes });
      return { capacityBytes: grown.sizeBytes, nodeExpansionRequired };
    }, options);
  }
}
