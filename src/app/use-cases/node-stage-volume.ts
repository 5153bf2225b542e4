import { inject, injectable } from 'inversify';
import { HostPreconditionError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import { assertStageCompatible } from '../../domain/node-volume.js';
import type { VolumeCapability } from '../../domain/volume-capability.js';
import { Filesystems, FS_TYPES } from '../../ports/filesystems.js';
import type { FsType } from '../../ports/filesystems.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { Mounts, topmostMount } from '../../ports/mounts.js';
import type { MountEntry } from '../../ports/mounts.js';
import { NodeVolumeStore } from '../../ports/node-volume-store.js';
import { NvmeInitiator } from '../../ports/nvme-initiator.js';
import { PublishTargets } from '../../ports/publish-targets.js';
import { NodeSettings } from '../node/node-settings.js';
import { nvmeTargetFrom } from '../node/nvme-target.js';

export interface NodeStageCommand {
  readonly volumeId: VolumeId;
  readonly stagingPath: string;
  readonly capability: VolumeCapability;
  readonly publishContext: Readonly<Record<string, string>>;
  readonly volumeContext: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/**
 * NodeStageVolume: connect (or find the connection), then for a filesystem volume format only a
 * device the probe calls blank, check it with a policy that lets journals replay, and mount it at
 * the staging path. Idempotent: a staging path already mounted from the volume's device is success;
 * one mounted from a device that has vanished (renamed after a reconnect) is unmounted and mounted
 * again; one mounted from another live device is refused, never stacked.
 */
@injectable()
export class NodeStageVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(NvmeInitiator) private readonly initiator: NvmeInitiator,
    @inject(Filesystems) private readonly filesystems: Filesystems,
    @inject(Mounts) private readonly mounts: Mounts,
    @inject(PublishTargets) private readonly targets: PublishTargets,
    @inject(NodeVolumeStore) private readonly store: NodeVolumeStore,
    @inject(NodeSettings) private readonly settings: NodeSettings,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  /** Resolves with `repaired` when a stale staging mount had to be replaced. */
  async execute(command: NodeStageCommand): Promise<{ readonly repaired: boolean }> {
    const target = nvmeTargetFrom(command.publishContext, command.volumeContext);
    const { signal } = command;
    return this.locks.withVolumeLock(command.volumeId, async () => {
      const previous = await this.store.load(command.volumeId);
      if (previous) assertStageCompatible(previous, command.stagingPath, command.capability);
      // The mount table is read while nvme connect runs: connecting mounts nothing, and under the
      // volume lock nothing of ours mounts at the staging path meanwhile.
      const table = command.capability.accessType.kind === 'mount' ? this.mounts.listMounts(signal) : undefined;
      table?.catch(() => undefined); // awaited below unless connect fails first
      const { devicePath } = await this.initiator.connect(target, signal);
      let fsType: FsType | undefined;
      let repaired = false;
      if (table) {
        ({ fsType, repaired } = await this.stageFilesystem(command, devicePath, await table, signal));
      }
      await this.store.save({
        volumeId: command.volumeId,
        nqn: target.nqn,
        stagingPath: command.stagingPath,
        capability: command.capability,
        ...(fsType ? { fsType } : {}),
        publications: previous?.stagingPath === command.stagingPath ? previous.publications : [],
      });
      return { repaired };
    }, { signal });
  }

  private async stageFilesystem(command: NodeStageCommand, device: string, table: readonly MountEntry[], signal?: AbortSignal): Promise<{ fsType: FsType; repaired: boolean }> {
    const path = command.stagingPath;
    const mounted = topmostMount(table, path);
    let repaired = false;
    if (mounted && mounted.source !== device) {
      // Only a mount from a device file that no longer exists (renamed after a reconnect) is ours to
      // repair; a live device or a virtual file system there is someone else's and is left alone.
      if (!mounted.source.startsWith('/') || (await this.targets.isBlockDevice(mounted.source))) {
        throw new HostPreconditionError(`staging path ${path} is mounted from ${mounted.source}, not from this volume's device ${device}; refusing to mount over it`);
      }
      this.logger.warn('repairing a stale staging mount whose device has gone', { volumeId: command.volumeId, stagingPath: path, staleSource: mounted.source, device });
      await this.mounts.unmount(path, signal);
      repaired = true;
    }
    const wanted = this.wantedFsType(command.capability);
    const probe = await this.filesystems.probe(device, signal);
    let fsType: FsType;
    if (probe.kind === 'blank') {
      this.logger.info('formatting a blank volume', { volumeId: command.volumeId, device, fsType: wanted });
      await this.filesystems.format(device, wanted, signal);
      fsType = wanted;
    } else if (probe.kind === 'filesystem' && (FS_TYPES as readonly string[]).includes(probe.fsType)) {
      fsType = probe.fsType as FsType;
      if (fsType !== wanted) this.logger.warn('volume holds another file system than requested; mounting what is there', { volumeId: command.volumeId, found: fsType, requested: wanted });
      if (!mounted || mounted.source !== device) await this.filesystems.check(device, fsType, signal);
    } else {
      const found = probe.kind === 'filesystem' ? probe.fsType : probe.signature;
      throw new HostPreconditionError(`volume ${command.volumeId} holds ${found}, which this driver does not mount; it was left untouched`);
    }
    const flags = command.capability.accessType.kind === 'mount' ? command.capability.accessType.mountFlags : [];
    // After a repair the table read before it is out of date: mount() reads its own.
    await this.mounts.mount(device, path, fsType, flags, signal, repaired ? undefined : table);
    return { fsType, repaired };
  }

  private wantedFsType(capability: VolumeCapability): FsType {
    const requested = capability.accessType.kind === 'mount' ? capability.accessType.fsType : undefined;
    return requested && (FS_TYPES as readonly string[]).includes(requested) ? (requested as FsType) : this.settings.defaultFsType;
  }
}
