import type { ServiceIdentifier } from 'inversify';

export interface MountSettings {
  /** Normally /proc/self/mountinfo; tests point it at a fixture, rewritten in place (it is read through one descriptor). */
  readonly mountinfoPath: string;
  readonly mountinfoTimeoutMs: number;
  readonly mountinfoMaxBytes: number;
  /** Mount-storm guard: mount/bind refuse a source that already has this many entries. */
  readonly maxMountsPerSource: number;
  /** Time limit of mount and umount. */
  readonly commandTimeoutMs: number;
}
export const MountSettings = Symbol.for('rds-csi.MountSettings') as ServiceIdentifier<MountSettings>;

export const DEFAULT_MOUNT_SETTINGS: MountSettings = {
  mountinfoPath: '/proc/self/mountinfo',
  mountinfoTimeoutMs: 10_000,
  mountinfoMaxBytes: 64 * 1024 * 1024,
  maxMountsPerSource: 100,
  commandTimeoutMs: 60_000,
};

export interface FilesystemSettings {
  /** blkid attempts before a device counts as not ready (each non-answer waits `probeIntervalMs`). */
  readonly probeAttempts: number;
  readonly probeIntervalMs: number;
  /** Time limit of blkid and blockdev. */
  readonly probeTimeoutMs: number;
  readonly formatTimeoutMs: number;
  readonly checkTimeoutMs: number;
  readonly resizeTimeoutMs: number;
}
export const FilesystemSettings = Symbol.for('rds-csi.FilesystemSettings') as ServiceIdentifier<FilesystemSettings>;

export const DEFAULT_FILESYSTEM_SETTINGS: FilesystemSettings = {
  probeAttempts: 5,
  probeIntervalMs: 2_000,
  probeTimeoutMs: 30_000,
  formatTimeoutMs: 10 * 60_000,
  checkTimeoutMs: 10 * 60_000,
  resizeTimeoutMs: 10 * 60_000,
};
