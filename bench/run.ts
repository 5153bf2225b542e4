import { attachmentBenchmarks } from './attachment-bench.js';
import { routerosBenchmarks } from './routeros-bench.js';
import { csiBenchmarks } from './csi-bench.js';
import { nodeBenchmarks } from './node-bench.js';
import { nvmetcpBenchmarks } from './nvmetcp-bench.js';

/** `npm run bench`: every benchmark, one JSON line per figure on stdout. Diagnostics go to stderr. */
const suites: Record<string, () => Promise<void>> = {
  attachment: attachmentBenchmarks,
  routeros: routerosBenchmarks,
  csi: csiBenchmarks,
  node: nodeBenchmarks,
  nvmetcp: nvmetcpBenchmarks,
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(suites)) {
  if (only.length > 0 && !only.includes(name)) continue;
  try {
    await run();
  } catch (error) {
    process.stderr.write(`benchmark suite ${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  }
}
