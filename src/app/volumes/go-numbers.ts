import { InvalidArgumentError } from '../../domain/errors.js';
import { describeValue } from '../../domain/ids.js';

/**
 * Numbers in StorageClass parameters and volume contexts, read as the Go driver read them, so every
 * value it accepted is accepted here with the same meaning.
 */

/** Largest value passed on to nvme-cli, whose options are C ints. */
export const MAX_GO_INT = 2_147_483_647;

/**
 * A whole number as Go's strconv.Atoi reads it (optional sign, decimal digits), at least `min`.
 * The Go driver had no upper bounds; values beyond a C int are refused because nvme-cli cannot
 * take them.
 */
export function goInteger(value: string, min: number): number {
  const n = /^[+-]?\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (Number.isInteger(n) && n >= min && n <= MAX_GO_INT) return n === 0 ? 0 : n;
  throw new InvalidArgumentError(`${describeValue(value)} is not a whole number from ${min} to ${MAX_GO_INT}`);
}

/**
 * The port as the Go driver's fmt.Sscanf("%d") read it: the leading integer counts ("4420abc" is
 * 4420), and a value without one is ignored (undefined: the default applies). A number that is no
 * TCP port is refused, since RouterOS could not export on it.
 */
export function goPort(value: string): number | undefined {
  const match = /^\s*([+-]?\d+)/.exec(value);
  if (!match) return undefined;
  const n = Number(match[1]);
  if (Number.isInteger(n) && n >= 1 && n <= 65_535) return n;
  throw new InvalidArgumentError(`${describeValue(value)} is not a TCP port (1-65535)`);
}

/** The window the Go driver clamps migrationTimeoutSeconds to. */
export const MIGRATION_TIMEOUT_RANGE_S = { min: 30, max: 3_600 } as const;
export const DEFAULT_MIGRATION_TIMEOUT_S = 300;

/**
 * migrationTimeoutSeconds as the Go driver read it: not a whole number, or not positive, means the
 * default (300); anything else is clamped to 30..3600. Never refused.
 */
export function goMigrationTimeoutSeconds(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_MIGRATION_TIMEOUT_S;
  const n = /^[+-]?\d{1,18}$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return DEFAULT_MIGRATION_TIMEOUT_S;
  return Math.min(MIGRATION_TIMEOUT_RANGE_S.max, Math.max(MIGRATION_TIMEOUT_RANGE_S.min, n));
}
