import { InvalidArgumentError } from '../../domain/errors.js';
import { describeValue } from '../../domain/ids.js';
import type { FsType } from '../../ports/filesystems.js';

/**
 * Mount options a volume may ask for. Only options that restrict or tune are admitted; those that lift
 * a restriction (`suid`, `dev`, `exec`), change the mount's nature (`bind`, `remount`, `move`, `loop`)
 * or point elsewhere (`context=`, `uid=`) are refused. Only one option is ever added: `nouuid` on
 * XFS, because a restored snapshot or a clone carries its source's file system UUID and XFS refuses to
 * mount a UUID that is already mounted on the node (seen on a real NVMe/TCP stack: the restore of a
 * volume whose source is staged on the same node failed to stage). No forced `noexec`, which breaks
 * workloads that run programs from their volume.
 */
const PER_MOUNT = ['nosuid', 'nodev', 'noexec', 'noatime', 'nodiratime', 'relatime', 'strictatime', 'lazytime', 'nolazytime'];
const COMMON = [...PER_MOUNT, 'ro', 'rw', 'sync', 'async', 'discard', 'nodiscard', 'defaults'];
const EXT = ['data=ordered', 'data=journal', 'data=writeback', 'errors=remount-ro', 'errors=continue', 'noauto_da_alloc'];
const XFS = ['inode64', 'inode32', 'nouuid', 'largeio', 'nolargeio', 'noquota', 'uquota', 'gquota', 'pquota', 'prjquota'];
const EXT_COMMIT = /^commit=([1-9]\d{0,2})$/;

const BY_TYPE: Record<FsType, ReadonlySet<string>> = {
  ext3: new Set([...COMMON, ...EXT]),
  ext4: new Set([...COMMON, ...EXT]),
  xfs: new Set([...COMMON, ...XFS]),
};

/** Validated options for `mount -t <fsType> -o …`, de-duplicated, `defaults` dropped. */
export function mountOptionsFor(fsType: FsType, options: readonly string[]): string[] {
  const allowed = BY_TYPE[fsType];
  const accepted = dedupe(options, (o) => allowed.has(o) || (fsType !== 'xfs' && EXT_COMMIT.test(o)), fsType);
  const result = accepted.filter((o) => o !== 'defaults');
  return fsType === 'xfs' && !result.includes('nouuid') ? [...result, 'nouuid'] : result;
}

const FS_LEVEL = new Set([...COMMON, ...EXT, ...XFS].filter((o) => !PER_MOUNT.includes(o)));

/**
 * Validated extra options for a bind mount (NodePublish). Kubelet passes a StorageClass's
 * mountOptions to NodePublish as well as to NodeStage: per-mount flags are applied to the bind;
 * options of the file system itself (`discard`, `data=…`, `inode64`, `ro`, …), which NodeStage
 * applied, are dropped here instead of failing every pod (`ro` of a publish comes from its readonly
 * flag). Anything neither list admits is refused, as at stage.
 */
export function bindOptions(options: readonly string[]): string[] {
  const perMount = new Set(PER_MOUNT);
  const own = options.filter((o) => !(FS_LEVEL.has(o) || EXT_COMMIT.test(o)));
  return dedupe(own, (o) => perMount.has(o), 'a bind mount');
}

/** Whether per-mount options say read-only. */
export function isReadOnly(options: readonly string[]): boolean {
  return options.includes('ro');
}

function dedupe(options: readonly string[], allowed: (o: string) => boolean, what: string): string[] {
  const seen = new Set<string>();
  for (const option of options) {
    if (!allowed(option)) {
      throw new InvalidArgumentError(`mount option ${describeValue(option)} is not allowed for ${what}`);
    }
    seen.add(option);
  }
  for (const [a, b] of [['ro', 'rw'], ['sync', 'async'], ['discard', 'nodiscard'], ['lazytime', 'nolazytime']] as const) {
    if (seen.has(a) && seen.has(b)) throw new InvalidArgumentError(`mount options ${a} and ${b} contradict each other`);
  }
  return [...seen];
}
