import { bareOrQuoted, formatList, indexPrefix, layoutRecord, quoteValue } from './routeros-record-layout.js';

/** A file-backed disk as the simulator prints it. */
export interface SimDisk {
  slot: string;
  /** RouterOS path with a leading slash, e.g. `/storage-pool/metal-csi/pvc-1.img`. */
  filePath: string;
  sizeBytes: number;
  nvmeExport?: { port: number; nqn: string };
}

/** The pool partition entry answered to `/disk print detail where mount-point="<pool>"`. */
export interface SimPool {
  name: string;
  sizeBytes: number;
  freeBytes: number;
}

export const DISK_FLAGS_HEADER = 'Flags: X - disabled, E - empty, B - blocked; M - mounted; F - formatting';
/** Continuation indent of disk records, as in the captured samples (routeros.md 3.3). */
export const DISK_INDENT = 15;

/** `53 687 091 200`: thousands separated by single spaces. */
export function groupDigits(n: number | bigint): string {
  const digits = BigInt(n) < 0n ? (-BigInt(n)).toString() : BigInt(n).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return BigInt(n) < 0n ? `-${grouped}` : grouped;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * One decimal, binary units. A unit is used only once the value is strictly above 1024 of the unit
 * below, which is how an exact 1 GiB comes out as `1024.0MiB` (routeros.md 3.3); below that: `512B`.
 */
export function formatHumanSize(bytes: number): string {
  if (bytes <= 1024) return `${bytes}B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value > 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)}${UNITS[unit]}`;
}

/** Field groups of one disk record, in the order of the "Real-format single disk" sample. */
export function diskFieldGroups(disk: SimDisk): string[][] {
  const exportFields = disk.nvmeExport
    ? [
        'nvme-tcp-export=yes',
        `nvme-tcp-server-port=${disk.nvmeExport.port}`,
        `nvme-tcp-server-nqn=${quoteValue(disk.nvmeExport.nqn)}`,
      ]
    : ['nvme-tcp-export=no'];
  return [
    [
      'type=file',
      `slot=${quoteValue(disk.slot)}`,
      'slot-default=""',
      'parent=""',
      'fs=-',
      `model=${quoteValue(disk.filePath)}`,
    ],
    [
      `size=${groupDigits(disk.sizeBytes)}`,
      'mount-filesystem=yes',
      'mount-read-only=no',
      'compress=no',
      'sector-size=512',
      'raid-master=none',
    ],
    [
      ...exportFields,
      'nvme-tcp-server-allow-host-name=""',
      'iscsi-export=no',
      'nfs-sharing=no',
      'smb-sharing=no',
      'media-sharing=no',
      'media-interface=none',
      'swap=no',
    ],
    [`file-path=${bareOrQuoted(disk.filePath)}`],
    [`file-size=${formatHumanSize(disk.sizeBytes)}`, 'file-offset=0'],
  ];
}

export function poolFieldGroups(pool: SimPool): string[][] {
  const used = pool.sizeBytes - pool.freeBytes;
  const use = pool.sizeBytes > 0 ? Math.round((used / pool.sizeBytes) * 100) : 0;
  return [
    [
      `slot=${pool.name}`,
      'type=partition',
      `mount-point=${pool.name}`,
      'file-system=btrfs',
      `size=${groupDigits(pool.sizeBytes)}`,
      `free=${groupDigits(pool.freeBytes)}`,
      `use=${use}%`,
    ],
  ];
}

/** Entries of a `/disk print detail` answer: disks and, where the filter selected it, the pool. */
export type DiskListEntry = { kind: 'disk'; disk: SimDisk } | { kind: 'pool'; pool: SimPool };

export function formatDiskEntries(entries: readonly DiskListEntry[], opts: { indexed?: boolean } = {}): string {
  const indexed = opts.indexed ?? true;
  const records = entries.map((entry, i) => {
    const prefix = indexed ? indexPrefix(i, entries.length, '  ') : '';
    const groups = entry.kind === 'disk' ? diskFieldGroups(entry.disk) : poolFieldGroups(entry.pool);
    return layoutRecord(prefix, DISK_INDENT, groups);
  });
  return formatList(DISK_FLAGS_HEADER, records);
}

/** The full `/disk print detail` answer for these disks: Flags header, indexed records, CRLF. */
export function formatDiskDetail(disks: readonly SimDisk[], opts: { indexed?: boolean } = {}): string {
  return formatDiskEntries(
    disks.map((disk) => ({ kind: 'disk', disk })),
    opts,
  );
}
