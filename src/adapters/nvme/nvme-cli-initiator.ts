import { readFile } from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import { AbortedByCallerError, BackendUnavailableError, DeviceNotReadyError, HostCommandError } from '../../domain/errors.js';
import type { Nqn } from '../../domain/nqn.js';
import { parseNqn } from '../../domain/nqn.js';
import { Clock } from '../../ports/clock.js';
import { CommandRunner } from '../../ports/command-runner.js';
import type { CommandResult } from '../../ports/command-runner.js';
import { Logger } from '../../ports/logger.js';
import type { ConnectedSubsystem, NvmeConnection, NvmeInitiator, NvmeTarget, OrphanCleanupReport } from '../../ports/nvme-initiator.js';
import { toolDetail } from '../mount/fs-tool-output.js';
import { parseListSubsys } from './list-subsys-parser.js';
import { assertManagedNqn, isManagedNqn, parseManagedNqnPrefix } from './managed-nqn-prefix.js';
import { isValidHostNqn, nvmeConnectArgs } from './nvme-connect-args.js';
import { NvmeCliSettings } from './nvme-cli-settings.js';
import { PerKeyQueue } from './per-key-queue.js';
import { SysfsNvmeResolver } from './sysfs-nvme-resolver.js';

/** NvmeInitiator over nvme-cli (connect, disconnect, list-subsys, ns-rescan) and sysfs. */
@injectable()
export class NvmeCliInitiator implements NvmeInitiator {
  private readonly prefix: string;
  private readonly resolver: SysfsNvmeResolver;
  private readonly queue = new PerKeyQueue();
  private hostNqn: Promise<string | undefined> | undefined;

  constructor(
    @inject(CommandRunner) private readonly runner: CommandRunner,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
    @inject(NvmeCliSettings) private readonly settings: NvmeCliSettings,
  ) {
    this.prefix = parseManagedNqnPrefix(settings.managedNqnPrefix);
    this.resolver = new SysfsNvmeResolver(settings.sysfsRoot, settings.devRoot);
  }

  async connect(target: NvmeTarget, signal?: AbortSignal): Promise<NvmeConnection> {
    const nqn = parseNqn(target.nqn, 'NVMe subsystem NQN');
    assertManagedNqn(nqn, this.prefix, 'connect');
    const hostNqnPromise = this.readHostNqn();
    return this.queue.run(nqn, async () => {
      const argv = nvmeConnectArgs(target, await hostNqnPromise);
      if (await this.isConnected(nqn)) {
        const existing = await this.waitForDevice(nqn, this.settings.existingDeviceGraceMs, signal);
        if (existing) return { devicePath: existing };
        this.logger.warn('NVMe subsystem connected without a block device; reconnecting', { nqn });
        await this.runDisconnect(nqn, signal);
      }
      const result = await this.runner.run(argv, { timeoutMs: this.settings.connectTimeoutMs, signal });
      if (result.exitCode !== 0 && !/already connected/i.test(result.stderr)) {
        throw new BackendUnavailableError(
          `nvme connect to ${target.address}:${target.port} for ${nqn} failed (exit code ${result.exitCode}): ${toolDetail(result.stderr, result.stdout)}`,
        );
      }
      const device = await this.waitForDevice(nqn, this.settings.deviceWaitMs, signal);
      if (device) return { devicePath: device };
      await this.runDisconnect(nqn).catch((error: unknown) =>
        this.logger.error('disconnect after a missing device failed', { nqn, error: String(error) }),
      );
      throw new DeviceNotReadyError(`connected ${nqn} but no block device appeared within ${this.settings.deviceWaitMs} ms`);
    });
  }

  async disconnect(nqn: Nqn, signal?: AbortSignal): Promise<void> {
    assertManagedNqn(nqn, this.prefix, 'disconnect');
    return this.queue.run(nqn, async () => {
      if (await this.isConnected(nqn)) await this.runDisconnect(nqn, signal);
    });
  }

  async list(signal?: AbortSignal): Promise<ConnectedSubsystem[]> {
    const result = await this.runner.run(['nvme', 'list-subsys', '-o', 'json'], { timeoutMs: this.settings.commandTimeoutMs, signal });
    if (result.exitCode !== 0) {
      // nvme-cli 2.x fails ("Failed to scan topology") when the NVMe class does not exist: nothing is connected.
      if (!(await this.resolver.subsystemClassPresent())) return [];
      throw this.failure('nvme list-subsys', result);
    }
    const listed = parseListSubsys(result.stdout);
    const unique = [...new Set(listed.map((s) => s.nqn))];
    return Promise.all(
      unique.map(async (nqn) => {
        const devicePath = await this.resolver.resolveDevice(nqn);
        return devicePath ? { nqn, devicePath } : { nqn };
      }),
    );
  }

