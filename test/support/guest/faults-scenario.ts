import { spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateVolumeResponse, NodeGetVolumeStatsResponse } from '../../../src/generated/csi/csi.js';
import { Mode, mountCapability, nodeReq, req } from '../csi-requests.js';
import { connectedNqns, type GuestRig, NVME_PORT, pattern, sh } from './guest-rig.js';
import { PATTERN_BYTES, place, type Placed, readPattern, type Report, unplace, writePattern } from './lifecycle-scenario.js';

const NQN_PREFIX = 'nqn.2000-02.com.mikrotik:';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Faults on the real NVMe/TCP stack, one after another on one rig: the target port away for less
 * and for more than ctrl-loss-tmo, the node plugin killed with SIGKILL, the RDS restarted, and
 * disconnects that fail or lie. Each step reports what a host-side test asserts.
 */
export async function faults(rig: GuestRig, report: Report): Promise<void> {
  await portBlip(rig, report);
  await portLost(rig, report);
  await pluginKilled(rig, report);
  await rdsRestart(rig, report);
  await unstageVerified(rig, report);
}

async function createPlaced(rig: GuestRig, name: string, parameters: Record<string, string>): Promise<Placed> {
  const cap = mountCapability(Mode.SINGLE_NODE_WRITER, 'ext4');
  const c = rig.client;
  const created = await c.call<object, CreateVolumeResponse>(c.controller, 'createVolume', req.create(name, { volumeCapabilities: [cap], parameters }));
  return place(rig, created.volume!.volumeId, cap, created.volume!.volumeContext, join(rig.dir, 'kubelet', name));
}

async function remove(rig: GuestRig, vol: Placed): Promise<void> {
  await unplace(rig, vol);
  await rig.client.call(rig.client.controller, 'deleteVolume', req.delete(vol.id));
}

/** The port goes away during I/O and comes back within ctrl-loss-tmo: the I/O waits, then completes. */
async function portBlip(rig: GuestRig, report: Report): Promise<void> {
  const vol = await createPlaced(rig, 'pvc-fault-blip', { ctrlLossTmo: '120', reconnectDelay: '1' });
  const data = pattern('blip', PATTERN_BYTES);
  await writePattern(vol, 'ext4', data.data);
  await rig.simulator.nvmePortDown(NVME_PORT);
  const writer = spawn('dd', ['if=/dev/zero', `of=${join(vol.target, 'during-outage.bin')}`, 'bs=1M', 'count=8', 'oflag=direct'], { stdio: 'ignore' });
  const writerExit = new Promise<number | null>((resolve) => writer.once('exit', (code) => resolve(code)));
  await sleep(8_000);
  const stalledWhileDown = writer.exitCode === null;
  await rig.simulator.nvmePortUp(NVME_PORT);
  const ddExit = await Promise.race([writerExit, sleep(120_000).then(() => 'timeout' as const)]);
  report('port-blip', {
    id: vol.id,
    stalledWhileDown,
    ddExit,
    writtenBytes: (await stat(join(vol.target, 'during-outage.bin'))).size,
    sha256: data.sha256,
    readBack: await readPattern(vol, 'ext4'),
    nqns: await connectedNqns(),
  });
  await remove(rig, vol);
}

/** The port stays away past ctrl-loss-tmo: the controller goes, the condition turns abnormal, unstage still ends, a new stage reconnects. */
async function portLost(rig: GuestRig, report: Report): Promise<void> {
  const c = rig.client;
  const vol = await createPlaced(rig, 'pvc-fault-lost', { ctrlLossTmo: '5', reconnectDelay: '1' });
  const nqn = `${NQN_PREFIX}${vol.id.toLowerCase()}`;
  const data = pattern('lost', PATTERN_BYTES);
  await writePattern(vol, 'ext4', data.data);
  await sh('sync', []);
  await rig.simulator.nvmePortDown(NVME_PORT);
  const down = Date.now();
  while ((await connectedNqns()).includes(nqn) && Date.now() - down < 90_000) await sleep(500);
  const lostAfterMs = Date.now() - down;
  const stats = await c.call<object, NodeGetVolumeStatsResponse>(c.node, 'nodeGetVolumeStats', nodeReq.stats(vol.id, vol.target));
  const t0 = Date.now();
  const unpublish = await c.code(c.node, 'nodeUnpublishVolume', nodeReq.unpublish(vol.id, vol.target), 120_000);
  const unstage = await c.code(c.node, 'nodeUnstageVolume', nodeReq.unstage(vol.id, vol.staging), 120_000);
  const unstageMs = Date.now() - t0;
  await rig.simulator.nvmePortUp(NVME_PORT);
  await c.call(c.node, 'nodeStageVolume', nodeReq.stage(vol.id, vol.staging, vol.cap, vol.contexts), 120_000);
  await c.call(c.node, 'nodePublishVolume', nodeReq.publish(vol.id, vol.staging, vol.target, vol.cap));
  report('port-lost', {
    id: vol.id,
    lostAfterMs,
    abnormal: stats.volumeCondition?.abnormal ?? false,
    message: stats.volumeCondition?.message ?? '',
    unpublish,
    unstage,
    unstageMs,
    restagedNqns: await connectedNqns(),
    sha256: data.sha256,
    readBack: await readPattern(vol, 'ext4'),
  });
  await remove(rig, vol);
}

