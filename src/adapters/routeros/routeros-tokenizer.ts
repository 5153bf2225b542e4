import { parsed, parseFailure } from './routeros-parse-result.js';
import type { ParseResult } from './routeros-parse-result.js';

/**
 * Tokenizes one logical RouterOS record (`key=value` pairs after continuation lines were joined).
 * - Keys are matched whole at a token start, so `size=` never matches inside `file-size=`.
 * - A quoted value is read with RouterOS escapes (`\"`, `\\`, `\$`, `\?`, `\_`, `\n`, `\t`, hex `\AB`).
 * - Bare words after a value extend it with one space: `size=53 687 091 200`, `type=.img file`,
 *   `last-modified=2025-11-11 16:47:07`. Bare words before the first key are flags (`X`, `B`).
 * - The first occurrence of a key wins.
 */
export interface TokenizedRecord {
  readonly flags: readonly string[];
  readonly fields: ReadonlyMap<string, string>;
}

const KEY = /[A-Za-z][A-Za-z0-9-]*=/y;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', _: ' ',
};

export function tokenizeRecord(text: string): ParseResult<TokenizedRecord> {
  const flags: string[] = [];
  const fields = new Map<string, string>();
  let extending: string | undefined;
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    KEY.lastIndex = i;
    const key = KEY.exec(text);
    let value: string;
    if (key) i += key[0].length;
    if (text[i] === '"') {
      const quoted = readQuoted(text, i);
      if (!quoted.ok) return quoted;
      value = quoted.value.text;
      i = quoted.value.end;
    } else {
      const end = nextSpace(text, i);
      value = text.slice(i, end);
      i = end;
    }
    if (key) {
      const name = key[0].slice(0, -1);
      extending = fields.has(name) ? undefined : name;
      if (extending !== undefined) fields.set(name, value);
    } else if (extending !== undefined) {
      fields.set(extending, `${fields.get(extending)!} ${value}`);
    } else if (fields.size === 0) {
      flags.push(value);
    }
  }
  return parsed({ flags, fields });
}

function nextSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && !/\s/.test(text[i]!)) i++;
  return i;
}

function readQuoted(text: string, start: number): ParseResult<{ text: string; end: number }> {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return parsed({ text: out, end: i + 1 });
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) break;
    const hex = /^[0-9A-Fa-f]{2}/.exec(text.slice(i + 1, i + 3));
    if (hex) {
      out += String.fromCharCode(parseInt(hex[0], 16));
      i += 3;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
      i += 2;
    }
  }
  return parseFailure('unterminated quoted value', undefined, text.slice(start, start + 60));
}

/** True when `text` ends inside an open double-quoted string. */
export function endsInsideQuote(text: string): boolean {
  let inside = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inside && c === '\\') i++;
    else if (c === '"') inside = !inside;
  }
  return inside;
}
