/**
 * RouterOS `print detail` record layout, shared by the /disk and /file formatters.
 *
 * Contract (what the simulator guarantees, so parsers can be tested against it):
 * - every line ends with CRLF and is at most LINE_WIDTH (79) characters long;
 * - a record is a list of field groups, each field a `key=value` string; every group starts a new line;
 *   inside a group fields are packed onto a line while they fit, separated by one space;
 * - the first line starts with the item prefix (e.g. ` 0  `), continuation lines with `indent` spaces;
 * - a field too long for a fresh line is split mid-token exactly at the line width and continues on the
 *   next indented line (so a continuation fragment that does not start with `key=` continues the token
 *   before it, without a separating space);
 * - records are followed by one empty line; a `Flags:` header precedes the list even when it is empty.
 */
export const CRLF = '\r\n';
export const LINE_WIDTH = 79;

export function layoutRecord(prefix: string, indent: number, groups: readonly (readonly string[])[]): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let line = prefix;
  let fresh = true;
  groups.forEach((group, groupIndex) => {
    if (groupIndex > 0 && !fresh) {
      lines.push(line);
      line = pad;
      fresh = true;
    }
    for (const field of group) {
      if (!fresh && line.length + 1 + field.length <= LINE_WIDTH) {
        line += ` ${field}`;
        continue;
      }
      if (!fresh) {
        lines.push(line);
        line = pad;
      }
      let rest = field;
      while (line.length + rest.length > LINE_WIDTH) {
        const room = Math.max(1, LINE_WIDTH - line.length);
        lines.push(line + rest.slice(0, room));
        rest = rest.slice(room);
        line = pad;
      }
      line += rest;
      fresh = false;
    }
  });
  if (!fresh || line.trim() !== '') lines.push(line);
  return lines;
}

/** Right-aligned item numbers: at least two columns wide, wider when the list needs it. */
export function indexPrefix(index: number, count: number, gap: string): string {
  const width = Math.max(2, String(Math.max(0, count - 1)).length);
  return String(index).padStart(width) + gap;
}

/** A whole `print` answer: header, then each record's lines followed by an empty line. */
export function formatList(header: string, records: readonly (readonly string[])[]): string {
  return [header, ...records.flatMap((lines) => [...lines, ''])].map((l) => l + CRLF).join('');
}

/** RouterOS prints strings in double quotes with `\` and `"` escaped. */
export function quoteValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Values that are printed bare in the samples (paths, names) get quoted only when they would be ambiguous. */
export function bareOrQuoted(value: string): string {
  return value !== '' && /^[^\s"\\;[\]$=]+$/.test(value) ? value : quoteValue(value);
}
