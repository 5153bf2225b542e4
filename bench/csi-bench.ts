import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RdsSimulator } from '../src/adapters/rds-simulator/rds-simulator.js';
import { generateEd25519KeyPair } from '../src/adapters/rds-simulator/sim-ssh-keys.js';
import type { ProbeResponse } from '../src/generated/csi/csi.js';
import { CsiClient } from '../test/support/csi-client.js';
import { FakeKubeApi } from '../test/support/fake-kube-api/fake-kube-api.js';
import { startDriver } from '../test/support/csi-driver-harness.js';
import type { DriverUnderTest } from '../test/support/csi-driver-harness.js';
import { req } from '../test/support/csi-requests.js';
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

/**
 * RSS of an idle `rds-csi serve --mode controller` (built), as deployed: the Kubernetes attachment
 * store (against the fake API server) and an RDS (the simulator), both served from this process.
 */
async function idleRss(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rds-csi-rss-'));
  const api = await FakeKubeApi.start();
  await writeFile(join(dir, 'kubeconfig.json'), JSON.stringify(kubeconfigFile(api)));
  const key = generateEd25519KeyPair();
  await writeFile(join(dir, 'key'), key.private, { mode: 0o600 });
  const sim = await RdsSimulator.start({ dataDir: join(dir, 'rds'), poolSizeBytes: 2 ** 40, authorizedKeys: [key.public] });
  const socket = join(dir, 'csi.sock');
  const child = spawn(process.execPath, [
    join(import.meta.dirname, '../src/app/main.js'), 'serve', '--mode', 'controller', '--endpoint', `unix://${socket}`,
    '--rds-address', '127.0.0.1', '--rds-port', String(sim.port), '--rds-key-file', join(dir, 'key'),
    '--rds-host-key', sim.hostKeyFingerprint(), '--attachment-store', 'kubernetes', '--kubeconfig', join(dir, 'kubeconfig.json'),
    '--log-level', 'warn',
  ], { stdio: 'ignore' });
  try {
    const client = await readyClient(socket);
    client.close();
    await new Promise((r) => setTimeout(r, 3_000));
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
    report('csi.controller_idle_rss_mb', rssKb / 1024, 'MiB');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    await sim.stop();
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A kubeconfig file (JSON is valid YAML) for the fake API server. */
function kubeconfigFile(api: FakeKubeApi): object {
  const o = api.kubeConfigOptions();
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: o.clusters.map((c) => ({ name: c.name, cluster: { server: c.server, 'certificate-authority-data': c.caData } })),
    users: o.users.map((u) => ({ name: u.name, user: { token: u.token } })),
    contexts: o.contexts.map((c) => ({ name: c.name, context: { cluster: c.cluster, user: c.user } })),
    'current-context': o.currentContext,
  };
}

async function readyClient(socket: string): Promise<CsiClient> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new CsiClient(socket);
    try {
      const probe = await client.call<object, ProbeResponse>(client.identity, 'probe', {}, 2_000);
      if (probe.ready !== false) return client;
    } catch {
      // not listening yet
    }
    client.close();
    if (Date.now() > deadline) throw new Error('the controller did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function csiBenchmarks(): Promise<void> {
  await lifecycles();
  await timeShare();
  await idleRss();
}
