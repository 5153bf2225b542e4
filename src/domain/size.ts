import { CapacityOutOfRangeError } from './errors.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

/** The appliance allocates file disks in whole MiB. */
export const ALLOCATION_UNIT = MiB;

/** Rounds a byte count up to the allocation unit; the result is never smaller than asked. */
export function roundUpToAllocationUnit(bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new CapacityOutOfRangeError(`size ${bytes} is not a whole, non-negative number of bytes`);
  }
  return Math.ceil(bytes / ALLOCATION_UNIT) * ALLOCATION_UNIT;
}
