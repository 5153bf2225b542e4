import { parsed, parseFailure } from './routeros-parse-result.js';
import type { ParseResult } from './routeros-parse-result.js';
import { splitRecords } from './routeros-records.js';
import { tokenizeRecord } from './routeros-tokenizer.js';
import type { TokenizedRecord } from './routeros-tokenizer.js';
import { normalisePath, parseGroupedInteger, parseSize, parseYesNo } from './routeros-values.js';

/** Typed readers for RouterOS `print` output. None of them throws; see routeros-records for quirks. */

export interface DiskRecord {
  readonly slot: string;
  readonly type?: string;
  /** Flags printed before the fields, e.g. `X` for a disabled item. */
  readonly flags: readonly string[];
  /** Backing file with a leading slash. */
  readonly filePath?: string;
  /** Exact bytes from the raw `size=` when present, else from the human `file-size=`. */
  readonly sizeBytes?: number;
  readonly exported: boolean;
  readonly nvmePort?: number;
  readonly nvmeNqn?: string;
  readonly mountPoint?: string;
  readonly freeBytes?: number;
  readonly fields: ReadonlyMap<string, string>;
}

export interface FileRecord {
  /** Name with a leading slash (RouterOS prints none). */
  readonly name: string;
  readonly type?: string;
  readonly sizeBytes?: number;
}

export function parseDiskPrint(output: string): ParseResult<DiskRecord[]> {
  return guarded(() => mapRecords(output, toDiskRecord));
}

/** A full `/disk print` and what was left out of it. */
export interface DiskListing {
  readonly disks: DiskRecord[];
  /** Items that are not readable disk records (no slot, a broken value): physical disks, partitions, … */
  readonly skipped: number;
}

/**
 * Like parseDiskPrint, but an item that cannot be read as a disk record is skipped and counted rather than
 * failing the whole answer: an unfiltered `/disk print` also lists physical disks and partitions, whose
 * fields this parser need not understand. Only output that cannot be split into items at all fails.
 */
export function parseDiskListing(output: string): ParseResult<DiskListing> {
  return guarded(() => {
    const split = splitRecords(output);
    if (!split.ok) return split;
    const disks: DiskRecord[] = [];
    for (const raw of split.value) {
      const tokens = tokenizeRecord(raw.text);
      const disk = tokens.ok ? toDiskRecord(tokens.value, raw.line, raw.text) : undefined;
      if (disk?.ok) disks.push(disk.value);
    }
    return parsed({ disks, skipped: split.value.length - disks.length });
  });
}

export function parseFilePrint(output: string): ParseResult<FileRecord[]> {
  return guarded(() => mapRecords(output, toFileRecord));
}

/** `key: value` lines (`/system resource print`, `monitor-traffic … once`); grouped integers are kept as text. */
export function parseKeyColonLines(output: string): ParseResult<ReadonlyMap<string, string>> {
  return guarded(() => {
    const values = new Map<string, string>();
    for (const [i, line] of output.replace(/\r\n?/g, '\n').split('\n').entries()) {
      if (line.trim() === '') continue;
      const m = /^\s*([A-Za-z][A-Za-z0-9-]*):(?:\s+(.*?))?\s*$/.exec(line);
      if (!m) return parseFailure('expected "key: value"', i + 1, line);
      if (!values.has(m[1]!)) values.set(m[1]!, m[2] ?? '');
    }
    return parsed(values);
  });
}

function guarded<T>(parse: () => ParseResult<T>): ParseResult<T> {
  try {
    return parse();
  } catch (e) {
    return parseFailure(`parser failure: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function mapRecords<T>(
  output: string,
  convert: (record: TokenizedRecord, line: number, text: string) => ParseResult<T>,
): ParseResult<T[]> {
  const split = splitRecords(output);
  if (!split.ok) return split;
  const out: T[] = [];
  for (const raw of split.value) {
    const tokens = tokenizeRecord(raw.text);
    if (!tokens.ok) return parseFailure(tokens.error.reason, raw.line, raw.text);
    const item = convert(tokens.value, raw.line, raw.text);
    if (!item.ok) return item;
    out.push(item.value);
  }
  return parsed(out);
}

function toDiskRecord({ flags, fields }: TokenizedRecord, line: number, text: string): ParseResult<DiskRecord> {
  const slot = fields.get('slot');
  if (slot === undefined || slot === '') return parseFailure('disk entry without slot', line, text);
  const rawSize = fields.get('size');
  const fileSize = fields.get('file-size');
  const sizeBytes =
    (rawSize === undefined ? undefined : parseSize(rawSize)) ??
    (fileSize === undefined ? undefined : parseSize(fileSize));
  const filePath = fields.get('file-path');
  const port = parseGroupedInteger(fields.get('nvme-tcp-server-port') ?? '');
  const free = parseGroupedInteger(fields.get('free') ?? '');
  return parsed({
    slot,
    type: fields.get('type'),
    flags,
    filePath: filePath === undefined || filePath === '' ? undefined : normalisePath(filePath),
    sizeBytes,
    exported: parseYesNo(fields.get('nvme-tcp-export')) ?? false,
    nvmePort: port,
    nvmeNqn: fields.get('nvme-tcp-server-nqn') || undefined,
    mountPoint: fields.get('mount-point'),
    freeBytes: free,
    fields,
  });
}

function toFileRecord({ fields }: TokenizedRecord, line: number, text: string): ParseResult<FileRecord> {
  const name = fields.get('name');
  if (name === undefined || name === '') return parseFailure('file entry without name', line, text);
  const type = fields.get('type');
  const size = fields.get('size') ?? fields.get('file-size');
  const sizeBytes = size === undefined ? undefined : parseSize(size);
  return parsed({ name: normalisePath(name), type, sizeBytes });
}
