import { isValidVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { parseNqn } from '../../domain/nqn.js';
import type { Nqn } from '../../domain/nqn.js';
import type { BasePath } from '../../domain/storage-path.js';
import type { PoolCapacity, SnapshotInfo, VolumeInfo } from '../../ports/storage-backend.js';
import { directoryOf, fileNameOf, parseSnapshotLineage } from './routeros-file-names.js';
import type { DiskRecord } from './routeros-output.js';

/** Pure mapping from parsed RouterOS disks to the port's types, and "is this ours?" filters. */

/** Undefined when the record lacks what a volume needs (a valid slot, a backing file, a size). */
export function toVolumeInfo(disk: DiskRecord): VolumeInfo | undefined {
  if (!isValidVolumeId(disk.slot) || disk.filePath === undefined || disk.sizeBytes === undefined) return undefined;
  const nqn = disk.exported ? validNqn(disk.nvmeNqn) : undefined;
  const port = disk.nvmePort;
  return {
    id: disk.slot as VolumeId,
    sizeBytes: disk.sizeBytes,
    filePath: disk.filePath,
    ...(nqn !== undefined && port !== undefined && port >= 1 && port <= 65535 ? { nvme: { port, nqn } } : {}),
  };
}

export function toSnapshotInfo(disk: DiskRecord): SnapshotInfo | undefined {
  if (!isValidVolumeId(disk.slot) || disk.filePath === undefined || disk.sizeBytes === undefined) return undefined;
  const lineage = parseSnapshotLineage(disk.slot, disk.filePath);
  return {
    id: disk.slot as VolumeId,
    sizeBytes: disk.sizeBytes,
    filePath: disk.filePath,
    ...(lineage ?? {}),
  };
}

/** This driver's volume: exported, named `<slot>.img`, in `basePath` when given. */
export function isDriverVolume(disk: DiskRecord, basePath?: BasePath): boolean {
  if (!disk.exported || !isValidVolumeId(disk.slot) || disk.filePath === undefined) return false;
  if (disk.type !== undefined && disk.type !== 'file') return false;
  return basePath === undefined
    ? fileNameOf(disk.filePath) === `${disk.slot}.img`
    : disk.filePath === `${basePath}/${disk.slot}.img`;
}

/**
 * A snapshot: unexported, slot `snap-…`, its file within `basePath` when given (in it or below: a
 * VolumeSnapshotClass volumePath may name a sub-directory, and the Go driver listed every snap- disk).
 */
export function isDriverSnapshot(disk: DiskRecord, basePath?: BasePath): boolean {
  if (disk.exported || !disk.slot.startsWith('snap-') || !isValidVolumeId(disk.slot) || disk.filePath === undefined) {
    return false;
  }
  if (disk.type !== undefined && disk.type !== 'file') return false;
  const directory = directoryOf(disk.filePath);
  return basePath === undefined || directory === basePath || directory.startsWith(`${basePath}/`);
}

/** The pool entry of a `where mount-point=` answer. */
export function capacityOf(disks: readonly DiskRecord[], pool: string): PoolCapacity | undefined {
  const entry = disks.find(
    (d) => (d.mountPoint === pool || d.slot === pool) && d.sizeBytes !== undefined && d.freeBytes !== undefined,
  );
  return entry ? { totalBytes: entry.sizeBytes!, freeBytes: entry.freeBytes! } : undefined;
}

function validNqn(value: string | undefined): Nqn | undefined {
  if (value === undefined) return undefined;
  try {
    return parseNqn(value);
  } catch {
    return undefined;
  }
}
