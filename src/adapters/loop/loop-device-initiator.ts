import { inject, injectable } from 'inversify';
import { BackendUnavailableError, DeviceNotReadyError, HostCommandError } from '../../domain/errors.js';
import type { Nqn } from '../../domain/nqn.js';
import { parseNqn } from '../../domain/nqn.js';
import { CommandRunner } from '../../ports/command-runner.js';
import type { CommandResult } from '../../ports/command-runner.js';
import { Logger } from '../../ports/logger.js';
import type { ConnectedSubsystem, NvmeConnection, NvmeInitiator, NvmeTarget, OrphanCleanupReport } from '../../ports/nvme-initiator.js';
import { toolDetail } from '../mount/fs-tool-output.js';
import { assertManagedNqn, isManagedNqn, parseManagedNqnPrefix } from '../nvme/managed-nqn-prefix.js';
import { PerKeyQueue } from '../nvme/per-key-queue.js';
import { LoopInitiatorSettings } from './loop-initiator-settings.js';
import type { LoopDevice } from './loop-sysfs.js';
import { boundLoopDevices } from './loop-sysfs.js';
import { SimulatorExports } from './simulator-exports.js';

/**
 * The NvmeInitiator contract played against the RDS simulator with loop devices, for the embedded
 * default and for tests on machines without NVMe/TCP: "connecting" an NQN attaches the backing file of
 * the simulator disk exported under it (`losetup --find --show`), "disconnecting" detaches it, and a
 * rescan is `losetup -c` after the file grew. Only loop devices backed by files in the simulator's
 * data directory are ever touched.
 */
@injectable()
export class LoopDeviceInitiator implements NvmeInitiator {
  private readonly prefix: string;
  private readonly exports: SimulatorExports;
  private readonly queue = new PerKeyQueue();
  /** Files attached per NQN, so a disk removed from the simulator can still be detached. */
  private readonly attached = new Map<string, string>();

  constructor(
    @inject(CommandRunner) private readonly runner: CommandRunner,
    @inject(Logger) private readonly logger: Logger,
    @inject(LoopInitiatorSettings) private readonly settings: LoopInitiatorSettings,
  ) {
    this.prefix = parseManagedNqnPrefix(settings.managedNqnPrefix);
    this.exports = new SimulatorExports(settings.dataDir);
  }

  async connect(target: NvmeTarget, signal?: AbortSignal): Promise<NvmeConnection> {
    const nqn = parseNqn(target.nqn, 'NVMe subsystem NQN');
    assertManagedNqn(nqn, this.prefix, 'connect');
    return this.queue.run(nqn, async () => {
      const exported = await this.exports.find(nqn);
      if (!exported || exported.port !== target.port) {
        throw new BackendUnavailableError(`no disk is exported as ${nqn} on port ${target.port}`);
      }
      const existing = (await this.devicesOf(exported.file, signal))[0];
      if (existing) return { devicePath: existing };
      // `--find --show` picks the first free device; one attach at a time keeps two callers off the same one.
      const result = await this.queue.run('\0attach', () => this.losetup(['--find', '--show', exported.file], signal));
      if (result.exitCode !== 0) throw this.failure('losetup --find', result);
      this.attached.set(nqn, exported.file);
      return { devicePath: result.stdout.trim() };
    });
  }

  async disconnect(nqn: Nqn, signal?: AbortSignal): Promise<void> {
    assertManagedNqn(nqn, this.prefix, 'disconnect');
    return this.queue.run(nqn, async () => {
      const file = (await this.exports.find(nqn))?.file ?? this.attached.get(nqn);
      if (file === undefined) return;
      for (const device of await this.devicesOf(file, signal)) await this.detach(device, signal);
      this.attached.delete(nqn);
    });
  }

  async list(signal?: AbortSignal): Promise<ConnectedSubsystem[]> {
    const exports = await this.exports.list();
    const devices = await this.ownDevices(signal);
    return exports.flatMap((e) => {
      const device = devices.find((d) => d.backFile === e.file);
      return device ? [{ nqn: e.nqn, devicePath: device.name }] : [];
    });
  }

  async resolveDevice(nqn: Nqn): Promise<string | undefined> {
    const exported = await this.exports.find(nqn);
    return exported ? (await this.devicesOf(exported.file))[0] : undefined;
  }

  async rescan(nqn: Nqn, signal?: AbortSignal): Promise<void> {
    assertManagedNqn(nqn, this.prefix, 'rescan');
    return this.queue.run(nqn, async () => {
      const device = await this.resolveDevice(nqn);
      if (!device) throw new DeviceNotReadyError(`${nqn} is not connected; nothing to rescan`);
      const result = await this.losetup(['-c', device], signal);
      if (result.exitCode !== 0) throw this.failure('losetup -c', result);
    });
  }

  /** Detaches loop devices of this data dir whose file was deleted or is no longer exported under a managed NQN. */
  async cleanupOrphans(signal?: AbortSignal): Promise<OrphanCleanupReport> {
    const managedFiles = new Set((await this.exports.list()).filter((e) => isManagedNqn(e.nqn, this.prefix)).map((e) => e.file));
    const disconnected: string[] = [];
    const failed: { nqn: string; reason: string }[] = [];
    for (const device of await this.ownDevices(signal)) {
      if (managedFiles.has(device.backFile)) continue;
      const label = `${device.name} (${device.backFile})`;
      try {
        await this.detach(device.name, signal);
        disconnected.push(label);
        this.logger.info('detached orphaned loop device', { device: device.name, file: device.backFile });
      } catch (error) {
        failed.push({ nqn: label, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return { disconnected, failed };
  }

  /** Loop devices backed by files under the simulator's data dir (deleted files included). */
  private async ownDevices(signal?: AbortSignal): Promise<LoopDevice[]> {
    const root = await this.exports.filesRoot();
    signal?.throwIfAborted();
    return (await boundLoopDevices(this.settings.sysfsRoot ?? '/sys')).filter((d) => d.backFile.startsWith(`${root}/`));
  }

  private async devicesOf(file: string, signal?: AbortSignal): Promise<string[]> {
    return (await this.ownDevices(signal)).filter((d) => d.backFile === file).map((d) => d.name);
  }

  private async detach(device: string, signal?: AbortSignal): Promise<void> {
    const result = await this.losetup(['-d', device], signal);
    if (result.exitCode !== 0 && (await this.ownDevices(signal)).some((d) => d.name === device)) {
      throw this.failure('losetup -d', result);
    }
  }

  private losetup(args: string[], signal?: AbortSignal): Promise<CommandResult> {
    return this.runner.run(['losetup', ...args], { timeoutMs: this.settings.commandTimeoutMs, signal });
  }

  private failure(tool: string, result: CommandResult): HostCommandError {
    return new HostCommandError(tool, result.exitCode, toolDetail(result.stderr, result.stdout));
  }
}
