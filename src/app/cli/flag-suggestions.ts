/** Optimal string alignment distance (Levenshtein plus adjacent transposition) between two names. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known names closest to a mistyped one: within a typo's reach (1 edit for short names, up to 3 for
 * long ones), or names the typed text is a clear prefix of. Best first, at most two.
 */
export function nearestNames(typed: string, known: readonly string[]): string[] {
  const needle = typed.toLowerCase();
  const reach = Math.max(1, Math.min(3, Math.floor(needle.length / 4)));
  const scored = known
    .map((name) => ({ name, distance: editDistance(needle, name) }))
    .filter(({ name, distance }) => distance <= reach || (needle.length >= 4 && name.startsWith(needle)));
  scored.sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name));
  return scored.slice(0, 2).map((s) => s.name);
}
