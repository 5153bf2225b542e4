import { performance } from 'node:perf_hooks';
import { startDriver } from '../test/support/csi-driver-harness.js';
import type { DriverUnderTest } from '../test/support/csi-driver-harness.js';
import { req } from '../test/support/csi-requests.js';
import { footprintBenchmarks } from './footprint-bench.js';
import { csiRouterOsBenchmarks } from './csi-routeros-bench.js';
import { percentile, report } from './report.js';

/** One lifecycle: CreateVolume → ControllerPublishVolume → ControllerUnpublishVolume → DeleteVolume. */
async function lifecycle(t: DriverUnderTest, id: string): Promise<number> {
  const started = performance.now();
  const c = t.client;
  await c.call(c.controller, 'createVolume', req.create(id));
  await c.call(c.controller, 'controllerPublishVolume', req.publish(id, 'node-1'));
  await c.call(c.controller, 'controllerUnpublishVolume', req.unpublish(id, 'node-1'));
  await c.call(c.controller, 'deleteVolume', req.delete(id));
  return performance.now() - started;
}

async function lifecycles(): Promise<void> {
  const t = await startDriver();
  try {
    for (let i = 0; i < 10; i += 1) await lifecycle(t, `warm-${i}`);
    const c1: number[] = [];
    for (let i = 0; i < 100; i += 1) c1.push(await lifecycle(t, `c1-${i}`));
    report('csi.lifecycle_p50_ms_c1', percentile(c1, 50), 'ms');

    const c32: number[] = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: 32 }, async (_, w) => {
      for (let j = 0; j < 10; j += 1) c32.push(await lifecycle(t, `c32-${w}-${j}`));
    }));
    const seconds = (performance.now() - started) / 1000;
    report('csi.lifecycle_p99_ms_c32', percentile(c32, 99), 'ms');
    report('csi.lifecycle_per_s_c32', c32.length / seconds, 'lifecycles/s');
  } finally {
    await t.stop();
  }
}

/**
 * Share of lifecycle time outside RouterOS command execution as the simulator measures it. The
 * simulator is given per-command latencies in the range observed on hardware (CreateVolume of 1 GiB
 * took 428 ms and a delete 560 ms on a real RDS): print 50 ms, add 350 ms, remove 400 ms, file
 * remove 100 ms. Also reported: the absolute time per lifecycle outside the simulator, measured
 * with no injected latency, which does not depend on that profile.
 */
async function timeShare(): Promise<void> {
  for (const realistic of [true, false]) {
    const t = await startDriver();
    try {
      const sim = t.driver.connection!.embedded!.simulator;
      if (realistic) {
        sim.faults.setLatency(50, '/disk print');
        sim.faults.setLatency(350, '/disk add');
        sim.faults.setLatency(400, '/disk remove');
        sim.faults.setLatency(100, '/file remove');
      }
      await lifecycle(t, 'warm');
      const rounds = realistic ? 10 : 100;
      const before = sim.executionTimeMs();
      let total = 0;
      for (let i = 0; i < rounds; i += 1) total += await lifecycle(t, `share-${i}`);
      const inRouterOs = sim.executionTimeMs() - before;
      if (realistic) report('csi.driver_time_share', (total - inRouterOs) / total, 'ratio');
      else report('csi.driver_overhead_ms_per_lifecycle', (total - inRouterOs) / rounds, 'ms');
    } finally {
      await t.stop();
    }
  }
}

export async function csiBenchmarks(): Promise<void> {
  await lifecycles();
  await timeShare();
  await csiRouterOsBenchmarks();
  await footprintBenchmarks();
}