/** SIGKILL of the node plugin while staged, then a restart: repeats are idempotent and nothing is reformatted. */
async function pluginKilled(rig: GuestRig, report: Report): Promise<void> {
  const vol = await createPlaced(rig, 'pvc-fault-kill', {});
  const data = pattern('kill', PATTERN_BYTES);
  await writePattern(vol, 'ext4', data.data);
  await rig.killDriver();
  await rig.startDriver();
  const c = rig.client;
  const codes = {
    stage: await c.code(c.node, 'nodeStageVolume', nodeReq.stage(vol.id, vol.staging, vol.cap, vol.contexts), 120_000),
    publish: await c.code(c.node, 'nodePublishVolume', nodeReq.publish(vol.id, vol.staging, vol.target, vol.cap)),
    stageAgain: await c.code(c.node, 'nodeStageVolume', nodeReq.stage(vol.id, vol.staging, vol.cap, vol.contexts), 120_000),
  };
  const readBack = await readPattern(vol, 'ext4');
  const teardown = {
    unpublish: await c.code(c.node, 'nodeUnpublishVolume', nodeReq.unpublish(vol.id, vol.target)),
    unpublishAgain: await c.code(c.node, 'nodeUnpublishVolume', nodeReq.unpublish(vol.id, vol.target)),
    unstage: await c.code(c.node, 'nodeUnstageVolume', nodeReq.unstage(vol.id, vol.staging), 120_000),
    unstageAgain: await c.code(c.node, 'nodeUnstageVolume', nodeReq.unstage(vol.id, vol.staging), 120_000),
  };
  report('plugin-killed', { id: vol.id, ...codes, ...teardown, sha256: data.sha256, readBack, formatted: countFormats(rig.log(), vol.id), nqns: await connectedNqns() });
  await c.call(c.controller, 'controllerUnpublishVolume', req.unpublish(vol.id, 'guest'));
  await c.call(c.controller, 'deleteVolume', req.delete(vol.id));
}

function countFormats(log: string, volumeId: string): number {
  return log.split('\n').filter((l) => l.includes('formatting a blank volume') && l.includes(`"${volumeId}"`)).length;
}

/** The RDS restarts (SSH and exports gone, then back from its state): staged volumes work again, and doctor says so. */
async function rdsRestart(rig: GuestRig, report: Report): Promise<void> {
  const vol = await createPlaced(rig, 'pvc-fault-rds', {});
  const data = pattern('rds', PATTERN_BYTES);
  await writePattern(vol, 'ext4', data.data);
  await rig.stopRds();
  const doctorWhileDown = await doctorLine(rig);
  await sleep(5_000);
  await rig.startRds();
  const after = pattern('rds-after', PATTERN_BYTES);
  await writeFile(join(vol.target, 'after.bin'), after.data, { flush: true });
  const deadline = Date.now() + 60_000;
  let doctorAfter = await doctorLine(rig);
  while (!doctorAfter.startsWith('PASS') && Date.now() < deadline) {
    await sleep(1_000);
    doctorAfter = await doctorLine(rig);
  }
  report('rds-restart', { id: vol.id, sha256: data.sha256, readBack: await readPattern(vol, 'ext4'), doctorWhileDown, doctorAfter, nqns: await connectedNqns() });
  await remove(rig, vol);
}

/** `rds-csi doctor` on the node: its "staged volumes connected" line. */
async function doctorLine(rig: GuestRig): Promise<string> {
  const out = await rig.doctor();
  return out.split('\n').find((l) => l.includes('staged volumes connected')) ?? `no such line in: ${out}`;
}

/** A disconnect that fails, or exits 0 without disconnecting, fails NodeUnstage naming the NQN. */
async function unstageVerified(rig: GuestRig, report: Report): Promise<void> {
  const c = rig.client;
  const vol = await createPlaced(rig, 'pvc-fault-unstage', {});
  const nqn = `${NQN_PREFIX}${vol.id.toLowerCase()}`;
  await c.call(c.node, 'nodeUnpublishVolume', nodeReq.unpublish(vol.id, vol.target));
  const attempt = async (fault: 'lie' | 'fail') => {
    await rig.setDisconnectFault(fault);
    try {
      await c.call(c.node, 'nodeUnstageVolume', nodeReq.unstage(vol.id, vol.staging), 120_000);
      return { code: 0, message: '' };
    } catch (error) {
      return { code: (error as { code: number }).code, message: (error as Error).message };
    }
  };
  const lie = await attempt('lie');
  const fail = await attempt('fail');
  await rig.setDisconnectFault(undefined);
  await c.call(c.node, 'nodeUnstageVolume', nodeReq.unstage(vol.id, vol.staging), 120_000);
  const nqnsRightAfter = await connectedNqns();
  report('unstage-verified', { nqn, lie, fail, nqnsRightAfter });
  await c.call(c.controller, 'controllerUnpublishVolume', req.unpublish(vol.id, 'guest'));
  await c.call(c.controller, 'deleteVolume', req.delete(vol.id));
}
