import type { ServiceIdentifier } from 'inversify';
import type { FsType } from './filesystems.js';

/** One line of /proc/self/mountinfo, unescaped. */
export interface MountEntry {
  readonly mountId: number;
  readonly parentId: number;
  /** Device number of the mounted file system (for a block device: its major:minor). */
  readonly major: number;
  readonly minor: number;
  /** Path inside the file system that is mounted here ("/" unless a bind of a subdirectory). */
  readonly root: string;
  readonly mountPoint: string;
  /** Per-mount options, e.g. ["rw", "nosuid", "relatime"]. */
  readonly options: readonly string[];
  readonly fsType: string;
  /** Mount source, e.g. /dev/nvme1n1; "none" or a name for virtual file systems. */
  readonly source: string;
  readonly superOptions: readonly string[];
}

export interface VolumeUsage {
  readonly totalBytes: number;
  readonly availableBytes: number;
  readonly usedBytes: number;
  readonly totalInodes: number;
  readonly freeInodes: number;
  readonly usedInodes: number;
}

/** The mount visible at `path` in a mount table: the last one mounted there. */
export function topmostMount(table: readonly MountEntry[], path: string): MountEntry | undefined {
  for (let i = table.length - 1; i >= 0; i -= 1) if (table[i]!.mountPoint === path) return table[i];
  return undefined;
}

/**
 * Mounts on this node. Paths are absolute and validated before they reach a command. Mount options
 * go through a whitelist (InvalidArgumentError naming the refused option); nothing is added
 * implicitly (no forced `noexec`).
 *
 * Mount-storm guard: `mount` and `bind` refuse (HostPreconditionError) a source that already has the
 * configured number of mount entries (100 by default).
 *
 * Errors: InvalidArgumentError, HostPreconditionError, HostCommandError, HostCommandTimeoutError
 * (also when mountinfo cannot be read in time), AbortedByCallerError.
 * Concurrency: calls on different targets may run concurrently; callers serialise per volume.
 *
 * `snapshot` (mount and bind): a table from `listMounts` that the caller read after the last change it
 * made at these paths, under its volume lock. It stands in for the table these calls would otherwise
 * read first (for idempotence and the storm guard), so a caller that already needed the table reads
 * it once.
 */
export interface Mounts {
  /**
   * Mounts `device` on the existing directory `target`. Idempotent: already mounted there from the
   * same device with the same type and read-only state → no-op. Mounted from anything else, or with
   * the other read-only state → HostPreconditionError (never stacks a second mount).
   */
  mount(device: string, target: string, fsType: FsType, options: readonly string[], signal?: AbortSignal, snapshot?: readonly MountEntry[]): Promise<void>;
  /**
   * Bind-mounts the mount point `source` on the existing `target`, then remounts it read-only (and with
   * `options`) when asked; if that remount fails the bind is undone. `source` must be a mount point
   * (a staging directory that is not mounted → HostPreconditionError). Idempotent like `mount`.
   */
  bind(source: string, target: string, readonly: boolean, options?: readonly string[], signal?: AbortSignal, snapshot?: readonly MountEntry[]): Promise<void>;
  /** Unmounts every mount stacked on `target`. Idempotent: not mounted (or missing) → no-op. */
  unmount(target: string, signal?: AbortSignal): Promise<void>;
  /** The current mount table, read within a time and size bound. */
  listMounts(signal?: AbortSignal): Promise<MountEntry[]>;
  /** The topmost mount whose mount point is exactly `path`, if any. */
  findMount(path: string, signal?: AbortSignal): Promise<MountEntry | undefined>;
  /** Capacity and inode usage of the file system holding `path` (statfs). */
  usage(path: string): Promise<VolumeUsage>;
}
export const Mounts = Symbol.for('rds-csi.Mounts') as ServiceIdentifier<Mounts>;
