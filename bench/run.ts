import { attachmentBenchmarks } from './attachment-bench.js';
import { routerosBenchmarks } from './routeros-bench.js';
import { csiBenchmarks } from './csi-bench.js';
import { nodeBenchmarks } from './node-bench.js';
import { nvmetcpBenchmarks } from './nvmetcp-bench.js';
import { footprintBenchmarks } from './footprint-bench.js';

/** `npm run bench`: every benchmark, one JSON line per figure on stdout. Diagnostics go to stderr. */
const suites: Record<string, () => Promise<void>> = {
  attachment: attachmentBenchmarks,
  routeros: routerosBenchmarks,
  csi: csiBenchmarks,
  node: nodeBenchmarks,
  nvmetcp: nvmetcpBenchmarks,
};
/**
 * Suites run only when named (`node dist/bench/run.js footprint`): parts of another suite, for a
 * quick look at one figure family without the rest.
 */
const onDemand: Record<string, () => Promise<void>> = {
  footprint: footprintBenchmarks,
};

const only = process.argv.slice(2);
const chosen = Object.entries(suites).filter(([name]) => only.length === 0 || only.includes(name));
chosen.push(...Object.entries(onDemand).filter(([name]) => only.includes(name)));
for (const [name, run] of chosen) {
  try {
    await run();
  } catch (error) {
    process.stderr.write(`benchmark suite ${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  }
}
