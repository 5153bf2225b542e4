import { BENCH_RIG, driverNodeFlags, GuestRig, TEST_RIG } from './guest-rig.js';

/**
 * Entry point run inside the NVMe/TCP guest (bundled as dist/bundle/guest-scenario.mjs):
 * `guest-scenario <scenario> [arg]`. Prints one JSON object per line: `{"step", ...detail}` for each
 * step, then `{"step":"done"}`; on failure `{"step":"error","message",...,"driverLog"}` and exit 1.
 * The host-side tests read these lines and assert on them.
 */
// Loaded when run, so that the rig starts the driver before this process loads the rest.
const SCENARIOS: Record<string, (rig: GuestRig, arg: string | undefined, report: (step: string, detail?: Record<string, unknown>) => void) => Promise<void>> = {
  lifecycle: async (rig, arg, report) => (await import('./lifecycle-scenario.js')).lifecycle(rig, parseKind(arg), report),
  faults: async (rig, _arg, report) => (await import('./faults-scenario.js')).faults(rig, report),
  bench: async (rig, _arg, report) => (await import('./bench-scenario.js')).bench(rig, report),
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
  if (name === '--load-only') {
    // The host preparing the compile cache: load (and so compile) everything a scenario would, run nothing.
    await Promise.all([
      import('./lifecycle-scenario.js'), import('./faults-scenario.js'), import('./bench-scenario.js'),
      import('../../../simulator/rds-simulator.js'), import('../../../simulator/sim-ssh-keys.js'), import('../csi-client.js'),
    ]);
    return 0;
  }
  const scenario = name === undefined ? undefined : SCENARIOS[name];
  if (!scenario) {
    report('error', { message: `unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}` });
    return 2;
  }
  const started = Date.now();
  const loadedMs = Math.round(process.uptime() * 1000);
  const rig = await GuestRig.start({ ...(name === 'bench' ? BENCH_RIG : TEST_RIG), nodeFlags: driverNodeFlags() });
  // Until the driver serving the Node service answered Probe: from the start of the guest command
  // that ran this (the host's guestScenarioCommand says when), else from this process's own start.
  const commandStarted = Number(process.env['GUEST_COMMAND_STARTED_MS']);
  const ms = Number.isFinite(commandStarted) && commandStarted > 0 ? rig.probedAt - commandStarted : rig.probedAfterMs;
  report('ready', { ms, loadedMs, spawnedMs: rig.spawnedAfterMs, probedMs: rig.probedAfterMs });
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
