import { inject, injectable } from 'inversify';
import { isValidVolumeId } from '../../domain/ids.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import { AttachmentRepository } from '../../ports/attachment-repository.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { AttachmentSettings } from '../attachments/attachment-settings.js';
import { awaitReady } from '../attachments/await-ready.js';
import { changeAttachment } from '../attachments/change-attachment.js';

export interface UnpublishVolumeCommand {
  readonly volumeId: string;
  /** Undefined detaches the volume from every node (CSI ControllerUnpublish without a node ID). */
  readonly nodeId?: NodeId;
  readonly signal?: AbortSignal;
}

/**
 * ControllerUnpublishVolume: clears the node (or every node) from the stored record, whatever this
 * replica's cache says, under the volume's lock. Idempotent: a volume not attached there, or an ID
 * no volume can have, is already unpublished. A clearing write that fails fails the call, so the
 * sidecar retries it: answering OK would leave a fence the node no longer backs.
 */
@injectable()
export class UnpublishVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
    @inject(Logger) private readonly logger: Logger,
    @inject(AttachmentSettings) private readonly settings: AttachmentSettings,
  ) {}

  async execute(command: UnpublishVolumeCommand): Promise<{ readonly detached: readonly NodeId[] }> {
    if (!isValidVolumeId(command.volumeId)) return { detached: [] };
    const volumeId = command.volumeId as VolumeId;
    await awaitReady(this.attachments, this.settings.waitMs);
    const change = await this.locks.withVolumeLock(
      volumeId,
      () => changeAttachment(this.attachments, volumeId, (attachment) => attachment.detach(command.nodeId), this.settings.writeTries),
      { signal: command.signal },
    );
    if (change.written) {
      this.logger.info('volume detached', { volumeId, detached: change.result, remaining: change.state.nodes.map((n) => n.nodeId) });
    }
    return { detached: change.result };
  }
}
