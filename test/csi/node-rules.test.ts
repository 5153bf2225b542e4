import { status } from '@grpc/grpc-js';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeGetCapabilitiesResponse, NodeGetInfoResponse } from '../../src/generated/csi/csi.js';
import { NodeServiceCapability_RPC_Type as Rpc } from '../../src/generated/csi/csi.js';
import { blockCapability, GiB, Mode, mountCapability } from '../support/csi-requests.js';
import { nodeReq, provision, startNodeDriver } from '../support/node-harness.js';

const exec = promisify(execFile);
const mountsAt = async (path: string) => (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.split(' ')[4] === path).length;

describe('Node RPC rules: idempotency, second publishes and error codes', () => {
  let env: Awaited<ReturnType<typeof startNodeDriver>>;
  let staging: string;
  let contexts: Awaited<ReturnType<typeof provision>>;
  const cap = mountCapability(Mode.SINGLE_NODE_SINGLE_WRITER, 'ext4');
  const id = 'vol-rules';

  beforeAll(async () => {
    env = await startNodeDriver(['--max-volumes-per-node', '16']);
    contexts = await provision(env.t, id, cap, GiB);
    staging = await env.lab.directory('rules/staging');
    await env.lab.directory('rules/pods');
  });
  afterAll(async () => env.stop());

  const code = (method: string, request: object) => env.t.client.code(env.t.client.node, method, request);
  const target = (name: string) => join(env.lab.dir, 'rules/pods', name);

  it('reports node ID, volume limit and capabilities', async () => {
    const info = await env.t.client.call<object, NodeGetInfoResponse>(env.t.client.node, 'nodeGetInfo', {});
    expect(info).toMatchObject({ nodeId: 'node-1', maxVolumesPerNode: 16n });
    const caps = await env.t.client.call<object, NodeGetCapabilitiesResponse>(env.t.client.node, 'nodeGetCapabilities', {});
    expect(caps.capabilities.map((c) => c.type?.value.type).sort()).toEqual(
      [Rpc.STAGE_UNSTAGE_VOLUME, Rpc.GET_VOLUME_STATS, Rpc.EXPAND_VOLUME, Rpc.VOLUME_CONDITION, Rpc.SINGLE_NODE_MULTI_WRITER].sort(),
    );
  });

  it('stage and publish repeated 10 times change nothing after the first', async () => {
    for (let i = 0; i < 10; i += 1) expect(await code('nodeStageVolume', nodeReq.stage(id, staging, cap, contexts))).toBe(status.OK);
    expect(await mountsAt(staging)).toBe(1);
    const probe = (await exec('blkid', ['-o', 'value', '-s', 'UUID', (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').find((l) => l.split(' ')[4] === staging)!.split(' - ')[1]!.split(' ')[1]!])).stdout.trim();
    for (let i = 0; i < 10; i += 1) expect(await code('nodePublishVolume', nodeReq.publish(id, staging, target('a'), cap))).toBe(status.OK);
    expect(await mountsAt(target('a'))).toBe(1);
    const again = (await exec('blkid', ['-o', 'value', '-s', 'UUID', (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').find((l) => l.split(' ')[4] === staging)!.split(' - ')[1]!.split(' ')[1]!])).stdout.trim();
    expect(again).toBe(probe);
  });

  it('applies the table of second publishes', async () => {
    expect(await code('nodePublishVolume', nodeReq.publish(id, staging, target('a'), cap, true))).toBe(status.ALREADY_EXISTS);
    expect(await code('nodePublishVolume', nodeReq.publish(id, staging, target('b'), cap))).toBe(status.FAILED_PRECONDITION);
  });

  it.each([
    ['NodeStage without volume ID', 'nodeStageVolume', () => nodeReq.stage('', staging, cap, contexts), status.INVALID_ARGUMENT],
    ['NodeStage without staging path', 'nodeStageVolume', () => nodeReq.stage(id, '', cap, contexts), status.INVALID_ARGUMENT],
    ['NodeStage at a relative staging path', 'nodeStageVolume', () => nodeReq.stage(id, 'rules/staging', cap, contexts), status.INVALID_ARGUMENT],
    ['NodeStage at a staging path with ..', 'nodeStageVolume', () => nodeReq.stage(id, `${staging}/../staging`, cap, contexts), status.INVALID_ARGUMENT],
    ['NodeStage without capability', 'nodeStageVolume', () => ({ ...nodeReq.stage(id, staging, cap, contexts), volumeCapability: undefined }), status.INVALID_ARGUMENT],
    ['NodeStage with an unsupported capability', 'nodeStageVolume', () => nodeReq.stage(id, staging, mountCapability(Mode.MULTI_NODE_MULTI_WRITER), contexts), status.FAILED_PRECONDITION],
    ['NodeStage as block over a filesystem staging', 'nodeStageVolume', () => nodeReq.stage(id, staging, blockCapability(), contexts), status.ALREADY_EXISTS],
    ['NodeStage without an NQN in any context', 'nodeStageVolume', () => nodeReq.stage('vol-ctx', staging, cap, { volumeContext: {}, publishContext: {} }), status.INVALID_ARGUMENT],
    ['NodePublish without target', 'nodePublishVolume', () => nodeReq.publish(id, staging, '', cap), status.INVALID_ARGUMENT],
    ['NodePublish without staging path', 'nodePublishVolume', () => nodeReq.publish(id, '', target('c'), cap), status.FAILED_PRECONDITION],
    ['NodePublish of a volume not staged', 'nodePublishVolume', () => nodeReq.publish('vol-unstaged', staging, target('c'), cap), status.FAILED_PRECONDITION],
    ['NodeUnpublish without target', 'nodeUnpublishVolume', () => nodeReq.unpublish(id, ''), status.INVALID_ARGUMENT],
    ['NodeUnstage without staging path', 'nodeUnstageVolume', () => nodeReq.unstage(id, ''), status.INVALID_ARGUMENT],
    ['NodeGetVolumeStats on a path that is not the volume', 'nodeGetVolumeStats', () => nodeReq.stats(id, '/tmp'), status.NOT_FOUND],
    ['NodeGetVolumeStats without a path', 'nodeGetVolumeStats', () => nodeReq.stats(id, ''), status.INVALID_ARGUMENT],
    ['NodeExpandVolume on a path that is not the volume', 'nodeExpandVolume', () => nodeReq.expand(id, '/tmp', GiB), status.NOT_FOUND],
  ])('%s answers %s', async (_, method, request, expected) => {
    expect(await code(method, request())).toBe(expected);
  });

  it('refuses to unstage while published, then unpublishes and unstages 10 times each, idempotently', async () => {
    expect(await code('nodeUnstageVolume', nodeReq.unstage(id, staging))).toBe(status.FAILED_PRECONDITION);
    for (let i = 0; i < 10; i += 1) expect(await code('nodeUnpublishVolume', nodeReq.unpublish(id, target('a')))).toBe(status.OK);
    expect(await mountsAt(target('a'))).toBe(0);
    for (let i = 0; i < 10; i += 1) expect(await code('nodeUnstageVolume', nodeReq.unstage(id, staging))).toBe(status.OK);
    expect(await mountsAt(staging)).toBe(0);
    expect(await code('nodeUnpublishVolume', nodeReq.unpublish('vol-never', target('zzz')))).toBe(status.OK);
    expect(await code('nodeUnstageVolume', nodeReq.unstage('vol-never', staging))).toBe(status.OK);
  });

  it('never formats a volume that already holds a file system', async () => {
    await exec('touch', [join(env.lab.dir, 'marker')]);
    expect(await code('nodeStageVolume', nodeReq.stage(id, staging, cap, contexts))).toBe(status.OK);
    expect(await code('nodePublishVolume', nodeReq.publish(id, staging, target('d'), cap))).toBe(status.OK);
    await exec('sh', ['-c', `echo precious > ${target('d')}/data`]);
    await code('nodeUnpublishVolume', nodeReq.unpublish(id, target('d')));
    await code('nodeUnstageVolume', nodeReq.unstage(id, staging));
    expect(await code('nodeStageVolume', nodeReq.stage(id, staging, mountCapability(Mode.SINGLE_NODE_SINGLE_WRITER, 'xfs'), contexts))).toBe(status.OK);
    expect(await code('nodePublishVolume', nodeReq.publish(id, staging, target('e'), mountCapability(Mode.SINGLE_NODE_SINGLE_WRITER, 'xfs')))).toBe(status.OK);
    expect(await readFile(join(target('e'), 'data'), 'utf8')).toBe('precious\n');
  });
});
