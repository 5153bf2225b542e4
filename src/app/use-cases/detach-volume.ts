import { inject, injectable } from 'inversify';
import { Attachment } from '../../domain/attachment.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import { AttachmentStore } from '../../ports/attachment-store.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { AttachmentRegistry } from '../attachments/attachment-registry.js';
import { AttachmentSettings } from '../attachments/attachment-settings.js';
import { awaitReady } from '../attachments/await-ready.js';

export interface DetachVolumeCommand {
  readonly volumeId: VolumeId;
  /** Undefined detaches the volume from every node (CSI ControllerUnpublish without a node ID). */
  readonly nodeId?: NodeId;
  readonly signal?: AbortSignal;
}

/**
 * Removes a node's hold on a volume under the volume's lock. Idempotent: detaching a volume that is
 * not attached there changes nothing. When persisting the removal fails, the in-memory removal is
 * kept and the failure logged: the node has let go of the volume, and keeping a phantom attachment
 * would fence out its next legitimate user. The rebuild after a restart reconciles the record
 * against the orchestrator.
 */
@injectable()
export class DetachVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(AttachmentStore) private readonly store: AttachmentStore,
    @inject(AttachmentRegistry) private readonly registry: AttachmentRegistry,
    @inject(Logger) private readonly logger: Logger,
    @inject(AttachmentSettings) private readonly settings: AttachmentSettings,
  ) {}

  async execute(command: DetachVolumeCommand): Promise<{ readonly detached: readonly NodeId[] }> {
    await awaitReady(this.registry, this.settings.waitMs);
    return this.locks.withVolumeLock(command.volumeId, () => this.detachLocked(command), {
      signal: command.signal,
    });
  }

  private async detachLocked(command: DetachVolumeCommand): Promise<{ readonly detached: readonly NodeId[] }> {
    const { volumeId, nodeId } = command;
    const previous = this.registry.get(volumeId);
    if (!previous) return { detached: [] };
    const attachment = Attachment.restore(previous.state);
    const detached = attachment.detach(nodeId);
    if (detached.length === 0) return { detached };
    const state = attachment.toState();
    this.registry.set(volumeId, { state, version: previous.version });
    try {
      const version = await this.store.save(volumeId, state, previous.version);
      this.registry.set(volumeId, { state, version });
    } catch (error) {
      this.registry.set(volumeId, { state, version: previous.version, unsaved: true });
      this.logger.warn('volume detached, but clearing its attachment record failed; kept the detach', {
        volumeId,
        detached,
        error,
      });
    }
    this.logger.info('volume detached', { volumeId, detached, remaining: state.nodes.map((n) => n.nodeId) });
    return { detached };
  }
}