  resolveDevice(nqn: Nqn): Promise<string | undefined> {
    return this.resolver.resolveDevice(nqn);
  }

  async rescan(nqn: Nqn, signal?: AbortSignal): Promise<void> {
    assertManagedNqn(nqn, this.prefix, 'rescan');
    return this.queue.run(nqn, async () => {
      const controllers = await this.resolver.controllersOf(nqn);
      if (controllers.length === 0) throw new DeviceNotReadyError(`${nqn} is not connected; nothing to rescan`);
      for (const controller of controllers) {
        const argv = ['nvme', 'ns-rescan', `/dev/${controller}`];
        const result = await this.runner.run(argv, { timeoutMs: this.settings.commandTimeoutMs, signal });
        if (result.exitCode !== 0) throw this.failure('nvme ns-rescan', result);
      }
    });
  }

  async cleanupOrphans(signal?: AbortSignal): Promise<OrphanCleanupReport> {
    const disconnected: string[] = [];
    const failed: { nqn: string; reason: string }[] = [];
    for (const subsystem of await this.list(signal)) {
      if (subsystem.devicePath !== undefined || !isManagedNqn(subsystem.nqn, this.prefix)) continue;
      try {
        await this.disconnect(parseNqn(subsystem.nqn), signal);
        disconnected.push(subsystem.nqn);
        this.logger.info('disconnected orphaned NVMe subsystem', { nqn: subsystem.nqn });
      } catch (error) {
        if (error instanceof AbortedByCallerError) throw error;
        failed.push({ nqn: subsystem.nqn, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return { disconnected, failed };
  }

  /**
   * Whether a controller of exactly this NQN exists, read from sysfs: the same source the disconnect
   * is verified against, and no nvme-cli process per stage and unstage (one costs 100-300 ms on a
   * small node, more than the rest of the check).
   */
  private async isConnected(nqn: string): Promise<boolean> {
    return (await this.resolver.controllersOf(nqn)).length > 0;
  }

  /**
   * Disconnects and then verifies in sysfs that no controller of exactly this NQN is left: only then
   * is the disconnect done. nvme-cli's exit code alone is not trusted either way.
   */
  private async runDisconnect(nqn: string, signal?: AbortSignal): Promise<void> {
    assertManagedNqn(nqn, this.prefix, 'disconnect');
    const result = await this.runner.run(['nvme', 'disconnect', '-n', nqn], { timeoutMs: this.settings.commandTimeoutMs, signal });
    const deadline = this.clock.now() + this.settings.disconnectWaitMs;
    let left = await this.resolver.controllersOf(nqn);
    while (left.length > 0 && this.clock.now() < deadline) {
      await this.clock.sleep(this.settings.devicePollMs, signal);
      left = await this.resolver.controllersOf(nqn);
    }
    if (left.length === 0) return;
    if (result.exitCode !== 0) throw this.failure(`nvme disconnect -n ${nqn}`, result);
    throw new HostCommandError('nvme disconnect', 0, `reported success, but controller ${left.join(', ')} of ${nqn} is still present after ${this.settings.disconnectWaitMs} ms`);
  }

  private async waitForDevice(nqn: string, waitMs: number, signal?: AbortSignal): Promise<string | undefined> {
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      const device = await this.resolver.resolveDevice(nqn);
      if (device || this.clock.now() >= deadline) return device;
      try {
        await this.clock.sleep(this.settings.devicePollMs, signal);
      } catch (error) {
        throw new AbortedByCallerError(`waiting for the device of ${nqn} was cancelled`, { cause: error });
      }
    }
  }

  /** The host NQN, read once; absent → nvme-cli's own default is used, with one warning. */
  private readHostNqn(): Promise<string | undefined> {
    this.hostNqn ??= readFile(this.settings.hostNqnPath, 'utf8').then(
      (text) => {
        const value = text.trim();
        if (isValidHostNqn(value)) return value;
        this.logger.warn('host NQN file holds no valid NQN; nvme-cli will choose one', { path: this.settings.hostNqnPath });
        return undefined;
      },
      () => {
        this.logger.warn('no host NQN file; nvme-cli will choose one', { path: this.settings.hostNqnPath });
        return undefined;
      },
    );
    return this.hostNqn;
  }

  private failure(tool: string, result: CommandResult): HostCommandError {
    return new HostCommandError(tool, result.exitCode, toolDetail(result.stderr, result.stdout));
  }
}
