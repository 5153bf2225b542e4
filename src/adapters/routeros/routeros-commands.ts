import { parseVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { parseNqn } from '../../domain/nqn.js';
import type { Nqn } from '../../domain/nqn.js';
import { roundUpToAllocationUnit } from '../../domain/size.js';
import { parseBasePath, poolOf } from '../../domain/storage-path.js';
import type { BasePath } from '../../domain/storage-path.js';
import {
  checkAppliancePath,
  routerOsFileName,
  snapshotFilePath,
  volumeFilePath,
} from './routeros-file-names.js';
import {
  checkPort,
  escapeRouterOsRegex,
  formatRouterOsSize,
  literalRegex,
  quoteRouterOsString,
  routerOsValue,
} from './routeros-quoting.js';

/**
 * Builders for every RouterOS command the storage backend sends. Each value is validated again with the
 * domain parsers (branded types can be forged with a cast), so nothing reaches RouterOS unchecked.
 * Forms follow the Go driver's, which ran on hardware: slots, file paths and NQNs as command
 * arguments are bare (`slot=pvc-…`, `[find slot=pvc-…]`), names in `where`/`find name=` are quoted;
 * a value outside the bare shapes is quoted (see routerOsValue). Sizes are rounded up to the 1 MiB
 * allocation unit and written exactly, with the unit suffixes the Go driver used (`1536M`, `2G`).
 * The forms that are ours alone are listed in docs/rds-preparation.md and tried by `rds-csi doctor`.
 */

export interface ExportedDiskSpec {
  readonly id: VolumeId;
  readonly basePath: BasePath;
  readonly sizeBytes: number;
  readonly port: number;
  readonly nqn: Nqn;
}

const q = quoteRouterOsString;
const v = routerOsValue;
const slotValue = (slot: VolumeId, field = 'volume ID'): string => v(parseVolumeId(slot, field), field);
const slotFilter = (slot: VolumeId, field = 'volume ID'): string => `[find slot=${slotValue(slot, field)}]`;

/** The file-size argument: rounded up to 1 MiB, never floored. */
export function sizeArgument(bytes: number): string {
  return formatRouterOsSize(roundUpToAllocationUnit(bytes));
}

function exportedDiskArguments(spec: ExportedDiskSpec): string {
  const id = parseVolumeId(spec.id);
  return (
    `file-path=${v(volumeFilePath(spec.basePath, id), 'file path')} file-size=${sizeArgument(spec.sizeBytes)} ` +
    `slot=${slotValue(id)} nvme-tcp-export=yes nvme-tcp-server-port=${checkPort(spec.port)} ` +
    `nvme-tcp-server-nqn=${v(parseNqn(spec.nqn), 'NQN')}`
  );
}

export function addVolumeCommand(spec: ExportedDiskSpec): string {
  return `/disk add type=file ${exportedDiskArguments(spec)}`;
}

/** A new exported volume holding a copy of the disk in `sourceSlot` (a snapshot or a volume). */
export function addVolumeFromCommand(spec: ExportedDiskSpec, sourceSlot: VolumeId): string {
  return `/disk add type=file copy-from=${slotFilter(sourceSlot, 'source ID')} ${exportedDiskArguments(spec)}`;
}

export interface SnapshotDiskSpec {
  readonly id: VolumeId;
  readonly sourceVolumeId: VolumeId;
  readonly basePath: BasePath;
  readonly createdAt: number;
}

/** An unexported copy of a volume; lineage is carried by the file name (see routeros-file-names). */
export function addSnapshotCommand(spec: SnapshotDiskSpec): string {
  const path = snapshotFilePath(spec.basePath, spec.id, spec.sourceVolumeId, spec.createdAt);
  return (
    `/disk add type=file copy-from=${slotFilter(spec.sourceVolumeId, 'source volume ID')} ` +
    `file-path=${v(path, 'file path')} slot=${slotValue(spec.id, 'snapshot ID')}`
  );
}

export function printDiskCommand(slot: VolumeId): string {
  return `/disk print detail where slot=${slotValue(slot)}`;
}

/**
 * The disks exported under `nqn`: the volume that has it (its own, or another volume whose ID differs
 * only in case, as NQNs are lower case). One read answers both of CreateVolume's questions.
 */
export function printDisksByNqnCommand(nqn: Nqn): string {
  return `/disk print detail where nvme-tcp-server-nqn=${q(parseNqn(nqn), 'NQN')}`;
}

/** Every disk; filtering to this driver's volumes happens on the parsed records, exactly. */
export function printAllDisksCommand(): string {
  return '/disk print detail';
}

/** A plain word, so regex ("contains") and substring semantics agree; exact prefix is checked after parsing. */
export function printSnapshotDisksCommand(): string {
  return '/disk print detail where slot~"snap-"';
}

/** Read-only: the disks `[find slot=…]` selects (nothing is printed); `rds-csi doctor` tries the form with it. */
export function findDiskCommand(slot: VolumeId): string {
  return `/disk find slot=${slotValue(slot)}`;
}

export function resizeDiskCommand(slot: VolumeId, sizeBytes: number): string {
  return `/disk set ${slotFilter(slot)} file-size=${sizeArgument(sizeBytes)}`;
}

export function removeDiskCommand(slot: VolumeId): string {
  return `/disk remove ${slotFilter(slot)}`;
}

/** Exact name match without regex escaping (escaping here broke `/file remove` on hardware). */
export function removeFileCommand(path: string): string {
  return `/file remove [find name=${q(routerOsFileName(checkAppliancePath(path)), 'file name')}]`;
}

/**
 * Removes the file named `<id>.img` in `basePath` or any directory below it (where a StorageClass
 * volumePath may put it): a volume's backing file, found without reading its disk first. RouterOS
 * names have no leading slash; the pattern is anchored at both ends and has no backslash but the
 * `\$` the quoting adds.
 */
export function removeVolumeFileCommand(basePath: BasePath, id: VolumeId): string {
  return `/file remove [find name~${volumeFilePattern(basePath, id)}]`;
}

/** The files removeVolumeFileCommand removes (to learn whether a remove whose answer was lost took effect). */
export function printVolumeFilesCommand(basePath: BasePath, id: VolumeId): string {
  return `/file print detail where name~${volumeFilePattern(basePath, id)}`;
}

function volumeFilePattern(basePath: BasePath, id: VolumeId): string {
  const dir = literalRegex(routerOsFileName(parseBasePath(basePath)), 'base path');
  const file = literalRegex(`${parseVolumeId(id)}.img`, 'volume ID');
  return q(`^${dir}/${file}$|^${dir}/.+/${file}$`, 'file name pattern');
}

export function printFileCommand(path: string): string {
  return `/file print detail where name=${q(routerOsFileName(checkAppliancePath(path)), 'file name')}`;
}

/** Files whose name contains `<basePath>/<id>`: a snapshot's file when its disk is already gone. */
export function printFilesWithPrefixCommand(basePath: BasePath, id: VolumeId): string {
  const prefix = routerOsFileName(`${parseBasePath(basePath)}/${parseVolumeId(id)}`);
  return `/file print detail where name~${q(escapeRouterOsRegex(prefix), 'file name pattern')}`;
}

export function printPoolCommand(basePath: BasePath): string {
  return `/disk print detail where mount-point=${q(poolOf(parseBasePath(basePath)), 'pool')}`;
}

export function systemResourceCommand(): string {
  return '/system resource print';
}
