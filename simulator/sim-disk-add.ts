import { requireKnownArgs, splitUnnamed } from './routeros-command-parser.js';
import { RouterOsError } from './routeros-error.js';
import { itemIds, parsePort, parseSizeValue, parseYesNo } from './routeros-values.js';
import type { CommandHandler } from './sim-exec-context.js';
import { addParentDirectories, allocateId, formatId, poolFileName, poolFreeBytes, touchParent } from './sim-state.js';

const ADD_ARGS = [
  'type', 'file-path', 'file-size', 'slot', 'copy-from', 'nvme-tcp-export', 'nvme-tcp-server-port', 'nvme-tcp-server-nqn',
];
const SLOT_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * `/disk add type=file …` (new sparse file) and `/disk add type=file copy-from=[find slot=…] …` (copy).
 * Checks, in order: arguments, duplicate slot, existing file, pool space; only then touches the disk.
 * Missing parent directories inside the pool are created (lenient: real RouterOS behaviour unknown).
 * Without `slot=` the slot defaults to `file<N>`; with export and no port/NQN: 4420 and the driver's NQN form.
 */
export const addDisk: CommandHandler = async (ctx, command) => {
  requireKnownArgs(command, ADD_ARGS);
  splitUnnamed(command, [], 0);
  const args = new Map<string, Awaited<ReturnType<typeof ctx.evaluate>>>();
  for (const arg of command.named) args.set(arg.key, await ctx.evaluate(arg));
  const text = (key: string) => args.get(key)?.text;

  if (text('type') !== 'file') throw text('type') === undefined ? RouterOsError.failure('missing required parameters') : RouterOsError.invalidValue('type');
  const path = text('file-path');
  if (path === undefined) throw RouterOsError.failure('missing required parameters');
  const name = poolFileName(ctx.state, path, 'file-path');
  const filePath = `/${name}`;
  const sizeText = text('file-size');
  let size = sizeText === undefined ? undefined : parseSizeValue(sizeText, 'file-size');

  const copyFrom = args.get('copy-from');
  let sourceName: string | undefined;
  if (copyFrom !== undefined) {
    const ids = itemIds(copyFrom);
    const source = ctx.state.disks.find((d) => formatId(d.id) === ids[0]);
    if (source === undefined) throw RouterOsError.failure('no such item');
    sourceName = poolFileName(ctx.state, source.filePath, 'copy-from');
    if (size !== undefined && size < source.sizeBytes) throw RouterOsError.invalidValue('file-size');
    size ??= source.sizeBytes;
  }
  if (size === undefined) throw RouterOsError.failure('missing required parameters');

  const slot = text('slot') ?? `file${ctx.state.nextId + 1}`;
  if (!SLOT_PATTERN.test(slot)) throw RouterOsError.invalidValue('slot');
  const exported = text('nvme-tcp-export') === undefined ? false : parseYesNo(text('nvme-tcp-export')!, 'nvme-tcp-export');
  const port = text('nvme-tcp-server-port') === undefined ? 4420 : parsePort(text('nvme-tcp-server-port')!, 'nvme-tcp-server-port');
  const nqn = text('nvme-tcp-server-nqn') ?? `nqn.2000-02.com.mikrotik:${slot}`;

  if (ctx.state.disks.some((d) => d.slot === slot)) throw RouterOsError.failure('slot already exists');
  if (ctx.state.files[name] !== undefined || (await ctx.files.exists(name))) throw RouterOsError.failure('file already exists');
  if (size > poolFreeBytes(ctx.state)) throw RouterOsError.failure('not enough space');

  const parent = name.slice(0, name.lastIndexOf('/'));
  await ctx.files.ensureDirectory(parent);
  if (sourceName === undefined) await ctx.files.createSparse(name, size);
  else {
    await ctx.files.copy(sourceName, name);
    await ctx.files.grow(name, size);
  }
  addParentDirectories(ctx.state, name, ctx.now);
  touchParent(ctx.state, name, ctx.now);
  ctx.state.files[name] = { id: allocateId(ctx.state), type: 'file', sizeBytes: size, modifiedAt: ctx.now };
  ctx.state.disks.push({
    id: allocateId(ctx.state),
    slot,
    filePath,
    sizeBytes: size,
    ...(exported ? { nvmeExport: { port, nqn } } : {}),
  });
  ctx.markChanged();
  return undefined;
};
