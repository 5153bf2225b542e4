import { inject, injectable } from 'inversify';
import { VolumeInUseError } from '../../domain/errors.js';
import { isValidVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import { AttachmentRegistry } from '../attachments/attachment-registry.js';
import { ControllerSettings } from '../volumes/controller-settings.js';

/**
 * Deletes a volume's disk entry and backing file. Idempotent: an unknown ID (including one that could
 * never have been created, which is not sent to the RDS) succeeds. A volume still attached to a node
 * is refused with VolumeInUseError: Kubernetes detaches before deleting, so an attached volume here
 * means something is still using it, and deleting it would destroy data under a running workload.
 */
@injectable()
export class DeleteVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(AttachmentRegistry) private readonly attachments: AttachmentRegistry,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async execute(command: { readonly volumeId: string; readonly signal?: AbortSignal }): Promise<void> {
    if (!isValidVolumeId(command.volumeId)) return;
    const id = command.volumeId as VolumeId;
    const options = { signal: command.signal };
    await this.locks.withVolumeLock(id, async () => {
      const holders = this.attachments.get(id)?.state.nodes.map((n) => n.nodeId) ?? [];
      if (holders.length > 0) throw new VolumeInUseError(id, holders);
      // The backend reads the disk entry itself to find its file; the base path is only where to look
      // for a file left behind by an interrupted delete.
      await this.backend.deleteVolume(id, this.settings.defaults.basePath, options);
      this.logger.info('volume deleted', { volumeId: id });
    }, options);
  }
}
