import { inject, injectable } from 'inversify';
import { isValidVolumeId } from '../../domain/ids.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import { DetachVolume } from './detach-volume.js';

/**
 * ControllerUnpublishVolume: detaches from one node, or from every node without a node ID.
 * Idempotent: an unknown volume or node is regarded as unpublished.
 */
@injectable()
export class UnpublishVolume {
  constructor(@inject(DetachVolume) private readonly detach: DetachVolume) {}

  async execute(command: { readonly volumeId: string; readonly nodeId?: NodeId; readonly signal?: AbortSignal }): Promise<void> {
    if (!isValidVolumeId(command.volumeId)) return;
    await this.detach.execute({
      volumeId: command.volumeId as VolumeId,
      ...(command.nodeId === undefined ? {} : { nodeId: command.nodeId }),
      ...(command.signal ? { signal: command.signal } : {}),
    });
  }
}
