import { RouterOsError } from './routeros-error.js';
import type { Piece, Statement, Word } from './routeros-script-tokenizer.js';

/** Menus the simulator knows and the commands each accepts; every other name is a `bad command name`. */
const MENUS: Readonly<Record<string, readonly string[]>> = {
  '': [],
  disk: ['add', 'set', 'remove', 'print', 'find', 'monitor-traffic'],
  file: ['print', 'remove', 'find', 'add'],
  system: [],
  'system/resource': ['print'],
};

export type ArgOperator = '=' | '~' | '!=';

export interface CommandArg {
  key: string;
  op: ArgOperator;
  /** The value: what followed the operator in the word, as pieces (text and substitutions). */
  pieces: Piece[];
  word: Word;
}

export interface ParsedCommand {
  menu: string;
  /** Empty when the statement only names a menu (a no-op in an exec session). */
  verb: string;
  named: CommandArg[];
  unnamed: Word[];
  /** Conditions after `where` (and, for `find`, its bare conditions); `and` words are dropped. */
  where: CommandArg[];
}

const ARG_PATTERN = /^([a-z][a-z0-9-]*)(!=|=|~)/;

export function parseCommand(statement: Statement, contextMenu: string): ParsedCommand {
  let menu = contextMenu;
  let verb = '';
  let i = 0;
  for (; i < statement.words.length && verb === ''; i += 1) {
    const word = statement.words[i]!;
    const piece = word.pieces[0];
    if (word.pieces.length !== 1 || piece?.kind !== 'text' || piece.quoted) {
      throw RouterOsError.badCommand(wordText(word), word.line, word.column);
    }
    let text = piece.text;
    let offset = 0;
    if (text.startsWith('/')) {
      menu = '';
      text = text.slice(1);
      offset = 1;
    }
    for (const segment of text.split('/')) {
      const column = word.column + offset;
      offset += segment.length + 1;
      if (segment === '') continue;
      const child = menu === '' ? segment : `${menu}/${segment}`;
      if (verb === '' && MENUS[child] !== undefined) menu = child;
      else if (verb === '' && MENUS[menu]!.includes(segment)) verb = segment;
      else throw RouterOsError.badCommand(segment, word.line, column);
    }
  }
  const command: ParsedCommand = { menu, verb, named: [], unnamed: [], where: [] };
  let inWhere = false;
  for (; i < statement.words.length; i += 1) {
    const word = statement.words[i]!;
    const first = word.pieces[0];
    const bare = first?.kind === 'text' && !first.quoted ? first.text : undefined;
    if (!inWhere && bare === 'where' && word.pieces.length === 1 && (verb === 'print' || verb === 'find')) {
      inWhere = true;
      continue;
    }
    if (inWhere && bare === 'and' && word.pieces.length === 1) continue;
    const m = bare === undefined ? null : ARG_PATTERN.exec(bare);
    if (m === null || bare === undefined) {
      if (inWhere) throw RouterOsError.unexpected(word.line, word.column);
      command.unnamed.push(word);
      continue;
    }
    const rest = bare.slice(m[0].length);
    const pieces: Piece[] = [...(rest ? [{ kind: 'text' as const, text: rest, quoted: false }] : []), ...word.pieces.slice(1)];
    const arg: CommandArg = { key: m[1]!, op: m[2] as ArgOperator, pieces, word };
    if (inWhere || verb === 'find') command.where.push(arg);
    else command.named.push(arg);
  }
  return command;
}

/** The source-ish text of a word, for error messages. */
export function wordText(word: Word): string {
  return word.pieces.map((p) => (p.kind === 'text' ? (p.quoted ? `"${p.text}"` : p.text) : p.source)).join('');
}

/** Rejects named arguments this command does not take, and `~`/`!=` where only `=` makes sense. */
export function requireKnownArgs(command: ParsedCommand, allowed: readonly string[]): void {
  const seen = new Set<string>();
  for (const arg of command.named) {
    if (!allowed.includes(arg.key) || arg.op !== '=' || seen.has(arg.key)) {
      throw RouterOsError.unexpected(arg.word.line, arg.word.column);
    }
    seen.add(arg.key);
  }
}

/** Rejects bare words other than the given flags (and beyond `maxItems` item-list words). */
export function splitUnnamed(command: ParsedCommand, flags: readonly string[], maxItems: number): { flags: Set<string>; items: Word[] } {
  const found = new Set<string>();
  const items: Word[] = [];
  for (const word of command.unnamed) {
    const text = word.pieces.length === 1 && word.pieces[0]!.kind === 'text' && !word.pieces[0]!.quoted ? word.pieces[0]!.text : undefined;
    if (text !== undefined && flags.includes(text)) found.add(text);
    else if (items.length < maxItems) items.push(word);
    else throw RouterOsError.unexpected(word.line, word.column);
  }
  return { flags: found, items };
}
