import { requireKnownArgs, splitUnnamed } from './routeros-command-parser.js';
import { RouterOsError } from './routeros-error.js';
import { type DiskListEntry, formatDiskEntries, formatHumanSize } from './routeros-format.js';
import { formatMonitorTraffic } from './routeros-status-format.js';
import { buildConditions, matchesAll, parsePort, parseYesNo } from './routeros-values.js';
import { type CommandHandler, type ExecContext, targetIds } from './sim-exec-context.js';
import { POOL_ID, type StoredDisk, formatId, poolFreeBytes } from './sim-state.js';
import { addDisk } from './sim-disk-add.js';
import { resizeDisk } from './sim-disk-resize.js';

const DISK_PROPERTIES = [
  'slot', 'type', 'model', 'parent', 'fs', 'size', 'mount-point', 'file-path', 'file-size',
  'nvme-tcp-export', 'nvme-tcp-server-port', 'nvme-tcp-server-nqn',
] as const;

interface Listed {
  id: number;
  entry: DiskListEntry;
  properties: Record<string, string>;
}

/** The /disk list: the pool partition first, then file disks in creation order. */
function listDisks(state: ExecContext['state']): Listed[] {
  const pool = { name: state.poolName, sizeBytes: state.poolSizeBytes, freeBytes: poolFreeBytes(state) };
  const poolEntry: Listed = {
    id: POOL_ID,
    entry: { kind: 'pool', pool },
    properties: { slot: pool.name, type: 'partition', 'mount-point': pool.name, size: String(pool.sizeBytes), fs: 'btrfs' },
  };
  return [poolEntry, ...state.disks.map((disk) => ({ id: disk.id, entry: { kind: 'disk' as const, disk }, properties: diskProperties(disk) }))];
}

function diskProperties(disk: StoredDisk): Record<string, string> {
  return {
    slot: disk.slot,
    type: 'file',
    model: disk.filePath,
    parent: '',
    fs: '-',
    size: String(disk.sizeBytes),
    'mount-point': '',
    'file-path': disk.filePath,
    'file-size': formatHumanSize(disk.sizeBytes),
    'nvme-tcp-export': disk.nvmeExport ? 'yes' : 'no',
    'nvme-tcp-server-port': disk.nvmeExport ? String(disk.nvmeExport.port) : '',
    'nvme-tcp-server-nqn': disk.nvmeExport?.nqn ?? '',
  };
}

async function selectDisks(ctx: ExecContext, command: Parameters<CommandHandler>[1]): Promise<Listed[]> {
  const conditions = await buildConditions(command.where, DISK_PROPERTIES, ctx.evaluate);
  return listDisks(ctx.state).filter((d) => matchesAll(d.properties, conditions));
}

/** The file disks named by ids; unknown ids fail with `no such item`, the pool partition with `disk is in use`. */
export function disksByIds(ctx: ExecContext, ids: readonly string[]): StoredDisk[] {
  return ids.map((id) => {
    if (id === formatId(POOL_ID)) throw RouterOsError.failure('disk is in use');
    const disk = ctx.state.disks.find((d) => formatId(d.id) === id);
    if (disk === undefined) throw RouterOsError.failure('no such item');
    return disk;
  });
}

const print: CommandHandler = async (ctx, command) => {
  requireKnownArgs(command, []);
  splitUnnamed(command, ['detail', 'without-paging'], 0);
  ctx.print(formatDiskEntries((await selectDisks(ctx, command)).map((d) => d.entry)));
  return undefined;
};

const find: CommandHandler = async (ctx, command) => {
  requireKnownArgs(command, []);
  splitUnnamed(command, [], 0);
  const ids = (await selectDisks(ctx, command)).map((d) => formatId(d.id));
  return { text: ids.join(';'), ids };
};

/** Removes disk entries only: the backing file stays, as on real RDS (routeros.md 3.2). */
const remove: CommandHandler = async (ctx, command) => {
  requireKnownArgs(command, ['numbers']);
  const { items } = splitUnnamed(command, [], 1);
  const ids = await targetIds(ctx, command, items[0]);
  if (ids === undefined) return undefined;
  const doomed = new Set(disksByIds(ctx, ids));
  ctx.state.disks = ctx.state.disks.filter((d) => !doomed.has(d));
  ctx.markChanged();
  return undefined;
};

const set: CommandHandler = async (ctx, command) => {
  requireKnownArgs(command, ['numbers', 'file-size', 'nvme-tcp-export', 'nvme-tcp-server-port', 'nvme-tcp-server-nqn']);
  const { items } = splitUnnamed(command, [], 1);
  const ids = await targetIds(ctx, command, items[0]);
  if (ids === undefined) return undefined;
  const disks = disksByIds(ctx, ids);
  const arg = async (key: string) => {
    const found = command.named.find((a) => a.key === key);
    return found ? (await ctx.evaluate(found)).text : undefined;
  };
  const size = await arg('file-size');
  const exp = await arg('nvme-tcp-export');
  const port = await arg('nvme-tcp-server-port');
  const nqn = await arg('nvme-tcp-server-nqn');
  for (const disk of disks) {
    if (size !== undefined) await resizeDisk(ctx, disk, size);
    const exported = exp === undefined ? disk.nvmeExport !== undefined : parseYesNo(exp, 'nvme-tcp-export');
    if (exported) {
      disk.nvmeExport = {
        port: port === undefined ? (disk.nvmeExport?.port ?? 4420) : parsePort(port, 'nvme-tcp-server-port'),
        nqn: nqn ?? disk.nvmeExport?.nqn ?? `nqn.2000-02.com.mikrotik:${disk.slot}`,
      };
    } else delete disk.nvmeExport;
    ctx.markChanged();
  }
  return undefined;
};

/** `/disk monitor-traffic <slot|id> once`; only the `once` form is simulated. */
const monitorTraffic: CommandHandler = async (ctx, command) => {
  requireKnownArgs(command, []);
  const { flags, items } = splitUnnamed(command, ['once'], 1);
  const target = items[0];
  if (target === undefined) throw new RouterOsError('missing value(s) of argument(s) numbers');
  if (!flags.has('once')) throw RouterOsError.failure('simulator supports only monitor-traffic ... once');
  const name = (await ctx.evaluate({ key: 'numbers', op: '=', pieces: target.pieces, word: target })).text;
  const entry = listDisks(ctx.state).find((d) => d.properties.slot === name || formatId(d.id) === name);
  if (entry === undefined) throw RouterOsError.failure('no such item');
  ctx.print(formatMonitorTraffic(entry.properties.slot!));
  return undefined;
};

export const DISK_COMMANDS: Readonly<Record<string, CommandHandler>> = {
  add: addDisk,
  print,
  find,
  remove,
  set,
  'monitor-traffic': monitorTraffic,
};
