import type { ArgOperator, CommandArg } from './routeros-command-parser.js';
import { RouterOsError } from './routeros-error.js';
import { RegexNotSupportedError, compileRouterOsRegex } from './routeros-regex.js';

/** An evaluated argument: text, plus the item ids when it came from a `[find …]` substitution. */
export interface Value {
  text: string;
  ids?: string[];
}

export type Evaluate = (arg: CommandArg) => Promise<Value>;

const SIZE_PATTERN = /^(\d{1,16})(?:([kKMGT])(?:i?B)?)?$/;
const MULTIPLIERS: Record<string, number> = { k: 1024, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `10G`, `512M`, `1073741824` (binary multipliers, as the driver sends them). */
export function parseSizeValue(text: string, argument: string): number {
  const m = SIZE_PATTERN.exec(text);
  const bytes = m ? Number(m[1]) * (m[2] ? MULTIPLIERS[m[2]]! : 1) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw RouterOsError.invalidValue(argument);
  return bytes;
}

export function parseYesNo(text: string, argument: string): boolean {
  if (text === 'yes' || text === 'true') return true;
  if (text === 'no' || text === 'false') return false;
  throw RouterOsError.invalidValue(argument);
}

export function parsePort(text: string, argument: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : 0;
  if (port < 1 || port > 65535) throw RouterOsError.invalidValue(argument);
  return port;
}

/** Item ids named by a value: a `[find]` result, or literal `*1A` / `*1,*2` ids. */
export function itemIds(value: Value): string[] {
  return value.ids ?? value.text.split(/[,;]/).filter((s) => s !== '');
}

export interface Condition {
  key: string;
  op: ArgOperator;
  test: (propertyValue: string) => boolean;
}

/** `where`/`find` conditions; unknown properties are an error, as in RouterOS. */
export async function buildConditions(args: readonly CommandArg[], known: readonly string[], evaluate: Evaluate): Promise<Condition[]> {
  const out: Condition[] = [];
  for (const arg of args) {
    if (!known.includes(arg.key)) throw RouterOsError.unexpected(arg.word.line, arg.word.column);
    const { text } = await evaluate(arg);
    let test: (v: string) => boolean;
    if (arg.op === '~') {
      try {
        test = compileRouterOsRegex(text);
      } catch (error) {
        if (error instanceof RegexNotSupportedError) throw RouterOsError.failure('invalid regular expression');
        throw error;
      }
    } else test = arg.op === '=' ? (v) => v === text : (v) => v !== text;
    out.push({ key: arg.key, op: arg.op, test });
  }
  return out;
}

export function matchesAll(properties: Readonly<Record<string, string>>, conditions: readonly Condition[]): boolean {
  return conditions.every((c) => c.test(properties[c.key] ?? ''));
}
