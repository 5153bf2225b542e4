import type { ServiceIdentifier } from 'inversify';

/** File systems this driver creates and mounts. */
export type FsType = 'ext3' | 'ext4' | 'xfs';
export const FS_TYPES: readonly FsType[] = ['ext3', 'ext4', 'xfs'];

export type ProbeResult =
  /** A file system signature, e.g. `ext4`, `xfs`, `swap` (not necessarily one of FsType). */
  | { readonly kind: 'filesystem'; readonly fsType: string }
  /** blkid answered explicitly that the device carries no signature at all: the only state format accepts. */
  | { readonly kind: 'blank' }
  /** Some other signature (partition table, RAID or LVM member, …): never format, never mount. */
  | { readonly kind: 'other'; readonly signature: string };

export type CheckResult =
  /** The check ran and the file system is consistent (possibly after replaying its journal or repairs). */
  | { readonly outcome: 'clean' | 'repaired'; readonly detail: string }
  /** No offline check is appropriate for this file system (xfs replays its log when mounted). */
  | { readonly outcome: 'skipped'; readonly detail: string };

/**
 * File systems on block devices. Devices are absolute `/dev/...` paths; every path is validated
 * before it reaches a command. Calls on different devices may run concurrently; callers serialise
 * calls on the same device (the volume lock).
 *
 * Errors: InvalidArgumentError (bad path or type), DeviceNotReadyError (device not readable after the
 * configured retries), HostPreconditionError (the device's state forbids the operation),
 * HostCommandError / HostCommandTimeoutError (a tool failed), AbortedByCallerError (signal).
 */
export interface Filesystems {
  /**
   * What the device holds. `blank` ONLY when blkid says so explicitly (exit code 2); any other blkid
   * failure (device not readable yet, I/O error, timeout) is retried with a pause and finally throws
   * DeviceNotReadyError. Never guesses "blank" (the reformat-after-reconnect data loss).
   */
  probe(device: string, signal?: AbortSignal): Promise<ProbeResult>;
  /**
   * Creates a file system. Probes first and throws HostPreconditionError unless the device is
   * blank, so an existing file system is never overwritten, whatever the caller believed.
   */
  format(device: string, fsType: FsType, signal?: AbortSignal): Promise<void>;
  /**
   * Pre-mount consistency policy that never blocks recovery after an unclean shutdown: ext* runs
   * `e2fsck -p` (preen: replays the journal, fixes safe problems; exit 0/1 fine, 2 fine but logged,
   * 4+ HostCommandError — needs a human); xfs is skipped because mounting replays its log and
   * `xfs_repair` refuses a dirty log. Never call on a mounted device.
   */
  check(device: string, fsType: FsType, signal?: AbortSignal): Promise<CheckResult>;
  /** Grows the file system to fill the device, online: resize2fs for ext*, xfs_growfs on `mountPath` for xfs. */
  resize(device: string, mountPath: string, fsType: FsType, signal?: AbortSignal): Promise<void>;
  /** Size of the block device in bytes (`blockdev --getsize64`). */
  blockDeviceSize(device: string, signal?: AbortSignal): Promise<number>;
}
export const Filesystems = Symbol.for('rds-csi.Filesystems') as ServiceIdentifier<Filesystems>;
