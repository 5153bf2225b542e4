import { bench } from './bench-scenario.js';
import { faults } from './faults-scenario.js';
import { lifecycle } from './lifecycle-scenario.js';
import { GuestRig } from './guest-rig.js';

/**
 * Entry point run inside the NVMe/TCP guest (bundled as dist/bundle/guest-scenario.mjs):
 * `guest-scenario <scenario> [arg]`. Prints one JSON object per line: `{"step", ...detail}` for each
 * step, then `{"step":"done"}`; on failure `{"step":"error","message",...,"driverLog"}` and exit 1.
 * The host-side tests read these lines and assert on them.
 */
const SCENARIOS: Record<string, (rig: GuestRig, arg: string | undefined, report: (step: string, detail?: Record<string, unknown>) => void) => Promise<void>> = {
  lifecycle: (rig, arg, report) => lifecycle(rig, parseKind(arg), report),
  faults: (rig, _arg, report) => faults(rig, report),
  bench: (rig, _arg, report) => bench(rig, report),
};

function parseKind(arg: string | undefined): 'ext4' | 'xfs' | 'block' {
  if (arg === 'ext4' || arg === 'xfs' || arg === 'block') return arg;
  throw new Error(`lifecycle wants ext4, xfs or block, got ${arg}`);
}

function report(step: string, detail: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ step, ...detail })}\n`);
}

async function main(): Promise<number> {
  const [name, arg] = process.argv.slice(2);
  const scenario = name === undefined ? undefined : SCENARIOS[name];
  if (!scenario) {
    report('error', { message: `unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}` });
    return 2;
  }
  const started = Date.now();
  const rig = await GuestRig.start({ logLevel: name === 'bench' ? 'info' : 'debug' });
  report('ready', { ms: Date.now() - started });
  try {
    await scenario(rig, arg, report);
    report('done', { ms: Date.now() - started });
    return 0;
  } catch (error) {
    report('error', { message: (error as Error).message, stack: (error as Error).stack, driverLog: rig.log().slice(-20_000) });
    return 1;
  } finally {
    await rig.stop();
  }
}

process.exitCode = await main();
