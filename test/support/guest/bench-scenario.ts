import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SysfsNvmeResolver } from '../../../src/adapters/nvme/sysfs-nvme-resolver.js';
import { NodeService } from '../../../src/generated/csi/csi.js';
import type { CreateVolumeResponse } from '../../../src/generated/csi/csi.js';
import { Mode, mountCapability, nodeReq, req } from '../csi-requests.js';
import { Http2CsiClient, type UnaryMethod } from '../http2-csi-client.js';
import { percentile } from '../percentile.js';
import { type GuestRig, NVME_PORT, sh } from './guest-rig.js';
import { place, type Report, unplace } from './lifecycle-scenario.js';

const ROUNDS = 25;
const WARM_UP = 2;

/**
 * node.nvmetcp_stage_publish_cycle_ms: NodeStage + NodePublish + NodeUnpublish + NodeUnstage of a
 * formatted 1 GiB ext4 volume over NVMe/TCP (median of ROUNDS, after WARM_UP unmeasured rounds), and
 * the same host commands run directly, interleaved with the driver's cycles: nvme connect, blkid,
 * e2fsck, mount, bind mount, two umounts, nvme disconnect. The cycle is timed at the client, through
 * a plain HTTP/2 gRPC client (see Http2CsiClient). Reported as `bench`: both medians, their ratio,
 * both quartiles, the RPC medians as the driver logs them and as the client sees them (the difference
 * is the transport's), and the direct commands' medians, to show where time goes. Under TCG on this
 * machine single cycles vary by a third, and its speed drifts over minutes, so the ratio moves by a
 * few hundredths between runs; 61 rounds did not narrow that more than 25 do. The median of paired
 * ratios (`pairedRatio`) is shown too: both cycles of a pair run in the same phase of the machine.
 */
export async function bench(rig: GuestRig, report: Report): Promise<void> {
  const c = rig.client;
  const cap = mountCapability(Mode.SINGLE_NODE_WRITER, 'ext4');
  const created = await c.call<object, CreateVolumeResponse>(c.controller, 'createVolume', req.create('pvc-bench', { volumeCapabilities: [cap] }));
  const vol = await place(rig, created.volume!.volumeId, cap, created.volume!.volumeContext, join(rig.dir, 'kubelet/bench'));
  await c.call(c.node, 'nodeUnpublishVolume', nodeReq.unpublish(vol.id, vol.target));
  await c.call(c.node, 'nodeUnstageVolume', nodeReq.unstage(vol.id, vol.staging), 120_000);
  const nqn = `nqn.2000-02.com.mikrotik:${vol.id}`;
  const node = new Http2CsiClient(rig.nodeSocket);

  // Each RPC as the client sees it: what it takes beyond the duration the driver logs is the transport's.
  const atClient = new Map<string, number[]>();
  const call = async <Req, Res>(method: UnaryMethod<Req, Res>, request: Req, timeoutMs?: number) => {
    const started = performance.now();
    await node.call(method, request, timeoutMs);
    const name = method.path.slice(method.path.lastIndexOf('/') + 1);
    atClient.set(name, [...(atClient.get(name) ?? []), performance.now() - started]);
  };
  const cycle = async () => {
    const started = performance.now();
    await call(NodeService.nodeStageVolume, nodeReq.stage(vol.id, vol.staging, cap, vol.contexts), 120_000);
    await call(NodeService.nodePublishVolume, nodeReq.publish(vol.id, vol.staging, vol.target, cap));
    await call(NodeService.nodeUnpublishVolume, nodeReq.unpublish(vol.id, vol.target));
    await call(NodeService.nodeUnstageVolume, nodeReq.unstage(vol.id, vol.staging), 120_000);
    return performance.now() - started;
  };
  const steps = new Map<string, number[]>();
  const direct = async () => {
    await mkdir(vol.target, { recursive: true });
    const started = performance.now();
    let last = started;
    const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const result = await work();
      const now = performance.now();
      steps.set(name, [...(steps.get(name) ?? []), now - last]);
      last = now;
      return result;
    };
    await step('nvme connect', () => sh('nvme', ['connect', '-t', 'tcp', '-a', '127.0.0.1', '-s', String(NVME_PORT), '-n', nqn]));
    const device = await step('device', () => deviceOf(nqn));
    await step('blkid', () => sh('blkid', ['-p', '-o', 'export', device]));
    await step('e2fsck', () => sh('e2fsck', ['-p', device]));
    await step('mount', () => sh('mount', ['-t', 'ext4', device, vol.staging]));
    await step('bind mount', () => sh('mount', ['--bind', vol.staging, vol.target]));
    await step('umount target', () => sh('umount', [vol.target]));
    await step('umount staging', () => sh('umount', [vol.staging]));
    await step('nvme disconnect', () => sh('nvme', ['disconnect', '-n', nqn]));
    const elapsed = performance.now() - started;
    await rm(vol.target, { recursive: true, force: true });
    return elapsed;
  };
  try {
    for (let i = 0; i < WARM_UP; i += 1) {
      await cycle();
      await direct();
    }
    steps.clear();
    atClient.clear();
    const logFrom = rig.log().length;
    const driver: number[] = [];
    const same: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      driver.push(await cycle());
      same.push(await direct());
    }
    report('bench', {
      cycleMs: median(driver),
      directMs: median(same),
      ratio: median(driver) / median(same),
      // Each cycle against the direct one right after it: the machine's speed drifts over minutes here.
      pairedRatio: median(driver.map((ms, i) => ms / same[i]!)),
      rounds: ROUNDS,
      // The machine's noise shows in the spread: the quartiles of both, per cycle.
      quartilesMs: { driver: quartiles(driver), direct: quartiles(same) },
      rpcMs: rpcMedians(rig.log().slice(logFrom)),
      clientRpcMs: Object.fromEntries([...atClient].map(([name, ms]) => [name, Math.round(median(ms))])),
      directStepsMs: Object.fromEntries([...steps].map(([name, ms]) => [name, Math.round(median(ms))])),
    });
  } finally {
    node.close();
  }
  await c.call(c.node, 'nodeStageVolume', nodeReq.stage(vol.id, vol.staging, cap, vol.contexts), 120_000);
  await c.call(c.node, 'nodePublishVolume', nodeReq.publish(vol.id, vol.staging, vol.target, cap));
  await unplace(rig, vol);
  await c.call(c.controller, 'deleteVolume', req.delete(vol.id));
}

/** The namespace block device of the controller connected for `nqn`, once it shows (up to 30 s). */
async function deviceOf(nqn: string): Promise<string> {
  const resolver = new SysfsNvmeResolver('/sys', '/dev');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const device = await resolver.resolveDevice(nqn);
    if (device) return device;
    if (Date.now() > deadline) throw new Error(`no block device for ${nqn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Median duration per Node RPC, from the driver's own `rpc` log lines: where a cycle's time goes. */
function rpcMedians(log: string): Record<string, number> {
  const byMethod = new Map<string, number[]>();
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; method?: string; durationMs?: number };
    if (entry.msg !== 'rpc' || !entry.method?.startsWith('Node') || entry.durationMs === undefined) continue;
    byMethod.set(entry.method, [...(byMethod.get(entry.method) ?? []), entry.durationMs]);
  }
  return Object.fromEntries([...byMethod].map(([method, ms]) => [method, Math.round(median(ms))]));
}

function median(values: readonly number[]): number {
  return percentile(values, 50);
}

function quartiles(values: readonly number[]): [number, number] {
  return [Math.round(percentile(values, 25)), Math.round(percentile(values, 75))];
}
