import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { NodeService } from '../src/generated/csi/csi.js';
import type { ControllerPublishVolumeResponse, CreateVolumeResponse, ProbeResponse } from '../src/generated/csi/csi.js';
import { Http2CsiClient } from '../test/support/http2-csi-client.js';
import { IMAGE_NODE_FLAGS } from '../test/support/image-node-flags.js';
import { CsiClient } from '../test/support/csi-client.js';
import { Mode, mountCapability, req } from '../test/support/csi-requests.js';
import { LoopLab } from '../test/support/loop-lab.js';
import { nodeReq } from '../test/support/node-harness.js';
import { percentile, report } from './report.js';

const exec = promisify(execFile);
const ROUNDS = 30;

/**
 * Runs the built driver as deployed, a controller (`rds-csi start --mode controller`, with the
 * embedded RDS) and a node plugin (`serve --mode node`) in processes of their own with the image's
 * Node.js flags, and drives the node plugin over its socket.
 * node.stage_publish_cycle_ms: NodeStage + NodePublish + NodeUnpublish + NodeUnstage of a formatted
 * 1 GiB ext4 volume (median of ROUNDS).
 * node.overhead_ratio: that time divided by the same host commands the driver runs, run directly in
 * the same order: losetup (connect), blkid -p, e2fsck -p, mount, mount --bind, umount twice,
 * losetup -d: what the driver adds on top of its commands.
 * node.overhead_ratio_vs_bare_mount: the cycle divided by the bare minimum without the no-data-loss
 * checks (no blkid, no e2fsck): what those checks and the driver cost together.
 */
export async function nodeBenchmarks(): Promise<void> {
  const lab = await LoopLab.create('node-bench');
  const main = join(import.meta.dirname, '../src/app/main.js');
  const env = { PATH: process.env.PATH ?? '', RDS_CSI_LOG_LEVEL: 'warn' };
  // As deployed: the controller (here with the embedded RDS) and the node plugin are separate
  // processes, run with the image's Node.js flags; the node plugin attaches the embedded RDS's files
  // as loop devices.
  const nodeFlags = IMAGE_NODE_FLAGS;
  const controller = spawn(process.execPath, [...nodeFlags, main, 'start', '--mode', 'controller', '--endpoint', `unix://${join(lab.dir, 'controller.sock')}`, '--node-id', hostname()], {
    cwd: lab.dir,
    env,
    stdio: 'ignore',
  });
  const nodePlugin = spawn(process.execPath, [...nodeFlags, main, 'serve', '--mode', 'node', '--endpoint', `unix://${join(lab.dir, 'node.sock')}`, '--node-id', hostname(),
    '--embedded-rds', join(lab.dir, 'var/rds'), '--attachment-store', 'memory', '--node-state-dir', join(lab.dir, 'node-state')], { cwd: lab.dir, env, stdio: 'ignore' });
  const children = [controller, nodePlugin];
  const client = await connected(join(lab.dir, 'controller.sock'), join(lab.dir, 'node.sock'));
  // Timed through a plain HTTP/2 gRPC client, as in the NVMe/TCP bench (see Http2CsiClient).
  const node = new Http2CsiClient(join(lab.dir, 'node.sock'));
  try {
    const c = client;
    const cap = mountCapability(Mode.SINGLE_NODE_WRITER, 'ext4');
    const created = await c.call<object, CreateVolumeResponse>(c.controller, 'createVolume', req.create('vol-bench', { volumeCapabilities: [cap] }));
    const published = await c.call<object, ControllerPublishVolumeResponse>(c.controller, 'controllerPublishVolume', req.publish('vol-bench', hostname(), { volumeCapability: cap }));
    const contexts = { volumeContext: created.volume!.volumeContext, publishContext: published.publishContext };
    const staging = await lab.directory('bench/staging');
    await lab.directory('bench/pod');
    const target = join(lab.dir, 'bench/pod/target');
    const cycle = async () => {
      const started = performance.now();
      await node.call(NodeService.nodeStageVolume, nodeReq.stage('vol-bench', staging, cap, contexts));
      await node.call(NodeService.nodePublishVolume, nodeReq.publish('vol-bench', staging, target, cap));
      await node.call(NodeService.nodeUnpublishVolume, nodeReq.unpublish('vol-bench', target));
      await node.call(NodeService.nodeUnstageVolume, nodeReq.unstage('vol-bench', staging));
      return performance.now() - started;
    };
    await cycle(); // formats the volume; the figure is for a formatted one

    const file = join(lab.dir, 'var/rds/files/storage-pool/metal-csi/vol-bench.img');
    const direct = async (checks: boolean) => {
      await mkdir(target, { recursive: true });
      const started = performance.now();
      const device = (await exec('losetup', ['--find', '--show', file])).stdout.trim();
      if (checks) {
        await exec('blkid', ['-p', '-o', 'export', device]);
        await exec('e2fsck', ['-p', device]);
      }
      await exec('mount', ['-t', 'ext4', device, staging]);
      await exec('mount', ['--bind', staging, target]);
      await exec('umount', [target]);
      await exec('umount', [staging]);
      await exec('losetup', ['-d', device]);
      const elapsed = performance.now() - started;
      await rm(target, { recursive: true });
      return elapsed;
    };
    // Interleaved, so load that comes and goes on the machine weighs on all three alike.
    const driver: number[] = [];
    const same: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      driver.push(await cycle());
      same.push(await direct(true));
      bare.push(await direct(false));
    }
    const cycleMs = percentile(driver, 50);
    report('node.stage_publish_cycle_ms', cycleMs, 'ms');
    report('node.overhead_ratio', cycleMs / percentile(same, 50), 'ratio');
    report('node.overhead_ratio_vs_bare_mount', cycleMs / percentile(bare, 50), 'ratio');
  } finally {
    node.close();
    client.close();
    await Promise.all(children.map(stop));
    await lab.cleanup();
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill('SIGTERM');
  return exited;
}

async function connected(controllerSocket: string, nodeSocket: string): Promise<CsiClient> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new CsiClient(controllerSocket, undefined, nodeSocket);
    const probe = await client.call<object, ProbeResponse>(client.identity, 'probe', {}, 2_000).catch(() => undefined);
    const nodeProbe = await client.call<object, ProbeResponse>(client.nodeIdentity, 'probe', {}, 2_000).catch(() => undefined);
    if (probe && probe.ready !== false && nodeProbe) return client;
    client.close();
    if (Date.now() > deadline) throw new Error('the driver did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
}
