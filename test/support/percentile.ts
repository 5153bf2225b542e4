/** The nearest-rank percentile `p` (0-100] of `samples`; 0 for none. Shared by the benches and the guest bench. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
