import { InvalidArgumentError } from '../../domain/errors.js';
import { describeValue } from '../../domain/ids.js';
import { GiB, KiB, MiB, TiB } from '../../domain/size.js';

/** Longest string this adapter will ever quote; every real value is far shorter. */
export const MAX_QUOTED_LENGTH = 1024;

// Printable ASCII only: a newline would end the command, other control characters and non-ASCII have
// no safe, portable representation on a RouterOS console.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Quotes a value as a RouterOS double-quoted string. Inside double quotes RouterOS interprets `\`
 * escapes, `$` (variable substitution) and `?` (console help), so all four of `\ " $ ?` are escaped.
 * Values that cannot be represented safely are refused with InvalidArgumentError naming the value.
 */
export function quoteRouterOsString(value: string, field: string): string {
  if (value.length > MAX_QUOTED_LENGTH || !PRINTABLE_ASCII.test(value)) {
    throw new InvalidArgumentError(
      `${field} ${describeValue(value)} cannot be sent to RouterOS: only printable ASCII up to ` +
        `${MAX_QUOTED_LENGTH} characters is allowed`,
    );
  }
  return `"${value.replace(/[\\"$?]/g, (c) => `\\${c}`)}"`;
}

// The value shapes the Go driver sent unquoted and RouterOS accepted on hardware: volume IDs
// (pvc-<uuid>), absolute file paths, NQNs. At least one letter, so a value never reads as a number.
const BARE_VALUE = /^(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9/][A-Za-z0-9/.:-]*$/;

/**
 * A command argument value in the Go driver's form: bare when it has one of the shapes above (no
 * blank, quote, bracket, `$`, `;` or `\` can occur in it, so it is one word with no substitution),
 * else double-quoted as quoteRouterOsString does. Every caller validates the value first.
 */
export function routerOsValue(value: string, field: string): string {
  return value.length <= 255 && BARE_VALUE.test(value) ? value : quoteRouterOsString(value, field);
}

/**
 * A validated path or ID (letters, digits, `/ . _ -`) as a regex matching it literally, without a
 * backslash: RouterOS refuses `\.` inside a quoted string (it broke `/file remove` on hardware), so
 * `.` becomes `[.]`. Anything else is refused.
 */
export function literalRegex(value: string, field: string): string {
  if (!/^[A-Za-z0-9/._-]+$/.test(value)) {
    throw new InvalidArgumentError(`${field} ${describeValue(value)} cannot be matched literally by a RouterOS regex`);
  }
  return value.replaceAll('.', '[.]');
}

/**
 * Escapes POSIX extended-regex metacharacters so that a `~` filter matches `value` literally; the
 * result still has to go through quoteRouterOsString.
 */
export function escapeRouterOsRegex(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

const UNITS: readonly (readonly [number, string])[] = [
  [TiB, 'T'],
  [GiB, 'G'],
  [MiB, 'M'],
  [KiB, 'K'],
];

/**
 * Writes a byte count exactly, with the largest binary unit that divides it (`1536M`, `2G`, `1T`),
 * or plain bytes. Never floors: the appliance must receive exactly the number given.
 */
export function formatRouterOsSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new InvalidArgumentError(`size ${String(bytes)} is not a positive whole number of bytes`);
  }
  for (const [unit, suffix] of UNITS) {
    if (bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

/** A TCP port for an NVMe/TCP export. */
export function checkPort(port: number, field = 'NVMe/TCP port'): number {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  throw new InvalidArgumentError(`${field} ${String(port)} is invalid: expected an integer from 1 to 65535`);
}
