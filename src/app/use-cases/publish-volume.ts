import { inject, injectable } from 'inversify';
import { NodeNotFoundError, VolumeNotFoundError } from '../../domain/errors.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import { assertSupportedCapabilities, volumeModeOf } from '../../domain/volume-capability.js';
import type { VolumeCapability } from '../../domain/volume-capability.js';
import { AttachmentRepository } from '../../ports/attachment-repository.js';
import { Clock } from '../../ports/clock.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { NodeRegistry } from '../../ports/node-registry.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import { AttachmentSettings } from '../attachments/attachment-settings.js';
import { awaitReady } from '../attachments/await-ready.js';
import { changeAttachment } from '../attachments/change-attachment.js';
import { ControllerSettings } from '../volumes/controller-settings.js';
import { PUBLISH_CONTEXT } from '../volumes/publish-context.js';
import { CONTEXT, migrationWindowMs } from '../volumes/volume-context.js';

export interface PublishVolumeCommand {
  readonly volumeId: VolumeId;
  readonly nodeId: NodeId;
  readonly capability: VolumeCapability;
  readonly readonly: boolean;
  readonly volumeContext: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/**
 * ControllerPublishVolume. Under the volume's lock: the volume must exist and be exported, the node
 * must be known, and the fencing rules must admit the node against the stored record (see
 * changeAttachment). Returns what NodeStage needs.
 */
@injectable()
export class PublishVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(NodeRegistry) private readonly nodes: NodeRegistry,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
    @inject(AttachmentSettings) private readonly attachmentSettings: AttachmentSettings,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
  ) {}

  async execute(command: PublishVolumeCommand): Promise<Record<string, string>> {
    assertSupportedCapabilities([command.capability]);
    await awaitReady(this.attachments, this.attachmentSettings.waitMs);
    return this.locks.withVolumeLock(command.volumeId, () => this.publishLocked(command), { signal: command.signal });
  }

  private async publishLocked(command: PublishVolumeCommand): Promise<Record<string, string>> {
    const { volumeId, nodeId } = command;
    const volume = await this.backend.getVolume(volumeId, { signal: command.signal });
    if (!volume) throw new VolumeNotFoundError(volumeId);
    if (!volume.nvme) throw new VolumeNotFoundError(volumeId, 'it is not exported over NVMe/TCP (a snapshot?)');
    if (!(await this.nodes.exists(nodeId))) throw new NodeNotFoundError(nodeId);
    const window = migrationWindowMs(command.volumeContext);
    const request = {
      nodeId,
      accessMode: command.capability.accessMode,
      volumeMode: volumeModeOf(command.capability),
      readonly: command.readonly,
      ...(window === undefined ? {} : { migrationTimeoutMs: window }),
    };
    const { policy, writeTries } = this.attachmentSettings;
    const change = await changeAttachment(
      this.attachments,
      volumeId,
      (attachment) => attachment.attach(request, { now: this.clock.now(), volumesOnNode: this.attachments.volumesOnNode(nodeId, volumeId) }, policy),
      writeTries,
    );
    if (change.result === 'attached') {
      this.logger.info('volume attached', { volumeId, nodeId, nodes: change.state.nodes.map((n) => n.nodeId) });
    }
    return {
      [PUBLISH_CONTEXT.nvmeAddress]: command.volumeContext[CONTEXT.nvmeAddress] ?? this.settings.defaults.nvmeAddress,
      [PUBLISH_CONTEXT.nvmePort]: String(volume.nvme.port),
      [PUBLISH_CONTEXT.nqn]: volume.nvme.nqn,
    };
  }
}
