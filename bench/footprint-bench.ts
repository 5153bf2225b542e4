import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ControllerPublishVolumeResponse, CreateVolumeResponse, ProbeResponse } from '../src/generated/csi/csi.js';
import { CsiClient } from '../test/support/csi-client.js';
import { deleteVolume, publishRwo, unpublish } from '../test/support/attacher.js';
import { Mode, mountCapability, nodeReq, req } from '../test/support/csi-requests.js';
import { ControllerCluster } from '../test/support/controller-processes.js';
import type { ControllerProcess } from '../test/support/controller-processes.js';
import { putPv } from '../test/support/kube-store-harness.js';
import { LoopLab } from '../test/support/loop-lab.js';
import { IMAGE_NODE_FLAGS } from '../test/support/image-node-flags.js';
import { percentile, report } from './report.js';

/**
 * What the driver weighs as deployed: the bundle (dist/bundle/rds-csi.mjs) started as its own
 * process with the Node.js flags of the image's ENTRYPOINT, with the Kubernetes store against the fake API server and RouterOS
 * over SSH to the simulator, both in this process, so the figures are of the driver alone.
 */
const BUNDLE_DIR = join(import.meta.dirname, '../bundle');
const ENTRY = join(BUNDLE_DIR, 'rds-csi.mjs');
/** Long enough for start-up garbage to be collected and RSS to settle. */
const SETTLE_MS = 5_000;

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

/** csi.controller_idle_rss_mb: an idle controller after 100 volumes went through their lifecycle. */
async function controllerIdleRss(): Promise<void> {
  const cluster = await ControllerCluster.start({ main: ENTRY, nodeFlags: IMAGE_NODE_FLAGS });
  try {
    cluster.registerNodes(['node-1']);
    const ctl = cluster.spawn('ctl-rss', ['--log-level', 'warn']);
    await ctl.ready();
    for (let i = 0; i < 100; i += 1) await lifecycle(cluster, ctl, `pvc-${randomUUID()}`);
    await settle();
    report('csi.controller_idle_rss_mb', rssMiB(ctl.pid), 'MiB');
  } finally {
    await cluster.stop();
  }
}

/** As the sidecars drive it: CreateVolume, PV created, publish, unpublish, DeleteVolume, PV deleted. */
async function lifecycle(cluster: ControllerCluster, ctl: ControllerProcess, id: string): Promise<void> {
  const context = await cluster.provision(ctl, id, { rwo: true });
  for (const answer of [await publishRwo(ctl, id, 'node-1', context), await unpublish(ctl, id, 'node-1'), await deleteVolume(ctl, id)]) {
    if (answer.code !== 0) throw new Error(`lifecycle of ${id}: gRPC ${answer.code} ${answer.message}`);
  }
  cluster.api.delete('persistentvolumes', id);
}

/** csi.start_to_ready_ms: process start to the first Probe that says ready (median of 5 starts). */
async function startToReady(): Promise<void> {
  const cluster = await ControllerCluster.start({ main: ENTRY, nodeFlags: IMAGE_NODE_FLAGS });
  try {
    const samples: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      const ctl = cluster.spawn(`ctl-start-${i}`, ['--log-level', 'warn']);
      await probeReady(ctl.client, () => ctl.exit !== undefined);
      samples.push(performance.now() - started);
      await ctl.kill('SIGTERM');
    }
    report('csi.start_to_ready_ms', percentile(samples, 50), 'ms');
  } finally {
    await cluster.stop();
  }
}

/** Polls Probe every 10 ms (a refused connection fails at once) until it says ready. */
async function probeReady(client: CsiClient, exited: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error('the driver exited before it was ready');
    const probe = await client.call<object, ProbeResponse>(client.identity, 'probe', {}, 1_000).catch(() => undefined);
    if (probe && probe.ready !== false) return;
    if (Date.now() > deadline) throw new Error('the driver did not become ready');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * csi.node_idle_rss_mb: an idle `serve --mode node` (as the DaemonSet runs it: Kubernetes client for
 * events, metrics server) after 20 NodeStage/NodeUnstage cycles of an ext4 volume. On this machine
 * the node attaches the simulator's disks as loop devices (--embedded-rds names the simulator's data
 * directory; in node mode that selects the loop-device initiator and starts nothing else). The
 * controller is another process; only the node process is measured.
 */
