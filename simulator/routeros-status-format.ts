import { formatHumanSize, groupDigits } from './routeros-format.js';
import { CRLF, bareOrQuoted, formatList, indexPrefix, layoutRecord } from './routeros-record-layout.js';

/** A `/file` entry: `name` without leading slash, as RouterOS prints it. */
export interface SimFileEntry {
  name: string;
  type: 'file' | 'directory';
  sizeBytes: number;
  modifiedAt: number;
}

export const FILE_FLAGS_HEADER = 'Flags: R - read-only';
const FILE_INDENT = 5;

/** `2025-11-11 16:47:07`, in UTC so output does not depend on the host's time zone. */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** `.img file` for `x.img`, `file` without extension, `directory` for directories (routeros.md 3.3). */
export function fileTypeLabel(entry: Pick<SimFileEntry, 'name' | 'type'>): string {
  if (entry.type === 'directory') return 'directory';
  const base = entry.name.slice(entry.name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? `${base.slice(dot)} file` : 'file';
}

export function formatFileDetail(entries: readonly SimFileEntry[]): string {
  const records = entries.map((entry, i) => {
    const fields = [`name=${bareOrQuoted(entry.name)}`, `type=${fileTypeLabel(entry)}`];
    if (entry.type === 'file') fields.push(`size=${formatHumanSize(entry.sizeBytes)}`);
    fields.push(`last-modified=${formatTimestamp(entry.modifiedAt)}`);
    return layoutRecord(indexPrefix(i, entries.length, '   '), FILE_INDENT, [fields]);
  });
  return formatList(FILE_FLAGS_HEADER, records);
}

/** `key: value` lines with right-aligned keys, as `/system resource print` shows them. */
function keyValueLines(pairs: readonly (readonly [string, string])[], keyWidth: number, valueWidth = 0): string {
  return pairs.map(([k, v]) => `${k.padStart(keyWidth)}:${valueWidth ? v.padStart(valueWidth) : ` ${v}`}${CRLF}`).join('');
}

/** `15d2h45m30s`, `3m4s`, `0s`. */
export function formatUptime(ms: number): string {
  let s = Math.floor(ms / 1000);
  const parts: [number, string][] = [];
  for (const [unit, size] of [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60]] as const) {
    parts.push([Math.floor(s / size), unit]);
    s %= size;
  }
  const text = parts.filter(([n], i) => n > 0 || parts.slice(0, i).some(([m]) => m > 0)).map(([n, u]) => `${n}${u}`);
  return `${text.join('')}${s}s`;
}

export interface SystemResourceInfo {
  uptimeMs: number;
  version: string;
  poolSizeBytes: number;
  poolFreeBytes: number;
}

export function formatSystemResource(info: SystemResourceInfo): string {
  const total = 32 * 1024 ** 3;
  const version = /\(/.test(info.version) ? info.version : `${info.version} (stable)`;
  const pairs: [string, string][] = [
    ['uptime', formatUptime(info.uptimeMs)],
    ['version', version],
    ['build-time', '2024-09-20 13:00:27'],
    ['factory-software', '7.15'],
    ['free-memory', formatHumanSize(total - 5 * 1024 ** 3)],
    ['total-memory', formatHumanSize(total)],
    ['cpu', 'ARM64'],
    ['cpu-count', '16'],
    ['cpu-frequency', '2000MHz'],
    ['cpu-load', '1%'],
    ['free-hdd-space', formatHumanSize(info.poolFreeBytes)],
    ['total-hdd-space', formatHumanSize(info.poolSizeBytes)],
    ['architecture-name', 'arm64'],
    ['board-name', 'RDS2216'],
    ['platform', 'MikroTik'],
  ];
  return keyValueLines(pairs, 19);
}

/** `/disk monitor-traffic <slot> once`: the metrics fixture layout (routeros.md 3.3), counters all zero. */
export function formatMonitorTraffic(slot: string): string {
  const zero = groupDigits(0);
  const pairs: [string, string][] = [['slot', slot]];
  for (const op of ['read', 'write'] as const) {
    pairs.push([`${op}-ops`, zero], [`${op}-ops-per-second`, zero], [`${op}-bytes`, zero], [`${op}-rate`, '0bps']);
    pairs.push([`${op}-merges`, zero], [`${op}-time`, '0ms']);
  }
  pairs.push(['in-flight-ops', zero], ['active-time', '0ms'], ['wait-time', '0ms']);
  pairs.push(['discard-ops', zero], ['discard-bytes', zero], ['discard-merges', zero], ['discard-time', '0ms']);
  pairs.push(['flush-ops', zero], ['flush-time', '0ms']);
  return keyValueLines(pairs, 22, 16) + CRLF;
}
