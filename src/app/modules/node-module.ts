import { ContainerModule } from 'inversify';
import type { Newable } from 'inversify';
import { NodeRpcs } from '../../adapters/csi/node-rpcs.js';
import { NodeService } from '../../adapters/csi/node-service.js';
import { DEFAULT_LOOP_COMMAND_TIMEOUT_MS, LoopInitiatorSettings } from '../../adapters/loop/loop-initiator-settings.js';
import { LinuxFilesystems } from '../../adapters/mount/linux-filesystems.js';
import { InstrumentedMounts } from '../../adapters/mount/instrumented-mounts.js';
import { LinuxMounts } from '../../adapters/mount/linux-mounts.js';
import { Metrics } from '../../ports/metrics.js';
import { LinuxPublishTargets } from '../../adapters/mount/linux-publish-targets.js';
import { DEFAULT_FILESYSTEM_SETTINGS, DEFAULT_MOUNT_SETTINGS, FilesystemSettings, MountSettings } from '../../adapters/mount/mount-settings.js';
import { FileNodeVolumeStore, NodeStateSettings } from '../../adapters/node-state/file-node-volume-store.js';
import { NvmeCliInitiator } from '../../adapters/nvme/nvme-cli-initiator.js';
import { DEFAULT_NVME_CLI_SETTINGS, NvmeCliSettings } from '../../adapters/nvme/nvme-cli-settings.js';
import { LoggedCommandRunner } from '../../adapters/process/logged-command-runner.js';
import { CommandRunnerSettings, DEFAULT_COMMAND_RUNNER_SETTINGS, SpawnCommandRunner } from '../../adapters/process/spawn-command-runner.js';
import { CommandRunner } from '../../ports/command-runner.js';
import { Filesystems } from '../../ports/filesystems.js';
import { Logger } from '../../ports/logger.js';
import { Mounts } from '../../ports/mounts.js';
import { NodeVolumeStore } from '../../ports/node-volume-store.js';
import { NvmeInitiator } from '../../ports/nvme-initiator.js';
import { PublishTargets } from '../../ports/publish-targets.js';
import type { Config } from '../config.js';
import { NodeSettings } from '../node/node-settings.js';
import { NodePublishVolume } from '../use-cases/node-publish-volume.js';
import { NodeStageVolume } from '../use-cases/node-stage-volume.js';
import { NodeUnpublishVolume } from '../use-cases/node-unpublish-volume.js';
import { NodeUnstageVolume } from '../use-cases/node-unstage-volume.js';
import { NodeVolumeHealth } from '../use-cases/node-volume-health.js';

/**
 * The node plugin: host commands, file systems, mounts, publish targets, its own records, and the
 * initiator: nvme-cli on a real node, or loop devices over the embedded simulator's files (that class
 * is passed in, so a real node never loads it).
 */
export function nodeModule(config: Config, loopInitiator?: Newable<NvmeInitiator>): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(NodeSettings).toConstantValue({
      nodeId: config.nodeId!,
      defaultFsType: config.node.defaultFsType,
      ...(config.attachment.maxVolumesPerNode === undefined ? {} : { maxVolumesPerNode: config.attachment.maxVolumesPerNode }),
    });
    bind(CommandRunnerSettings).toConstantValue(DEFAULT_COMMAND_RUNNER_SETTINGS);
    bind(SpawnCommandRunner).toSelf().inSingletonScope();
    bind(CommandRunner)
      .toResolvedValue((runner: SpawnCommandRunner, logger: Logger) => new LoggedCommandRunner(runner, logger), [SpawnCommandRunner, Logger])
      .inSingletonScope();
    bind(FilesystemSettings).toConstantValue(DEFAULT_FILESYSTEM_SETTINGS);
    bind(Filesystems).to(LinuxFilesystems).inSingletonScope();
    bind(MountSettings).toConstantValue(DEFAULT_MOUNT_SETTINGS);
    bind(LinuxMounts).toSelf().inSingletonScope();
    bind(Mounts)
      .toResolvedValue((mounts: LinuxMounts, metrics: Metrics) => new InstrumentedMounts(mounts, metrics), [LinuxMounts, Metrics])
      .inSingletonScope();
    bind(PublishTargets).to(LinuxPublishTargets).inSingletonScope();
    bind(NodeStateSettings).toConstantValue({ directory: config.node.stateDir });
    bind(NodeVolumeStore).to(FileNodeVolumeStore).inSingletonScope();
    if (config.embeddedRds) {
      if (!loopInitiator) throw new Error('--embedded-rds needs the loop-device initiator, which the composition root loads');
      bind(LoopInitiatorSettings).toConstantValue({ dataDir: config.embeddedRds, managedNqnPrefix: config.node.managedNqnPrefix, commandTimeoutMs: DEFAULT_LOOP_COMMAND_TIMEOUT_MS });
      bind(NvmeInitiator).to(loopInitiator).inSingletonScope();
    } else {
      bind(NvmeCliSettings).toConstantValue({ ...DEFAULT_NVME_CLI_SETTINGS, managedNqnPrefix: config.node.managedNqnPrefix });
      bind(NvmeInitiator).to(NvmeCliInitiator).inSingletonScope();
    }
    bind(NodeStageVolume).toSelf().inSingletonScope();
    bind(NodeUnstageVolume).toSelf().inSingletonScope();
    bind(NodePublishVolume).toSelf().inSingletonScope();
    bind(NodeUnpublishVolume).toSelf().inSingletonScope();
    bind(NodeVolumeHealth).toSelf().inSingletonScope();
    bind(NodeRpcs).toSelf().inSingletonScope();
    bind(NodeService).toSelf().inSingletonScope();
  });
}
