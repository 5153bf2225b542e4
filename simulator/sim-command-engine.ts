import { type CommandResult, type OutputVariants, errorResult } from './output-variants.js';
import { type CommandArg, parseCommand } from './routeros-command-parser.js';
import { RouterOsError } from './routeros-error.js';
import { RouterOsSyntaxError, type Statement, tokenizeScript } from './routeros-script-tokenizer.js';
import { formatSystemResource } from './routeros-status-format.js';
import type { Value } from './routeros-values.js';
import type { SimBackingFiles } from './sim-backing-files.js';
import type { CommandLog } from './sim-command-log.js';
import { DISK_COMMANDS } from './sim-disk-commands.js';
import type { CommandHandler, ExecContext } from './sim-exec-context.js';
import { FILE_COMMANDS } from './sim-file-commands.js';
import { poolFreeBytes } from './sim-state.js';
import type { SimStateStore } from './sim-state-store.js';

const resourcePrint: CommandHandler = async (ctx, command) => {
  if (command.named.length + command.unnamed.length + command.where.length > 0) {
    const word = command.named[0]?.word ?? command.unnamed[0] ?? command.where[0]!.word;
    throw RouterOsError.unexpected(word.line, word.column);
  }
  const s = ctx.state;
  ctx.print(formatSystemResource({ uptimeMs: ctx.now - ctx.startedAt, version: ctx.routerOsVersion, poolSizeBytes: s.poolSizeBytes, poolFreeBytes: poolFreeBytes(s) }));
  return undefined;
};

const HANDLERS: Readonly<Record<string, Readonly<Record<string, CommandHandler>>>> = {
  disk: DISK_COMMANDS,
  file: FILE_COMMANDS,
  'system/resource': { print: resourcePrint },
};

export interface EngineOptions {
  routerOsVersion: string;
  startedAt: number;
}

/**
 * Runs one exec request: a RouterOS script. Syntax errors reject the whole request before anything
 * runs. Statements then run in order, each logged; the first error stops the script (RouterOS aborts
 * on error) and is reported per the output variants. Unknown command names are reported when their
 * statement is reached, so text smuggled after `;` always shows up in the command log.
 * The whole request runs under the state lock, and state changes made before an error persist.
 */
export class SimCommandEngine {
  constructor(
    private readonly store: SimStateStore,
    private readonly files: SimBackingFiles,
    private readonly options: EngineOptions,
    private readonly variants: () => OutputVariants,
    private readonly log: CommandLog,
  ) {}

  async run(text: string): Promise<CommandResult> {
    const variants = this.variants();
    let script: Statement[];
    try {
      script = tokenizeScript(text);
    } catch (error) {
      if (!(error instanceof RouterOsSyntaxError)) throw error;
      this.log.begin(text.trim()).finish(variants.errorExitCode, error.message);
      return errorResult(variants, '', error.message);
    }
    return this.store.transaction(async (state) => {
      if (state === undefined) throw new Error('simulator state missing');
      let stdout = '';
      let changed = false;
      const ctx: ExecContext = {
        state,
        files: this.files,
        variants,
        now: Date.now(),
        startedAt: this.options.startedAt,
        routerOsVersion: this.options.routerOsVersion,
        evaluate: () => Promise.reject(new Error('unbound')),
        print: (out) => {
          stdout += out;
        },
        markChanged: () => {
          changed = true;
        },
      };
      let result: CommandResult | undefined;
      for (const statement of script) {
        try {
          await this.statement(ctx, statement, '', false);
        } catch (error) {
          const message = error instanceof RouterOsError ? error.message : 'failure: execution error';
          result = errorResult(variants, stdout, message);
          break;
        }
      }
      return { ...(changed ? { state } : {}), result: result ?? { stdout, stderr: '', exitCode: 0 } };
    });
  }

  /** Runs one statement in `menu`; logs it unless it is a `find` inside a substitution. */
  private async statement(ctx: ExecContext, statement: Statement, menu: string, nested: boolean): Promise<Value | undefined> {
    let record = nested ? undefined : this.log.begin(statement.source);
    try {
      const command = parseCommand(statement, menu);
      if (nested && command.verb !== 'find') record = this.log.begin(statement.source);
      if (command.verb === '') return undefined;
      const handler = HANDLERS[command.menu]?.[command.verb];
      if (handler === undefined) throw RouterOsError.badCommand(command.verb, statement.line, statement.column);
      const evaluate = (arg: CommandArg) => this.evaluate(ctx, arg, command.menu);
      const value = await handler({ ...ctx, evaluate }, command);
      record?.finish(0);
      return value;
    } catch (error) {
      record ??= nested ? this.log.begin(statement.source) : undefined;
      record?.finish(ctx.variants.errorExitCode, error instanceof RouterOsError ? error.message : 'failure: execution error');
      throw error;
    }
  }

  /** Concatenates an argument's pieces; a lone substitution keeps its item ids. */
  private async evaluate(ctx: ExecContext, arg: CommandArg, menu: string): Promise<Value> {
    const parts: Value[] = [];
    for (const piece of arg.pieces) {
      if (piece.kind === 'text') parts.push({ text: piece.text });
      else {
        let last: Value | undefined;
        for (const inner of piece.script) last = await this.statement(ctx, inner, menu, true);
        parts.push(last ?? { text: '' });
      }
    }
    if (parts.length === 1 && parts[0]!.ids) return parts[0]!;
    return { text: parts.map((p) => p.text).join('') };
  }
}
