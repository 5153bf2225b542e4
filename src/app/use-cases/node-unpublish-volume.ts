import { inject, injectable } from 'inversify';
import type { VolumeId } from '../../domain/ids.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Mounts } from '../../ports/mounts.js';
import { NodeVolumeStore } from '../../ports/node-volume-store.js';
import { PublishTargets } from '../../ports/publish-targets.js';

/**
 * NodeUnpublishVolume: unmount the target if it is mounted, delete what publishing created there
 * (an empty directory or a block node; never anything else), and release a read-only view.
 * Idempotent, and works without a record too.
 */
@injectable()
export class NodeUnpublishVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(Mounts) private readonly mounts: Mounts,
    @inject(PublishTargets) private readonly targets: PublishTargets,
    @inject(NodeVolumeStore) private readonly store: NodeVolumeStore,
  ) {}

  async execute(command: { readonly volumeId: VolumeId; readonly targetPath: string; readonly signal?: AbortSignal }): Promise<void> {
    const { volumeId, targetPath, signal } = command;
    await this.locks.withVolumeLock(volumeId, async () => {
      const record = await this.store.load(volumeId);
      const publication = record?.publications.find((p) => p.targetPath === targetPath);
      // Nothing mounted at the target (a block node, a missing path) makes this a table read only.
      await this.mounts.unmount(targetPath, signal);
      await this.targets.removeTarget(targetPath);
      if (publication?.readOnlyDevice) await this.targets.releaseReadOnlyView(publication.readOnlyDevice, signal);
      if (record && publication) {
        await this.store.save({ ...record, publications: record.publications.filter((p) => p !== publication) });
      }
    }, { signal });
  }
}
