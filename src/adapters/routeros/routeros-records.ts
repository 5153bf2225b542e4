import { parsed, parseFailure } from './routeros-parse-result.js';
import type { ParseResult } from './routeros-parse-result.js';
import { endsInsideQuote } from './routeros-tokenizer.js';

/**
 * Splits `print detail` output into logical records, one string per item, coping with what real
 * RouterOS prints (routeros.md 3.3, production-lessons 6.8):
 * - CRLF or LF line ends; a `Flags:`/`Columns:` header (also on empty results), possibly wrapped;
 * - items introduced by a right-aligned index (` 0  `, `12  `) or separated by blank lines; without an
 *   index, flush-left `key=` lines continue the item (older single-item answers are printed that way);
 * - `;;;` comment lines; flags after the index (` 0 X type=…`) are kept, never dropped;
 * - wrapped continuation lines, joined with one space, or with none when the previous line ends inside
 *   a bare path value or a quoted string (a path split mid-token) and the continuation is not `key=`.
 * Lines mentioning "disabled" are data like any other (the Go driver dropped them).
 */
export interface RawRecord {
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly text: string;
}

const KEY_START = /^[A-Za-z][A-Za-z0-9-]*=/;
const INDEX_LINE = /^([0-9]+)(?:\s+(.*))?$/;
const MAX_INDEX_INDENT = 3;
const DATE_VALUE = /=[a-z]{3}\/[0-9]{2}\/[0-9]{4}$/;

export function splitRecords(output: string): ParseResult<RawRecord[]> {
  const lines = output.replace(/\r\n?/g, '\n').split('\n');
  const records: RawRecord[] = [];
  let current: { line: number; text: string; indexed: boolean } | undefined;
  let inHeader = false;
  const flush = (): void => {
    if (current && current.text.trim() !== '') records.push({ line: current.line, text: current.text });
    current = undefined;
  };
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\s+$/, '').replace(/\t/g, ' ');
    const trimmed = line.trimStart();
    const indent = line.length - trimmed.length;
    if (trimmed === '') {
      flush();
      continue;
    }
    if (records.length === 0 && current === undefined) {
      if (/^(Flags|Columns):/i.test(trimmed)) {
        inHeader = true;
        continue;
      }
      if (inHeader && indent > 0 && !trimmed.includes('=')) continue;
    }
    if (trimmed.startsWith(';;;')) continue;
    const index = indent <= MAX_INDEX_INDENT ? INDEX_LINE.exec(trimmed) : null;
    if (index) {
      flush();
      const rest = index[2] ?? '';
      current = { line: i + 1, text: rest.startsWith(';;;') ? '' : rest, indexed: true };
    } else if (indent === 0 && !KEY_START.test(trimmed)) {
      return parseFailure('unexpected line in RouterOS output', i + 1, trimmed);
    } else if (current === undefined || (indent === 0 && current.indexed)) {
      flush();
      current = { line: i + 1, text: trimmed, indexed: false };
    } else {
      current.text = joinContinuation(current.text, trimmed);
    }
  }
  flush();
  return parsed(records);
}

/** Joins a wrapped continuation line onto the record text so far. */
export function joinContinuation(previous: string, continuation: string): string {
  if (previous === '') return continuation;
  if (endsInsideQuote(previous)) return previous + continuation;
  if (KEY_START.test(continuation)) return `${previous} ${continuation}`;
  const last = previous.slice(previous.lastIndexOf(' ') + 1);
  const valueStartsNextLine = /^[A-Za-z][A-Za-z0-9-]*=$/.test(last);
  const insidePath = /^[A-Za-z][A-Za-z0-9-]*=[^"\s]*\/\S*$/.test(last) && !DATE_VALUE.test(last);
  return valueStartsNextLine || insidePath ? previous + continuation : `${previous} ${continuation}`;
}
