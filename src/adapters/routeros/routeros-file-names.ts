import { InvalidArgumentError } from '../../domain/errors.js';
import { describeValue, isValidVolumeId, parseVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { parseBasePath } from '../../domain/storage-path.js';
import type { BasePath } from '../../domain/storage-path.js';

/**
 * Backing-file names on the appliance. RouterOS echoes a disk's `file-path=` but no other metadata,
 * so a snapshot's lineage is encoded in its file name:
 *   volume:   <base>/<volumeId>.img                       (the Go driver's layout, kept compatible)
 *   snapshot: <base>/<snapId>--src--<sourceId>--t<createdAtMs>.img
 *             (or <base>/<snapId>.img, the Go driver's layout, which carries no lineage: snapshots it
 *             made, and ours whose lineage name would pass 255 bytes)
 */

/** Linux limit on one path component; longer snapshot names are refused before anything is sent. */
export const MAX_FILE_NAME_BYTES = 255;
const APPLIANCE_PATH_MAX_LENGTH = 512;
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export function volumeFilePath(basePath: BasePath, id: VolumeId): string {
  return `${parseBasePath(basePath)}/${parseVolumeId(id)}.img`;
}

export function snapshotFilePath(basePath: BasePath, id: VolumeId, sourceId: VolumeId, createdAt: number): string {
  if (!Number.isSafeInteger(createdAt) || createdAt < 0) {
    throw new InvalidArgumentError(`snapshot creation time ${String(createdAt)} is not a whole number of ms`);
  }
  const snapshotId = parseVolumeId(id, 'snapshot ID');
  const name = `${snapshotId}--src--${parseVolumeId(sourceId, 'source volume ID')}--t${createdAt}.img`;
  // Too long for one path component (a long source ID): the Go driver's layout, without lineage.
  if (name.length > MAX_FILE_NAME_BYTES) return `${parseBasePath(basePath)}/${snapshotId}.img`;
  return `${parseBasePath(basePath)}/${name}`;
}

export interface SnapshotLineage {
  readonly sourceVolumeId: VolumeId;
  readonly createdAt: number;
}

/** Reads lineage back from a snapshot's file path, strictly for `slot`; undefined for any other name. */
export function parseSnapshotLineage(slot: string, filePath: string): SnapshotLineage | undefined {
  const name = fileNameOf(filePath);
  const prefix = `${slot}--src--`;
  if (!name.startsWith(prefix)) return undefined;
  const match = /^(.+)--t([0-9]{1,16})\.img$/.exec(name.slice(prefix.length));
  if (!match || !isValidVolumeId(match[1]!)) return undefined;
  const createdAt = Number(match[2]);
  if (!Number.isSafeInteger(createdAt)) return undefined;
  return { sourceVolumeId: match[1] as VolumeId, createdAt };
}

export function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function directoryOf(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

/** RouterOS names files without the leading slash. */
export function routerOsFileName(path: string): string {
  return path.startsWith('/') ? path.slice(1) : path;
}

/**
 * Validates a path read from the appliance before it is sent back in a command: absolute, segments of
 * letters, digits, '.', '_' and '-', no '.'/'..' segment.
 */
export function isSafeAppliancePath(path: string): boolean {
  if (!path.startsWith('/') || path.length > APPLIANCE_PATH_MAX_LENGTH) return false;
  const segments = path.split('/').slice(1);
  return segments.length > 0 && segments.every((s) => PATH_SEGMENT.test(s) && s !== '.' && s !== '..');
}

export function checkAppliancePath(path: string, field = 'file path'): string {
  if (isSafeAppliancePath(path)) return path;
  throw new InvalidArgumentError(`${field} ${describeValue(path)} is not a safe appliance path`);
}
