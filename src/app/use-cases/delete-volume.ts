import { inject, injectable } from 'inversify';
import { VolumeInUseError } from '../../domain/errors.js';
import { isValidVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { AttachmentRepository } from '../../ports/attachment-repository.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import { ControllerSettings } from '../volumes/controller-settings.js';

/**
 * Deletes a volume's disk entry and backing file. Idempotent: an unknown ID (including one that could
 * never have been created, which is not sent to the RDS) succeeds. A volume the stored record says a
 * node holds is refused with VolumeInUseError, whichever replica recorded the attach: Kubernetes
 * detaches before deleting, so a holder here means a workload still uses the data. The record is read
 * afresh, never taken from the cache, because a cache that lags would let the data of a running pod
 * go. (Kubernetes never attaches a volume whose PV is being deleted, so no attach can slip in between
 * this read and the delete.)
 */
@injectable()
export class DeleteVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async execute(command: { readonly volumeId: string; readonly signal?: AbortSignal }): Promise<void> {
    if (!isValidVolumeId(command.volumeId)) return;
    const id = command.volumeId as VolumeId;
    const options = { signal: command.signal };
    await this.locks.withVolumeLock(id, async () => {
      const record = await this.attachments.load(id, { fresh: true });
      const holders = record.state.nodes.map((n) => n.nodeId);
      if (holders.length > 0) throw new VolumeInUseError(id, holders);
      // The backend reads the disk entry itself to find its file; the base path is only where to look
      // for a file left behind by an interrupted delete.
      await this.backend.deleteVolume(id, this.settings.defaults.basePath, options);
      this.logger.info('volume deleted', { volumeId: id });
    }, options);
  }
}
