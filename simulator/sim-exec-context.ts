import type { OutputVariants } from './output-variants.js';
import type { ParsedCommand } from './routeros-command-parser.js';
import { RouterOsError } from './routeros-error.js';
import type { Evaluate, Value } from './routeros-values.js';
import { itemIds } from './routeros-values.js';
import type { SimBackingFiles } from './sim-backing-files.js';
import type { SimState } from './sim-state.js';

/** What a command handler sees while one exec request runs (under the state lock). */
export interface ExecContext {
  state: SimState;
  files: SimBackingFiles;
  variants: OutputVariants;
  now: number;
  startedAt: number;
  routerOsVersion: string;
  evaluate: Evaluate;
  print(text: string): void;
  markChanged(): void;
}

/** A command returns a value only when it is useful in a substitution (`find` returns ids). */
export type CommandHandler = (ctx: ExecContext, command: ParsedCommand) => Promise<Value | undefined>;

/**
 * The item list of `remove`/`set` (unnamed first argument or `numbers=`). Returns undefined when the
 * list is empty and the variant says that is a silent success.
 */
export async function targetIds(ctx: ExecContext, command: ParsedCommand, itemWord: ParsedCommand['unnamed'][number] | undefined): Promise<string[] | undefined> {
  const numbersArg = command.named.find((a) => a.key === 'numbers');
  const source = numbersArg ?? (itemWord ? { key: 'numbers', op: '=' as const, pieces: itemWord.pieces, word: itemWord } : undefined);
  if (source === undefined) throw new RouterOsError('missing value(s) of argument(s) numbers');
  const ids = itemIds(await ctx.evaluate(source));
  if (ids.length > 0) return ids;
  if (ctx.variants.emptyFindRemove === 'silent') return undefined;
  throw RouterOsError.failure('no such item');
}
