import { InvalidPageTokenError } from './errors.js';

export interface Page<T> {
  readonly entries: readonly T[];
  /** Token for the next page; undefined on the last one. */
  readonly nextToken?: string;
}

/**
 * Pages through a list sorted by a stable key. The token is the offset of the next entry, so a
 * listing that changes between pages may repeat or skip entries, which CSI allows. A token that is
 * not a whole number within the list is refused.
 */
export function paginate<T>(sorted: readonly T[], maxEntries: number, startingToken: string): Page<T> {
  let start = 0;
  if (startingToken !== '') {
    if (!/^\d{1,9}$/.test(startingToken) || Number(startingToken) > sorted.length) throw new InvalidPageTokenError(startingToken);
    start = Number(startingToken);
  }
  const end = maxEntries > 0 ? Math.min(sorted.length, start + maxEntries) : sorted.length;
  const entries = sorted.slice(start, end);
  return end < sorted.length ? { entries, nextToken: String(end) } : { entries };
}
