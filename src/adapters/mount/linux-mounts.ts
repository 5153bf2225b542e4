import { realpathSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import { AbortedByCallerError, HostCommandError, HostPreconditionError, InvalidArgumentError } from '../../domain/errors.js';
import { describeValue } from '../../domain/ids.js';
import { CommandRunner } from '../../ports/command-runner.js';
import type { FsType } from '../../ports/filesystems.js';
import { FS_TYPES } from '../../ports/filesystems.js';
import { Logger } from '../../ports/logger.js';
import { topmostMount } from '../../ports/mounts.js';
import type { MountEntry, Mounts, VolumeUsage } from '../../ports/mounts.js';
import { toolDetail } from './fs-tool-output.js';
import { assertDevicePath, assertHostPath } from './host-paths.js';
import { bindOptions, isReadOnly, mountOptionsFor } from './mount-options.js';
import { MountSettings } from './mount-settings.js';
import { parseMountinfo } from './mountinfo-parser.js';
import { ProcFileReader } from './proc-file-reader.js';

/** More stacked mounts than this on one target means something else keeps mounting there. */
const MAX_STACKED_UNMOUNTS = 32;

/** Mounts through mount(8)/umount(8) and /proc/self/mountinfo. */
@injectable()
export class LinuxMounts implements Mounts {
  private readonly mountinfo: ProcFileReader;

  constructor(
    @inject(CommandRunner) private readonly runner: CommandRunner,
    @inject(Logger) private readonly logger: Logger,
    @inject(MountSettings) private readonly settings: MountSettings,
  ) {
    this.mountinfo = new ProcFileReader(settings.mountinfoPath, { timeoutMs: settings.mountinfoTimeoutMs, maxBytes: settings.mountinfoMaxBytes });
  }

  async listMounts(signal?: AbortSignal): Promise<MountEntry[]> {
    if (signal?.aborted) throw new AbortedByCallerError('reading the mount table was cancelled');
    return parseMountinfo(await this.mountinfo.read());
  }

  async findMount(path: string, signal?: AbortSignal): Promise<MountEntry | undefined> {
    assertHostPath(path, 'path');
    return topmostMount(await this.listMounts(signal), path);
  }

  async mount(device: string, target: string, fsType: FsType, options: readonly string[], signal?: AbortSignal, snapshot?: readonly MountEntry[]): Promise<void> {
    assertDevicePath(device);
    assertHostPath(target, 'mount target');
    if (!(FS_TYPES as readonly string[]).includes(fsType)) {
      throw new InvalidArgumentError(`file system type ${describeValue(fsType)} is not supported`);
    }
    const flags = mountOptionsFor(fsType, options);
    const readonly = isReadOnly(flags);
    const names = deviceNames(device);
    const table = snapshot ?? (await this.listMounts(signal));
    const existing = topmostMount(table, target);
    if (existing) {
      if (names.includes(existing.source) && existing.fsType === fsType) {
        return sameAccess(existing, readonly, target);
      }
      throw new HostPreconditionError(
        `${target} is already mounted from ${existing.source} (${existing.fsType}), not ${device}; unmount it first`,
      );
    }
    this.guardStorm(table.filter((e) => names.includes(e.source)).length, device);
    const argv = ['mount', '-t', fsType, ...(flags.length > 0 ? ['-o', flags.join(',')] : []), '--', device, target];
    await this.exec(argv, signal);
  }

  async bind(source: string, target: string, readonly: boolean, options: readonly string[] = [], signal?: AbortSignal, snapshot?: readonly MountEntry[]): Promise<void> {
    assertHostPath(source, 'bind source');
    assertHostPath(target, 'bind target');
    const extra = bindOptions(options);
    const table = snapshot ?? (await this.listMounts(signal));
    const origin = topmostMount(table, source);
    if (!origin) throw new HostPreconditionError(`${source} is not a mount point; refusing to bind an unmounted directory`);
    const existing = topmostMount(table, target);
    if (existing) {
      if (existing.major === origin.major && existing.minor === origin.minor && existing.root === origin.root) {
        return sameAccess(existing, readonly, target);
      }
      throw new HostPreconditionError(`${target} is already mounted from ${existing.source}${existing.root}, not ${source}; unmount it first`);
    }
    this.guardStorm(table.filter((e) => e.major === origin.major && e.minor === origin.minor).length, origin.source);
    await this.exec(['mount', '--bind', '--', source, target], signal);
    if (!readonly && extra.length === 0) return;
    const remount = ['remount', 'bind', ...(readonly ? ['ro'] : []), ...extra].join(',');
    try {
      await this.exec(['mount', '-o', remount, '--', target], signal);
    } catch (error) {
      // Never leave a writable bind behind when read-only was asked for.
      await this.runner.run(['umount', '--', target], { timeoutMs: this.settings.commandTimeoutMs }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Unmounts everything stacked on `target`. The table is read again only after a failed umount or
   * when more than one mount was stacked there: a umount that exits 0 has detached the topmost one,
   * so a single mount is gone without a second read.
   */
  async unmount(target: string, signal?: AbortSignal): Promise<void> {
    assertHostPath(target, 'unmount target');
    for (let i = 0; i < MAX_STACKED_UNMOUNTS; i += 1) {
      const stacked = (await this.listMounts(signal)).filter((e) => e.mountPoint === target);
      const mounted = stacked.at(-1);
      if (!mounted) return;
      const result = await this.runner.run(['umount', '--', target], { timeoutMs: this.settings.commandTimeoutMs, signal });
      if (result.exitCode === 0 && stacked.length === 1) return;
      if (result.exitCode !== 0 && (await this.findMount(target, signal))?.mountId === mounted.mountId) {
        throw new HostCommandError('umount', result.exitCode, toolDetail(result.stderr, result.stdout));
      }
    }
    throw new HostPreconditionError(`${target} still has mounts after ${MAX_STACKED_UNMOUNTS} unmounts`);
  }

  async usage(path: string): Promise<VolumeUsage> {
    assertHostPath(path, 'path');
    const s = await statfs(path, { bigint: true });
    return {
      totalBytes: Number(s.blocks * s.bsize),
      availableBytes: Number(s.bavail * s.bsize),
      usedBytes: Number((s.blocks - s.bfree) * s.bsize),
      totalInodes: Number(s.files),
      freeInodes: Number(s.ffree),
      usedInodes: Number(s.files - s.ffree),
    };
  }

  private guardStorm(entries: number, source: string): void {
    if (entries < this.settings.maxMountsPerSource) return;
    this.logger.error('mount storm guard refused a mount', { source, entries });
    throw new HostPreconditionError(
      `refusing to mount ${source}: it already has ${entries} mount entries (limit ${this.settings.maxMountsPerSource}); ` +
        'a mount storm is likely, inspect /proc/self/mountinfo',
    );
  }

  private async exec(argv: string[], signal?: AbortSignal): Promise<void> {
    const result = await this.runner.run(argv, { timeoutMs: this.settings.commandTimeoutMs, signal });
    if (result.exitCode !== 0) throw new HostCommandError(argv[0]!, result.exitCode, toolDetail(result.stderr, result.stdout));
  }
}

function sameAccess(existing: MountEntry, readonly: boolean, target: string): void {
  if (isReadOnly(existing.options) === readonly) return;
  throw new HostPreconditionError(
    `${target} is already mounted ${readonly ? 'read-write' : 'read-only'}; it was asked for ${readonly ? 'read-only' : 'read-write'}`,
  );
}

/**
 * The names mountinfo may show for a device: as given and with symlinks resolved. Resolved
 * synchronously: the path is checked to lie under /dev, whose entries the kernel keeps in memory.
 */
function deviceNames(device: string): string[] {
  let resolved = device;
  try {
    resolved = realpathSync.native(device);
  } catch {
    // A device that is not there (yet) is known by the name it was given.
  }
  return resolved === device ? [device] : [device, resolved];
}
