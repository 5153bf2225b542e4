import { status } from '@grpc/grpc-js';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeGetVolumeStatsResponse } from '../../src/generated/csi/csi.js';
import { GiB, Mode, mountCapability } from '../support/csi-requests.js';
import { nodeReq, provision, startNodeDriver } from '../support/node-harness.js';

const exec = promisify(execFile);
const sourceAt = async (path: string) =>
  (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.split(' ')[4] === path).map((l) => l.split(' - ')[1]!.split(' ')[1]!);

describe('node health: stale staging mounts and volume conditions', () => {
  let env: Awaited<ReturnType<typeof startNodeDriver>>;
  const cap = mountCapability(Mode.SINGLE_NODE_WRITER, 'ext4');
  beforeEach(async () => {
    env = await startNodeDriver();
  });
  afterEach(async () => env.stop());

  it('refuses to stage over a staging path mounted from another live device, and leaves that mount alone', async () => {
    const { t, lab } = env;
    const contexts = await provision(t, 'vol-h1', cap, GiB);
    const staging = await lab.directory('h1/staging');
    const other = await lab.device('foreign.img', 64 * 1024 * 1024);
    await exec('mkfs.ext4', ['-q', other.device]);
    await exec('mount', [other.device, staging]);
    const withPvc = { ...contexts, volumeContext: { ...contexts.volumeContext, 'csi.storage.k8s.io/pvc/name': 'data', 'csi.storage.k8s.io/pvc/namespace': 'db' } };
    expect(await t.client.code(t.client.node, 'nodeStageVolume', nodeReq.stage('vol-h1', staging, cap, withPvc))).toBe(status.FAILED_PRECONDITION);
    expect(await sourceAt(staging)).toEqual([other.device]);
    const events = t.logger.lines.filter((l) => l.message === 'volume event');
    expect(events.map((e) => [e.fields.reason, e.fields.pvc])).toEqual([['MountFailure', 'db/data']]);
    expect(events[0]!.fields.detail).toMatch(/mounted from \/dev\/loop/);
  });

  it('repairs a staging mount whose device file has vanished, mounting the volume instead (never stacking)', async () => {
    const { t, lab } = env;
    const contexts = await provision(t, 'vol-h2', cap, GiB);
    const staging = await lab.directory('h2/staging');
    const old = await lab.device('old.img', 64 * 1024 * 1024);
    await exec('mkfs.ext4', ['-q', old.device]);
    const stat = (await exec('stat', ['-c', '%t %T', old.device])).stdout.trim().split(' ').map((h) => parseInt(h, 16));
    const vanishing = join(lab.dir, 'renamed-device');
    await exec('mknod', [vanishing, 'b', String(stat[0]), String(stat[1])]);
    await exec('mount', [vanishing, staging]);
    await rm(vanishing);
    const withPvc = { ...contexts, volumeContext: { ...contexts.volumeContext, 'csi.storage.k8s.io/pvc/name': 'vm-disk', 'csi.storage.k8s.io/pvc/namespace': 'vms' } };
    expect(await t.client.code(t.client.node, 'nodeStageVolume', nodeReq.stage('vol-h2', staging, cap, withPvc))).toBe(status.OK);
    expect(t.logger.lines.filter((l) => l.message === 'volume event').map((e) => [e.fields.reason, e.fields.pvc])).toEqual([['StaleMountRepaired', 'vms/vm-disk']]);
    const sources = await sourceAt(staging);
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatch(/^\/dev\/loop\d+$/);
    expect(sources[0]).not.toBe(old.device);
    expect(t.logger.lines.some((l) => l.message === 'repairing a stale staging mount whose device has gone')).toBe(true);
  });

  it('reports an abnormal condition once the volume device has gone, and a healthy one before', async () => {
    const { t, lab } = env;
    const contexts = await provision(t, 'vol-h3', cap, GiB);
    const staging = await lab.directory('h3/staging');
    await t.client.call(t.client.node, 'nodeStageVolume', nodeReq.stage('vol-h3', staging, cap, contexts));
    const healthy = await t.client.call<object, NodeGetVolumeStatsResponse>(t.client.node, 'nodeGetVolumeStats', nodeReq.stats('vol-h3', staging));
    expect(healthy.volumeCondition).toEqual({ abnormal: false, message: 'volume is healthy' });
    expect(healthy.usage.map((u) => u.unit)).toEqual([1, 2]);
    await rm(t.driver.connection!.embedded!.simulator.backingFilePath('/storage-pool/csi/vol-h3.img'));
    const gone = await t.client.call<object, NodeGetVolumeStatsResponse>(t.client.node, 'nodeGetVolumeStats', nodeReq.stats('vol-h3', staging));
    expect(gone.volumeCondition?.abnormal).toBe(true);
    expect(gone.volumeCondition?.message).toMatch(/device is gone/);
  });
});
