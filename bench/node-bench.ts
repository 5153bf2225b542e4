import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { GiB, Mode, mountCapability } from '../test/support/csi-requests.js';
import { nodeReq, provision, startNodeDriver } from '../test/support/node-harness.js';
import { percentile, report } from './report.js';

const exec = promisify(execFile);
const ROUNDS = 20;

/**
 * node.stage_publish_cycle_ms: NodeStage + NodePublish + NodeUnpublish + NodeUnstage of a formatted
 * 1 GiB ext4 volume through the socket (median of ROUNDS).
 * node.overhead_ratio: that time divided by the same host commands the driver runs, run directly in
 * the same order: losetup (connect), blkid -p, e2fsck -p, mount, mount --bind, umount twice,
 * losetup -d: what the driver adds on top of its commands.
 * node.overhead_ratio_vs_bare_mount: the cycle divided by the bare minimum without the no-data-loss
 * checks (no blkid, no e2fsck): what those checks and the driver cost together.
 */
export async function nodeBenchmarks(): Promise<void> {
  const env = await startNodeDriver();
  try {
    const { t, lab } = env;
    const c = t.client;
    const cap = mountCapability(Mode.SINGLE_NODE_WRITER, 'ext4');
    const contexts = await provision(t, 'pvc-bench', cap, GiB);
    const staging = await lab.directory('bench/staging');
    await lab.directory('bench/pod');
    const target = join(lab.dir, 'bench/pod/target');
    const cycle = async () => {
      const started = performance.now();
      await c.call(c.node, 'nodeStageVolume', nodeReq.stage('pvc-bench', staging, cap, contexts));
      await c.call(c.node, 'nodePublishVolume', nodeReq.publish('pvc-bench', staging, target, cap));
      await c.call(c.node, 'nodeUnpublishVolume', nodeReq.unpublish('pvc-bench', target));
      await c.call(c.node, 'nodeUnstageVolume', nodeReq.unstage('pvc-bench', staging));
      return performance.now() - started;
    };
    await cycle(); // formats the volume; the figure is for a formatted one
    const driver: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) driver.push(await cycle());

    const file = t.driver.connection!.embedded!.simulator.backingFilePath('/storage-pool/csi/pvc-bench.img');
    await lab.directory('bench/pod/target');
    const direct = async (checks: boolean) => {
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
      return performance.now() - started;
    };
    const same: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      same.push(await direct(true));
      bare.push(await direct(false));
    }
    const cycleMs = percentile(driver, 50);
    report('node.stage_publish_cycle_ms', cycleMs, 'ms');
    report('node.overhead_ratio', cycleMs / percentile(same, 50), 'ratio');
    report('node.overhead_ratio_vs_bare_mount', cycleMs / percentile(bare, 50), 'ratio');
  } finally {
    await env.stop();
  }
}
