import { inject, injectable } from 'inversify';
import {
  AbortedByCallerError,
  DeviceNotReadyError,
  HostCommandError,
  HostCommandTimeoutError,
  HostPreconditionError,
  InvalidArgumentError,
} from '../../domain/errors.js';
import { describeValue } from '../../domain/ids.js';
import { Clock } from '../../ports/clock.js';
import { CommandRunner } from '../../ports/command-runner.js';
import type { CheckResult, Filesystems, FsType, ProbeResult } from '../../ports/filesystems.js';
import { FS_TYPES } from '../../ports/filesystems.js';
import { Logger } from '../../ports/logger.js';
import { readableBlockDevice } from './block-device-check.js';
import { e2fsckVerdict, probeResultFromBlkid, toolDetail } from './fs-tool-output.js';
import { assertDevicePath, assertHostPath } from './host-paths.js';
import { FilesystemSettings } from './mount-settings.js';

type ProbeAttempt = { readonly answer: ProbeResult } | { readonly problem: string };

const MKFS: Record<FsType, (device: string) => string[]> = {
  // Discard is skipped: the appliance's files are sparse already, and discarding a large volume is slow.
  ext3: (d) => ['mkfs.ext3', '-F', '-q', '-E', 'nodiscard', d],
  ext4: (d) => ['mkfs.ext4', '-F', '-q', '-E', 'nodiscard', d],
  xfs: (d) => ['mkfs.xfs', '-f', '-q', '-K', d],
};

/** Filesystems with util-linux, e2fsprogs and xfsprogs through the CommandRunner. */
@injectable()
export class LinuxFilesystems implements Filesystems {
  constructor(
    @inject(CommandRunner) private readonly runner: CommandRunner,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
    @inject(FilesystemSettings) private readonly settings: FilesystemSettings,
  ) {}

  async probe(device: string, signal?: AbortSignal): Promise<ProbeResult> {
    assertDevicePath(device);
    let problem = '';
    for (let attempt = 1; attempt <= this.settings.probeAttempts; attempt += 1) {
      if (attempt > 1) await this.pause(signal);
      const result = await this.probeOnce(device, signal);
      if ('answer' in result) return result.answer;
      problem = result.problem;
      this.logger.warn('device probe inconclusive', { device, attempt, problem });
    }
    throw new DeviceNotReadyError(
      `${device} could not be probed after ${this.settings.probeAttempts} attempts (${problem}); ` +
        'it is left untouched while its content is unknown',
    );
  }

  async format(device: string, fsType: FsType, signal?: AbortSignal): Promise<void> {
    assertFsType(fsType);
    const found = await this.probe(device, signal);
    if (found.kind !== 'blank') {
      const holds = found.kind === 'filesystem' ? `a ${found.fsType} file system` : found.signature;
      throw new HostPreconditionError(`refusing to format ${device}: it already holds ${holds}`);
    }
    this.logger.info('formatting device', { device, fsType });
    await this.exec(MKFS[fsType](device), this.settings.formatTimeoutMs, signal);
  }

  async check(device: string, fsType: FsType, signal?: AbortSignal): Promise<CheckResult> {
    assertDevicePath(device);
    assertFsType(fsType);
    if (fsType === 'xfs') {
      return { outcome: 'skipped', detail: 'xfs replays its log at mount; xfs_repair would refuse a dirty log' };
    }
    const result = await this.runner.run(['e2fsck', '-p', device], { timeoutMs: this.settings.checkTimeoutMs, signal });
    const verdict = e2fsckVerdict(result.exitCode);
    const detail = toolDetail(result.stdout, result.stderr);
    if (!verdict.ok) {
      throw new HostCommandError('e2fsck', result.exitCode, `${detail}; ${device} needs a manual file system check`);
    }
    if (verdict.outcome === 'repaired') this.logger.warn('e2fsck repaired the file system', { device, exitCode: result.exitCode, detail });
    if (verdict.rebootAdvised) this.logger.warn('e2fsck advises a reboot; not needed for an unmounted volume', { device });
    return { outcome: verdict.outcome, detail };
  }

  async resize(device: string, mountPath: string, fsType: FsType, signal?: AbortSignal): Promise<void> {
    assertDevicePath(device);
    assertHostPath(mountPath, 'mount path');
    assertFsType(fsType);
    const argv = fsType === 'xfs' ? ['xfs_growfs', '-d', mountPath] : ['resize2fs', device];
    await this.exec(argv, this.settings.resizeTimeoutMs, signal);
  }

  async blockDeviceSize(device: string, signal?: AbortSignal): Promise<number> {
    assertDevicePath(device);
    const result = await this.exec(['blockdev', '--getsize64', device], this.settings.probeTimeoutMs, signal);
    const text = result.trim();
    if (!/^\d{1,16}$/.test(text)) throw new HostCommandError('blockdev', 0, `unexpected output ${describeValue(text)}`);
    return Number(text);
  }

  private async probeOnce(device: string, signal?: AbortSignal): Promise<ProbeAttempt> {
    let result;
    try {
      result = await this.runner.run(['blkid', '-p', '-o', 'export', device], { timeoutMs: this.settings.probeTimeoutMs, signal });
    } catch (error) {
      if (error instanceof HostCommandTimeoutError) return { problem: error.message };
      throw error;
    }
    if (result.exitCode === 0) return { answer: probeResultFromBlkid(result.stdout) };
    if (result.exitCode !== 2) return { problem: `blkid exit code ${result.exitCode}: ${toolDetail(result.stderr)}` };
    // blkid also exits 2, silently, when it cannot open the device or the device is empty (an
    // unattached loop device, a namespace that is not ready): trust "no signature" only for a
    // block device that really returns data.
    const readable = await readableBlockDevice(device);
    return readable === true ? { answer: { kind: 'blank' } } : { problem: `blkid found no signature, but ${readable}` };
  }

  private async exec(argv: string[], timeoutMs: number, signal?: AbortSignal): Promise<string> {
    const result = await this.runner.run(argv, { timeoutMs, signal });
    if (result.exitCode !== 0) throw new HostCommandError(argv[0]!, result.exitCode, toolDetail(result.stderr, result.stdout));
    return result.stdout;
  }

  private async pause(signal?: AbortSignal): Promise<void> {
    try {
      await this.clock.sleep(this.settings.probeIntervalMs, signal);
    } catch (error) {
      throw new AbortedByCallerError('device probe cancelled', { cause: error });
    }
  }
}

function assertFsType(fsType: string): asserts fsType is FsType {
  if (!(FS_TYPES as readonly string[]).includes(fsType)) {
    throw new InvalidArgumentError(`file system type ${describeValue(fsType)} is not supported; use ${FS_TYPES.join(', ')}`);
  }
}
