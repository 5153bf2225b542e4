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
import { checkPort, escapeRouterOsRegex, formatRouterOsSize, quoteRouterOsString } from './routeros-quoting.js';

/**
 * Builders for every RouterOS command the storage backend sends. Each value is validated again with the
 * domain parsers (branded types can be forged with a cast) and then quoted, so nothing reaches RouterOS
 * unchecked. Sizes are rounded up to the 1 MiB allocation unit and written exactly.
 */

export interface ExportedDiskSpec {
  readonly id: VolumeId;
  readonly basePath: BasePath;
  readonly sizeBytes: number;
  readonly port: number;
  readonly nqn: Nqn;
}

const q = quoteRouterOsString;
const slotFilter = (slot: VolumeId, field = 'volume ID'): string => `[find slot=${q(parseVolumeId(slot, field), field)}]`;

/** The file-size argument: rounded up to 1 MiB, never floored. */
export function sizeArgument(bytes: number): string {
  return formatRouterOsSize(roundUpToAllocationUnit(bytes));
}

function exportedDiskArguments(spec: ExportedDiskSpec): string {
  const id = parseVolumeId(spec.id);
  return (
    `file-path=${q(volumeFilePath(spec.basePath, id), 'file path')} file-size=${sizeArgument(spec.sizeBytes)} ` +
    `slot=${q(id, 'volume ID')} nvme-tcp-export=yes nvme-tcp-server-port=${checkPort(spec.port)} ` +
    `nvme-tcp-server-nqn=${q(parseNqn(spec.nqn), 'NQN')}`
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
    `file-path=${q(path, 'file path')} slot=${q(parseVolumeId(spec.id, 'snapshot ID'), 'snapshot ID')}`
  );
}

export function printDiskCommand(slot: VolumeId): string {
  return `/disk print detail where slot=${q(parseVolumeId(slot), 'volume ID')}`;
}

/** Every disk; filtering to this driver's volumes happens on the parsed records, exactly. */
export function printAllDisksCommand(): string {
  return '/disk print detail';
}

/** A plain word, so regex ("contains") and substring semantics agree; exact prefix is checked after parsing. */
export function printSnapshotDisksCommand(): string {
  return '/disk print detail where slot~"snap-"';
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
