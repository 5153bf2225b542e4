import { inject, injectable } from 'inversify';
import { HostPreconditionError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import { decidePublish } from '../../domain/node-volume.js';
import type { Publication } from '../../domain/node-volume.js';
import type { VolumeCapability } from '../../domain/volume-capability.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Mounts, topmostMount } from '../../ports/mounts.js';
import type { MountEntry } from '../../ports/mounts.js';
import { NodeVolumeStore } from '../../ports/node-volume-store.js';
import { NvmeInitiator } from '../../ports/nvme-initiator.js';
import { parseNqn } from '../../domain/nqn.js';
import { PublishTargets } from '../../ports/publish-targets.js';

export interface NodePublishCommand {
  readonly volumeId: VolumeId;
  readonly stagingPath: string;
  readonly targetPath: string;
  readonly capability: VolumeCapability;
  readonly readonly: boolean;
  readonly signal?: AbortSignal;
}

/**
 * NodePublishVolume: a filesystem volume is bind-mounted from its staging mount onto a directory it
 * creates at the target (read-only when asked); a block volume gets a block special file at the
 * target, made with mknod (never a bind mount from /dev), pointing at a read-only view of the device
 * when asked. Second publishes follow CSI's table (domain/node-volume.ts).
 */
@injectable()
export class NodePublishVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(NvmeInitiator) private readonly initiator: NvmeInitiator,
    @inject(Mounts) private readonly mounts: Mounts,
    @inject(PublishTargets) private readonly targets: PublishTargets,
    @inject(NodeVolumeStore) private readonly store: NodeVolumeStore,
  ) {}

  async execute(command: NodePublishCommand): Promise<void> {
    const { volumeId, signal } = command;
    await this.locks.withVolumeLock(volumeId, async () => {
      const record = await this.store.load(volumeId);
      if (!record || record.stagingPath !== command.stagingPath) {
        throw new HostPreconditionError(`volume ${volumeId} is not staged at ${command.stagingPath}; NodeStageVolume must come first`);
      }
      const request = { targetPath: command.targetPath, readonly: command.readonly, capability: command.capability };
      const earlier = record.publications.find((p) => p.targetPath === command.targetPath);
      const repeat = decidePublish(record, request) === 'repeat';
      // A filesystem target's directory is made while the mount table is read; making it mounts nothing.
      const table = command.capability.accessType.kind === 'block' ? undefined : await this.tableWithTarget(command);
      if (repeat && (await this.inPlace(command, table))) return;
      if (earlier?.readOnlyDevice) await this.targets.releaseReadOnlyView(earlier.readOnlyDevice, signal);
      const publication = await this.publish(command, record.nqn, request, table);
      const others = record.publications.filter((p) => p.targetPath !== command.targetPath);
      await this.store.save({ ...record, publications: [...others, publication] });
    }, { signal });
  }

  private async tableWithTarget(command: NodePublishCommand): Promise<readonly MountEntry[]> {
    const [table] = await Promise.all([this.mounts.listMounts(command.signal), this.targets.ensureDirectory(command.targetPath)]);
    return table;
  }

  private async inPlace(command: NodePublishCommand, table: readonly MountEntry[] | undefined): Promise<boolean> {
    if (!table) return (await this.targets.kindOf(command.targetPath)) === 'block-device';
    return topmostMount(table, command.targetPath) !== undefined;
  }

  private async publish(command: NodePublishCommand, nqn: string, request: Publication, table: readonly MountEntry[] | undefined): Promise<Publication> {
    const { signal } = command;
    if (command.capability.accessType.kind === 'block') {
      const device = await this.initiator.resolveDevice(parseNqn(nqn));
      if (!device) throw new HostPreconditionError(`volume ${command.volumeId} has no block device on this node; stage it again`);
      const { readOnlyView } = await this.targets.createBlockNode(device, command.targetPath, command.readonly, signal);
      return readOnlyView ? { ...request, readOnlyDevice: readOnlyView } : request;
    }
    const flags = command.capability.accessType.kind === 'mount' ? command.capability.accessType.mountFlags : [];
    await this.mounts.bind(command.stagingPath, command.targetPath, command.readonly, flags, signal, table);
    return request;
  }
}
