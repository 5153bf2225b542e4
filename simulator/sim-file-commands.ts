import { requireKnownArgs, splitUnnamed } from './routeros-command-parser.js';
import { RouterOsError } from './routeros-error.js';
import { formatHumanSize } from './routeros-format.js';
import { type SimFileEntry, fileTypeLabel, formatFileDetail, formatTimestamp } from './routeros-status-format.js';
import { buildConditions, matchesAll } from './routeros-values.js';
import { type CommandHandler, type ExecContext, targetIds } from './sim-exec-context.js';
import { addParentDirectories, allocateId, formatId, poolFileName, touchParent } from './sim-state.js';

const FILE_PROPERTIES = ['name', 'type', 'size', 'last-modified'] as const;

interface ListedFile {
  id: number;
  entry: SimFileEntry;
  properties: Record<string, string>;
}

/** /file entries sorted by name; names have no leading slash, as RouterOS prints them. */
function listFiles(ctx: ExecContext): ListedFile[] {
  return Object.entries(ctx.state.files)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, f]) => {
      const entry: SimFileEntry = { name, type: f.type, sizeBytes: f.sizeBytes, modifiedAt: f.modifiedAt };
      return {
        id: f.id,
        entry,
        properties: {
          name,
          type: fileTypeLabel(entry),
          size: f.type === 'file' ? formatHumanSize(f.sizeBytes) : '',
          'last-modified': formatTimestamp(f.modifiedAt),
        },
      };
    });
}

async function selectFiles(ctx: ExecContext, command: Parameters<CommandHandler>[1]): Promise<ListedFile[]> {
  const conditions = await buildConditions(command.where, FILE_PROPERTIES, ctx.evaluate);
  return listFiles(ctx).filter((f) => matchesAll(f.properties, conditions));
}

const print: CommandHandler = async (ctx, command) => {
  requireKnownArgs(command, []);
  splitUnnamed(command, ['detail', 'without-paging'], 0);
  ctx.print(formatFileDetail((await selectFiles(ctx, command)).map((f) => f.entry)));
  return undefined;
};

/** `find name="…"` also accepts the name with a leading slash (lenient; RouterOS names have none). */
const find: CommandHandler = async (ctx, command) => {
  requireKnownArgs(command, []);
  splitUnnamed(command, [], 0);
  for (const arg of command.where) {
    const first = arg.pieces[0];
    if (arg.key === 'name' && arg.op === '=' && first?.kind === 'text' && first.text.startsWith('/')) {
      arg.pieces = [{ ...first, text: first.text.slice(1) }, ...arg.pieces.slice(1)];
    }
  }
  const ids = (await selectFiles(ctx, command)).map((f) => formatId(f.id));
  return { text: ids.join(';'), ids };
};

/**
 * Deletes files and empty directories. Refused: the pool root, non-empty directories, and files still
 * backing a disk (`failure: file is in use`; the driver removes the disk first).
 */
const remove: CommandHandler = async (ctx, command) => {
  requireKnownArgs(command, ['numbers']);
  const { items } = splitUnnamed(command, [], 1);
  const ids = await targetIds(ctx, command, items[0]);
  if (ids === undefined) return undefined;
  const names = ids.map((id) => {
    const found = Object.entries(ctx.state.files).find(([, f]) => formatId(f.id) === id);
    if (found === undefined) throw RouterOsError.failure('no such item');
    return found;
  });
  for (const [name, file] of names) {
    if (name === ctx.state.poolName) throw RouterOsError.failure('can not remove mount point');
    if (ctx.state.disks.some((d) => d.filePath === `/${name}`)) throw RouterOsError.failure('file is in use');
    if (file.type === 'directory' && Object.keys(ctx.state.files).some((n) => n.startsWith(`${name}/`))) {
      throw RouterOsError.failure('directory is not empty');
    }
  }
  for (const [name, file] of names) {
    if (file.type === 'directory') await ctx.files.removeDirectory(name);
    else await ctx.files.removeFile(name);
    delete ctx.state.files[name];
    touchParent(ctx.state, name, ctx.now);
    ctx.markChanged();
  }
  return undefined;
};

/**
 * `/file add type=directory name=<pool>/<dir>` (RouterOS 7), how an operator prepares the volume base
 * path. Missing parents are created too; an existing name is refused (`failure: file already exists`).
 */
const add: CommandHandler = async (ctx, command) => {
  requireKnownArgs(command, ['type', 'name']);
  splitUnnamed(command, [], 0);
  const args = new Map<string, string | undefined>();
  for (const arg of command.named) args.set(arg.key, (await ctx.evaluate(arg)).text);
  const type = args.get('type');
  const path = args.get('name');
  if (type === undefined || path === undefined) throw RouterOsError.failure('missing required parameters');
  if (type !== 'directory') throw RouterOsError.invalidValue('type');
  const name = poolFileName(ctx.state, path, 'name');
  if (ctx.state.files[name] !== undefined) throw RouterOsError.failure('file already exists');
  await ctx.files.ensureDirectory(name);
  addParentDirectories(ctx.state, name, ctx.now);
  touchParent(ctx.state, name, ctx.now);
  ctx.state.files[name] = { id: allocateId(ctx.state), type: 'directory', sizeBytes: 0, modifiedAt: ctx.now };
  ctx.markChanged();
  return undefined;
};

export const FILE_COMMANDS: Readonly<Record<string, CommandHandler>> = { print, find, remove, add };