async function nodeIdleRss(): Promise<void> {
  if (!(await LoopLab.available())) {
    process.stderr.write('csi.node_idle_rss_mb skipped: no loop devices (needs root)\n');
    return;
  }
  const cluster = await ControllerCluster.start({ main: ENTRY, nodeFlags: IMAGE_NODE_FLAGS });
  const lab = await LoopLab.create('node-rss');
  let node: ChildProcess | undefined;
  let client: CsiClient | undefined;
  try {
    const nodeId = 'bench-node';
    const volume = `pvc-${randomUUID()}`;
    cluster.registerNodes([nodeId]);
    const ctl = cluster.spawn('ctl-node-rss', ['--log-level', 'warn']);
    await ctl.ready();
    const cap = mountCapability(Mode.SINGLE_NODE_WRITER, 'ext4');
    const c = ctl.client;
    const created = await c.call<object, CreateVolumeResponse>(c.controller, 'createVolume', req.create(volume, { volumeCapabilities: [cap] }));
    putPv(cluster.api, volume, { volumeAttributes: created.volume!.volumeContext, claimRef: { namespace: 'apps', name: 'data' } });
    const published = await c.call<object, ControllerPublishVolumeResponse>(c.controller, 'controllerPublishVolume', req.publish(volume, nodeId, { volumeCapability: cap, volumeContext: created.volume!.volumeContext }));
    const contexts = { volumeContext: created.volume!.volumeContext, publishContext: published.publishContext };

    const socket = join(lab.dir, 'node.sock');
    node = spawn(process.execPath, [
      ...IMAGE_NODE_FLAGS, ENTRY, 'serve', '--mode', 'node', '--endpoint', `unix://${socket}`, '--node-id', nodeId,
      '--node-state-dir', join(lab.dir, 'node-state'), '--embedded-rds', join(cluster.dir, 'rds'),
      '--kubeconfig', join(cluster.dir, 'kubeconfig.json'), '--metrics-address', '127.0.0.1:0', '--log-level', 'warn',
    ], { stdio: 'ignore' });
    const running = node;
    let exited = false;
    running.once('exit', () => (exited = true));
    client = new CsiClient(socket);
    await probeReady(client, () => exited);
    const staging = await lab.directory('staging');
    for (let i = 0; i < 20; i += 1) {
      await client.call(client.node, 'nodeStageVolume', nodeReq.stage(volume, staging, cap, contexts));
      await client.call(client.node, 'nodeUnstageVolume', nodeReq.unstage(volume, staging));
    }
    await settle();
    report('csi.node_idle_rss_mb', rssMiB(running.pid!), 'MiB');
  } finally {
    client?.close();
    if (node && node.exitCode === null) {
      const gone = new Promise((r) => node!.once('exit', r));
      node.kill('SIGTERM');
      await gone;
    }
    await lab.cleanup();
    await LoopLab.detachUnder(cluster.dir);
    await cluster.stop();
  }
}

/** image.bundle_mb: rds-csi.mjs and every chunk it can load, statically or on demand (no source maps). */
function bundleSize(): void {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/["'](\.{1,2}\/[\w./-]+\.mjs)["']/g)) visit(join(file, '..', m[1]!));
  };
  visit(ENTRY);
  let bytes = 0;
  for (const file of seen) bytes += statSync(file).size;
  report('image.bundle_mb', bytes / 2 ** 20, 'MiB');
}

export async function footprintBenchmarks(): Promise<void> {
  bundleSize();
  await startToReady();
  await controllerIdleRss();
  await nodeIdleRss();
}
