import { performance } from 'node:perf_hooks';
import type { RdsSimulator } from '../simulator/rds-simulator.js';
import { startDriver } from '../test/support/csi-driver-harness.js';
import type { DriverUnderTest } from '../test/support/csi-driver-harness.js';
import { req } from '../test/support/csi-requests.js';
import { report } from './report.js';

/**
 * RouterOS cost of the controller RPCs, measured where the work happens: the real driver serves
 * CreateVolume and DeleteVolume through its CSI socket (default flags: the default SSH connection and
 * channel limits) and the embedded simulator counts and delays the commands.
 */

/** The timer-driven pool read for metrics; no RPC sends it. */
const POOL_READ = '/disk print detail where mount-point="storage-pool"';
const RPC_SAMPLES = 20;
/** Per-command latency measured on a real RDS (routeros.md §4: a 1 GiB CreateVolume took 428 ms, a delete 560 ms). */
const HARDWARE_LATENCY: readonly (readonly [string, number])[] = [
  ['/disk print', 50],
  ['/disk add', 350],
  ['/disk remove', 400],
  ['/file remove', 100],
];
const C1_PAIRS = 8;
const C16_WORKERS = 16;
const C16_PAIRS_PER_WORKER = 4;

const simulatorOf = (t: DriverUnderTest): RdsSimulator => t.driver.connection!.embedded!.simulator;
const rpcCommands = (sim: RdsSimulator) => sim.commandLog().filter((r) => r.command !== POOL_READ).length;

async function createDelete(t: DriverUnderTest, name: string): Promise<void> {
  await t.client.call(t.client.controller, 'createVolume', req.create(name));
  await t.client.call(t.client.controller, 'deleteVolume', req.delete(name));
}

/** `csi.create_routeros_commands`, `csi.delete_routeros_commands`: commands per RPC, new volumes, sequential. */
async function commandsPerRpc(): Promise<void> {
  const t = await startDriver();
  try {
    const sim = simulatorOf(t);
    await createDelete(t, 'rpc-warm'); // connects outside the count
    const names = Array.from({ length: RPC_SAMPLES }, (_, i) => `rpc-count-${i}`);
    sim.clearLog();
    for (const name of names) await t.client.call(t.client.controller, 'createVolume', req.create(name));
    report('csi.create_routeros_commands', rpcCommands(sim) / names.length, 'commands');
    sim.clearLog();
    for (const name of names) await t.client.call(t.client.controller, 'deleteVolume', req.delete(name));
    report('csi.delete_routeros_commands', rpcCommands(sim) / names.length, 'commands');
  } finally {
    await t.stop();
  }
}

/** CreateVolume+DeleteVolume pairs per second at `workers` concurrent callers, `pairs` pairs each. */
async function pairsPerSecond(t: DriverUnderTest, tag: string, workers: number, pairs: number): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (let j = 0; j < pairs; j += 1) await createDelete(t, `hw-${tag}-${w}-${j}`);
  }));
  return (workers * pairs) / ((performance.now() - started) / 1000);
}

/**
 * `csi.create_per_s_c1_hw`, `csi.create_per_s_c16_hw` and their ratio `csi.create_scaling_c16_hw`:
 * how the driver scales against an RDS that takes hardware time per command and runs commands
 * concurrently, so that only the driver's own limits (SSH connections × channels) bound it.
 */
async function hardwareScaling(): Promise<void> {
  const t = await startDriver();
  try {
    const sim = simulatorOf(t);
    await createDelete(t, 'hw-warm');
    for (const [prefix, ms] of HARDWARE_LATENCY) sim.faults.setLatency(ms, prefix);
    const c1 = await pairsPerSecond(t, 'c1', 1, C1_PAIRS);
    const c16 = await pairsPerSecond(t, 'c16', C16_WORKERS, C16_PAIRS_PER_WORKER);
    report('csi.create_per_s_c1_hw', c1, 'pairs/s');
    report('csi.create_per_s_c16_hw', c16, 'pairs/s');
    report('csi.create_scaling_c16_hw', c16 / c1, 'ratio');
  } finally {
    await t.stop();
  }
}

export async function csiRouterOsBenchmarks(): Promise<void> {
  await commandsPerRpc();
  await hardwareScaling();
}
