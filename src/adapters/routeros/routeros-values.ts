import { GiB, KiB, MiB, TiB } from '../../domain/size.js';

/** Value readers for RouterOS output; each returns undefined for anything it does not recognise. */

/** `53 687 091 200` or `53687091200` → 53687091200. */
export function parseGroupedInteger(value: string): number | undefined {
  const v = value.trim();
  if (!/^[0-9]{1,3}( [0-9]{3})+$/.test(v) && !/^[0-9]+$/.test(v)) return undefined;
  const n = Number(v.replace(/ /g, ''));
  return Number.isSafeInteger(n) ? n : undefined;
}

const MULTIPLIERS: Readonly<Record<string, number>> = {
  B: 1, K: KiB, M: MiB, G: GiB, T: TiB, P: TiB * 1024,
};

/**
 * A size as RouterOS shows it: a grouped integer (bytes), or a human size with binary units
 * (`50.0GiB`, `1024.0MiB`, `1536M`; `KB`/`MB` are read as binary like the appliance means them).
 * Human sizes with one decimal are approximate; callers prefer a raw `size=` when there is one.
 */
export function parseSize(value: string): number | undefined {
  const integer = parseGroupedInteger(value);
  if (integer !== undefined) return integer;
  const m = /^([0-9]+(?:\.[0-9]+)?) ?(?:([KMGTP])(?:i?B)?|(B))$/.exec(value.trim());
  if (!m) return undefined;
  const n = Math.round(Number(m[1]) * MULTIPLIERS[m[2] ?? m[3] ?? 'B']!);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function parseYesNo(value: string | undefined): boolean | undefined {
  if (value === 'yes' || value === 'true') return true;
  if (value === 'no' || value === 'false') return false;
  return undefined;
}

/** Adds the leading slash RouterOS leaves off file names. */
export function normalisePath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
