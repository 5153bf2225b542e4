/**
 * Exponential backoff with "equal jitter": attempt n (1-based) waits between half and all of
 * min(cap, base · 2^(n-1)), so retries spread out but never collapse to zero.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
