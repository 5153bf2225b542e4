import { inject, injectable } from 'inversify';
import { HostPreconditionError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import { parseNqn } from '../../domain/nqn.js';
import type { Nqn } from '../../domain/nqn.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { Mounts } from '../../ports/mounts.js';
import { NodeVolumeStore } from '../../ports/node-volume-store.js';
import { NvmeInitiator } from '../../ports/nvme-initiator.js';
import { PublishTargets } from '../../ports/publish-targets.js';

/**
 * NodeUnstageVolume: unmount the staging path (leaving it empty), then disconnect. Idempotent. It
 * refuses while a publication of the volume is still in place on this node, because disconnecting
 * would pull the device from under a running pod. Without a record (the plugin lost its state), the
 * NQN is found from the device mounted at the staging path.
 */
@injectable()
export class NodeUnstageVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(NvmeInitiator) private readonly initiator: NvmeInitiator,
    @inject(Mounts) private readonly mounts: Mounts,
    @inject(PublishTargets) private readonly targets: PublishTargets,
    @inject(NodeVolumeStore) private readonly store: NodeVolumeStore,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async execute(command: { readonly volumeId: VolumeId; readonly stagingPath: string; readonly signal?: AbortSignal }): Promise<void> {
    const { volumeId, stagingPath, signal } = command;
    await this.locks.withVolumeLock(volumeId, async () => {
      const record = await this.store.load(volumeId);
      if (record && record.stagingPath !== stagingPath) {
        this.logger.warn('unstage names another staging path than the one recorded', { volumeId, recorded: record.stagingPath, requested: stagingPath });
      }
      const live: string[] = [];
      for (const p of record?.publications ?? []) if ((await this.targets.kindOf(p.targetPath)) !== 'missing') live.push(p.targetPath);
      if (live.length > 0) {
        throw new HostPreconditionError(`volume ${volumeId} is still published at ${live.join(', ')}; unpublish it before unstaging`);
      }
      const nqn = record ? parseNqn(record.nqn) : await this.nqnOfDevice((await this.mounts.findMount(stagingPath, signal))?.source, signal);
      await this.mounts.unmount(stagingPath, signal);
      if (nqn) await this.initiator.disconnect(nqn, signal);
      await this.store.remove(volumeId);
    }, { signal });
  }

  private async nqnOfDevice(device: string | undefined, signal?: AbortSignal): Promise<Nqn | undefined> {
    if (!device) return undefined;
    const subsystem = (await this.initiator.list(signal)).find((s) => s.devicePath === device);
    return subsystem ? parseNqn(subsystem.nqn) : undefined;
  }
}
