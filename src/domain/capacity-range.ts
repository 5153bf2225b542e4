import { CapacityOutOfRangeError } from './errors.js';
import { ALLOCATION_UNIT, GiB, TiB } from './size.js';

export interface CapacityRange {
  /** 0 = unset. */
  readonly requiredBytes: number;
  /** 0 = unset. */
  readonly limitBytes: number;
}

export interface CapacityPolicy {
  /** Size when neither bound is set. */
  readonly defaultBytes: number;
  readonly maxBytes: number;
}

export const DEFAULT_CAPACITY_POLICY: CapacityPolicy = { defaultBytes: GiB, maxBytes: 16 * TiB };

/**
 * The size to allocate: the smallest whole allocation unit that is at least `required` (or the
 * source size, or the default) and at most `limit`. Refuses ranges that hold no such size.
 */
export function resolveCapacity(range: CapacityRange, policy: CapacityPolicy, minimumBytes = 0): number {
  const { requiredBytes: required, limitBytes: limit } = range;
  if (!Number.isSafeInteger(required) || !Number.isSafeInteger(limit) || required < 0 || limit < 0) {
    throw new CapacityOutOfRangeError(`capacity range (required ${required}, limit ${limit}) must be whole, non-negative bytes`);
  }
  if (limit > 0 && required > limit) {
    throw new CapacityOutOfRangeError(`required bytes ${required} exceed the limit ${limit}`);
  }
  if (limit > 0 && limit < minimumBytes) {
    throw new CapacityOutOfRangeError(`limit ${limit} bytes is smaller than the source (${minimumBytes} bytes)`);
  }
  const wanted = Math.max(required, minimumBytes) || (limit > 0 ? Math.min(policy.defaultBytes, limit) : policy.defaultBytes);
  const size = Math.ceil(wanted / ALLOCATION_UNIT) * ALLOCATION_UNIT;
  if (limit > 0 && size > limit) {
    throw new CapacityOutOfRangeError(
      `no size in whole MiB fits between required ${required} and limit ${limit} bytes; the RDS allocates in MiB`,
    );
  }
  if (size > policy.maxBytes) {
    throw new CapacityOutOfRangeError(`size ${size} bytes exceeds the maximum volume size of ${policy.maxBytes} bytes`);
  }
  return size;
}

/** Whether an existing volume of `sizeBytes` satisfies the range (for idempotent creates). */
export function satisfiesRange(sizeBytes: number, range: CapacityRange): boolean {
  return sizeBytes >= range.requiredBytes && (range.limitBytes === 0 || sizeBytes <= range.limitBytes);
}
