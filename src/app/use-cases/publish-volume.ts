import { inject, injectable } from 'inversify';
import { NodeNotFoundError, VolumeNotFoundError } from '../../domain/errors.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import { assertSupportedCapabilities, volumeModeOf } from '../../domain/volume-capability.js';
import type { VolumeCapability } from '../../domain/volume-capability.js';
import { NodeRegistry } from '../../ports/node-registry.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import type { VolumeInfo } from '../../ports/storage-backend.js';
import { ControllerSettings } from '../volumes/controller-settings.js';
import { CONTEXT } from '../volumes/volume-context.js';
import { AttachVolume } from './attach-volume.js';

export interface PublishVolumeCommand {
  readonly volumeId: VolumeId;
  readonly nodeId: NodeId;
  readonly capability: VolumeCapability;
  readonly readonly: boolean;
  readonly volumeContext: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** Keys of the publish context NodeStage reads. */
export const PUBLISH_CONTEXT = { nvmeAddress: 'nvmeAddress', nvmePort: 'nvmePort', nqn: 'nqn' } as const;

/**
 * ControllerPublishVolume: under the volume's lock, checks that the volume exists and is exported,
 * and that the node is known; then applies the fencing rules. Returns what NodeStage needs.
 */
@injectable()
export class PublishVolume {
  constructor(
    @inject(AttachVolume) private readonly attach: AttachVolume,
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(NodeRegistry) private readonly nodes: NodeRegistry,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
  ) {}

  async execute(command: PublishVolumeCommand): Promise<Record<string, string>> {
    assertSupportedCapabilities([command.capability]);
    let volume: VolumeInfo | undefined;
    await this.attach.execute({
      volumeId: command.volumeId,
      nodeId: command.nodeId,
      accessMode: command.capability.accessMode,
      volumeMode: volumeModeOf(command.capability),
      readonly: command.readonly,
      signal: command.signal,
      verify: async () => {
        volume = await this.backend.getVolume(command.volumeId, { signal: command.signal });
        if (!volume) throw new VolumeNotFoundError(command.volumeId);
        if (!volume.nvme) throw new VolumeNotFoundError(command.volumeId, 'it is not exported over NVMe/TCP (a snapshot?)');
        if (!(await this.nodes.exists(command.nodeId))) throw new NodeNotFoundError(command.nodeId);
      },
    });
    const exported = volume!.nvme!;
    return {
      [PUBLISH_CONTEXT.nvmeAddress]: command.volumeContext[CONTEXT.nvmeAddress] ?? this.settings.defaults.nvmeAddress,
      [PUBLISH_CONTEXT.nvmePort]: String(exported.port),
      [PUBLISH_CONTEXT.nqn]: exported.nqn,
    };
  }
}
