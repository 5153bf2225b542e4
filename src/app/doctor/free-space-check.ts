import { CHECK, fail, pass, warn } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';

/** Below this share of free space the pool is reported as nearly full. */
export const LOW_FREE_RATIO = 0.1;

export function evaluateFreeSpace(pool: string, totalBytes: number, freeBytes: number): CheckResult {
  const detail = `pool "${pool}": ${formatBytes(freeBytes)} free of ${formatBytes(totalBytes)}`;
  const hint = 'delete unused volumes and snapshots (`/disk print` on the RDS lists them) or grow the pool';
  if (!(freeBytes > 0)) return fail(CHECK.freeSpace, `${detail}; new volumes fail with RESOURCE_EXHAUSTED`, hint);
  const ratio = totalBytes > 0 ? freeBytes / totalBytes : 0;
  const percent = `${(ratio * 100).toFixed(1)}%`;
  if (ratio < LOW_FREE_RATIO) return warn(CHECK.freeSpace, `${detail} (${percent}, below ${LOW_FREE_RATIO * 100}%)`, hint);
  return pass(CHECK.freeSpace, `${detail} (${percent})`);
}

/** Binary units with one decimal, as RouterOS prints them (`50.0GiB`). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(1)}${units[unit]!}`;
}
