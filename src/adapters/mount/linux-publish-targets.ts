import { inject, injectable } from 'inversify';
import { lstat, mkdir, rm, rmdir, stat } from 'node:fs/promises';
import { HostCommandError, HostPreconditionError } from '../../domain/errors.js';
import { CommandRunner } from '../../ports/command-runner.js';
import type { PathKind, PublishTargets } from '../../ports/publish-targets.js';
import { assertDevicePath, assertHostPath } from './host-paths.js';

const TIMEOUT_MS = 30_000;

/** Publish targets on Linux: directories, mknod'ed block nodes, read-only loop views. */
@injectable()
export class LinuxPublishTargets implements PublishTargets {
  constructor(@inject(CommandRunner) private readonly runner: CommandRunner) {}

  async kindOf(path: string): Promise<PathKind> {
    try {
      const info = await lstat(assertHostPath(path, 'path'));
      if (info.isDirectory()) return 'directory';
      if (info.isBlockDevice()) return 'block-device';
      return info.isFile() ? 'file' : 'other';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw error;
    }
  }

  async ensureDirectory(path: string): Promise<void> {
    await mkdir(assertHostPath(path, 'target path'), { recursive: true, mode: 0o750 });
  }

  async createBlockNode(device: string, target: string, readonly: boolean, signal?: AbortSignal): Promise<{ readOnlyView?: string }> {
    assertDevicePath(device);
    assertHostPath(target, 'target path');
    const view = readonly ? await this.readOnlyView(device, signal) : undefined;
    const source = view ?? device;
    const { major, minor } = await deviceNumbers(source);
    const existing = await this.kindOf(target);
    if (existing === 'block-device') {
      const current = await deviceNumbers(target);
      if (current.major === major && current.minor === minor) return view ? { readOnlyView: view } : {};
      await rm(target);
    } else if (existing !== 'missing') {
      throw new HostPreconditionError(`target ${target} exists and is not a block device node; refusing to replace it`);
    }
    await this.run(['mknod', '-m', readonly ? '0440' : '0660', target, 'b', String(major), String(minor)], signal);
    return view ? { readOnlyView: view } : {};
  }

  /**
   * The empty directory a filesystem publish made is removed with one rmdir, which the kernel refuses
   * for a non-empty directory or a mount point; anything that is not a directory is looked at first.
   */
  async removeTarget(path: string): Promise<void> {
    assertHostPath(path, 'target path');
    try {
      return await rmdir(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new HostPreconditionError(`target ${path} is not empty; refusing to delete it (is it still mounted?)`);
      if (code === 'EBUSY') throw new HostPreconditionError(`target ${path} is a mount point; refusing to delete it (unmount it first)`);
      if (code !== 'ENOTDIR') throw error;
    }
    const kind = await this.kindOf(path);
    if (kind === 'missing') return;
    if (kind === 'block-device') return rm(path);
    if (kind === 'file' && (await stat(path)).size === 0) return rm(path);
    const what = kind === 'file' ? 'a file with content' : 'not a directory, block device or regular file (a symbolic link?)';
    throw new HostPreconditionError(`target ${path} is ${what}; refusing to delete it`);
  }

  async releaseReadOnlyView(view: string, signal?: AbortSignal): Promise<void> {
    assertDevicePath(view, 'read-only view');
    if (!/^\/dev\/loop\d+$/.test(view)) throw new HostPreconditionError(`${view} is not a loop device; refusing to detach it`);
    const result = await this.runner.run(['losetup', '-d', view], { timeoutMs: TIMEOUT_MS, ...(signal ? { signal } : {}) });
    if (result.exitCode !== 0 && !/No such device|not a loop|No such device or address/i.test(result.stderr)) {
      throw new HostCommandError('losetup', result.exitCode, result.stderr.trim());
    }
  }

  async isBlockDevice(path: string): Promise<boolean> {
    try {
      return (await stat(path)).isBlockDevice();
    } catch {
      return false;
    }
  }

  private async readOnlyView(device: string, signal?: AbortSignal): Promise<string> {
    const out = await this.run(['losetup', '--find', '--show', '--read-only', device], signal);
    return assertDevicePath(out.trim(), 'read-only view');
  }

  private async run(argv: string[], signal?: AbortSignal): Promise<string> {
    const result = await this.runner.run(argv, { timeoutMs: TIMEOUT_MS, ...(signal ? { signal } : {}) });
    if (result.exitCode !== 0) throw new HostCommandError(argv[0]!, result.exitCode, result.stderr.trim());
    return result.stdout;
  }
}

/** The major and minor numbers of a block special file (Linux dev_t encoding). */
async function deviceNumbers(path: string): Promise<{ major: number; minor: number }> {
  const info = await stat(path, { bigint: true });
  if (!info.isBlockDevice()) throw new HostPreconditionError(`${path} is not a block device`);
  const dev = info.rdev;
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return { major, minor };
}
