import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  VolumeCapability_AccessMode_Mode as Mode,
  VolumeUsage_Unit,
  type ControllerExpandVolumeResponse,
  type ControllerPublishVolumeResponse,
  type CreateSnapshotResponse,
  type CreateVolumeResponse,
  type GetPluginInfoResponse,
  type NodeExpandVolumeResponse,
  type NodeGetInfoResponse,
  type NodeGetVolumeStatsResponse,
  type VolumeCapability,
} from '../src/generated/csi/csi.js';
import { CsiClient } from '../test/support/csi-client.js';
import { StepRunner, failureText, formatBytes } from './demo-steps.js';

/**
 * `npm run demo [-- --endpoint unix://PATH --fs-type ext4|xfs]`: one volume's whole life through the CSI
 * socket of a running driver (`npm start`), as Kubernetes would drive it, each step printed with its
 * result and time; everything it creates is torn down at the end, even after a failed step.
 */
const GiB = 1024n ** 3n;
const { values } = parseArgs({
  options: { endpoint: { type: 'string' }, 'fs-type': { type: 'string', default: 'ext4' } },
  strict: true,
});
const endpoint = values.endpoint ?? process.env.CSI_ENDPOINT ?? 'unix://./var/csi.sock';
const socket = resolve(endpoint.replace(/^unix:\/\//, ''));
const fsType = values['fs-type'];
const capability: VolumeCapability = { accessMode: { mode: Mode.SINGLE_NODE_WRITER }, accessType: { $case: 'mount', value: { fsType, mountFlags: [], volumeMountGroup: '' } } };
const name = `pvc-demo-${randomBytes(4).toString('hex')}`;
const write = (line: string) => process.stdout.write(`${line}\n`);

// RPCs that format or grow a volume may take a while on a slow machine.
const c = new CsiClient(socket, 120_000);
const steps = new StepRunner(write);
const work = await mkdtemp(join(tmpdir(), 'rds-csi-demo-'));
const staging = join(work, 'staging');
const target = join(work, 'pod', 'volume');
// What kubelet prepares before it calls the node service: the staging directory and the target's parent.
await mkdir(staging, { recursive: true });
await mkdir(join(work, 'pod'), { recursive: true });
write(`rds-csi demo: volume ${name} (${fsType}) through ${endpoint}; kubelet paths under ${work}\n`);

try {
  await steps.step('GetPluginInfo', () => c.call<object, GetPluginInfoResponse>(c.identity, 'getPluginInfo', {}), (r) => `${r.name} ${r.vendorVersion}`);
  const { nodeId } = await steps.step('NodeGetInfo', () => c.call<object, NodeGetInfoResponse>(c.node, 'nodeGetInfo', {}), (r) => `node ${r.nodeId}`);
  const created = await steps.step(
    'CreateVolume 1 GiB',
    () => c.call<object, CreateVolumeResponse>(c.controller, 'createVolume', { name, capacityRange: { requiredBytes: GiB, limitBytes: 0n }, volumeCapabilities: [capability], parameters: {}, secrets: {}, mutableParameters: {} }),
    (r) => `${r.volume!.volumeId}, ${formatBytes(r.volume!.capacityBytes)}, NQN ${r.volume!.volumeContext['nqn'] ?? '?'}`,
  );
  const volumeId = created.volume!.volumeId;
  steps.onTeardown('DeleteVolume', async () => (await c.call(c.controller, 'deleteVolume', { volumeId, secrets: {} }), 'deleted'));
  const published = await steps.step(
    'ControllerPublishVolume',
    () => c.call<object, ControllerPublishVolumeResponse>(c.controller, 'controllerPublishVolume', { volumeId, nodeId, volumeCapability: capability, readonly: false, secrets: {}, volumeContext: created.volume!.volumeContext }),
    () => `attached to ${nodeId}`,
  );
  steps.onTeardown('ControllerUnpublishVolume', async () => (await c.call(c.controller, 'controllerUnpublishVolume', { volumeId, nodeId, secrets: {} }), 'detached'));
  // Registered before the call: NodeUnstage is idempotent and also undoes a stage that failed halfway.
  steps.onTeardown('NodeUnstageVolume', async () => (await c.call(c.node, 'nodeUnstageVolume', { volumeId, stagingTargetPath: staging }), 'unmounted and disconnected'));
  await steps.step(
    'NodeStageVolume',
    () => c.call(c.node, 'nodeStageVolume', { volumeId, stagingTargetPath: staging, volumeCapability: capability, publishContext: published.publishContext, volumeContext: created.volume!.volumeContext, secrets: {} }),
    () => `connected, formatted ${fsType} if new, mounted at ${staging}`,
  );
  steps.onTeardown('NodeUnpublishVolume', async () => (await c.call(c.node, 'nodeUnpublishVolume', { volumeId, targetPath: target }), 'unmounted'));
  await steps.step(
    'NodePublishVolume',
    () => c.call(c.node, 'nodePublishVolume', { volumeId, stagingTargetPath: staging, targetPath: target, volumeCapability: capability, readonly: false, publishContext: published.publishContext, volumeContext: created.volume!.volumeContext, secrets: {} }),
    () => `bind-mounted at ${target}`,
  );
  await steps.step('write a file', async () => {
    await writeFile(join(target, 'hello.txt'), `written by the rds-csi demo at ${new Date().toISOString()}\n`);
    return readFile(join(target, 'hello.txt'), 'utf8');
  }, (text) => `${join(target, 'hello.txt')}: ${JSON.stringify(text.trim())}`);
  const stats = (r: NodeGetVolumeStatsResponse) => {
    const bytes = r.usage.find((u) => u.unit === VolumeUsage_Unit.BYTES);
    return `${formatBytes(bytes?.used ?? 0n)} used of ${formatBytes(bytes?.total ?? 0n)}${r.volumeCondition?.abnormal ? `, ABNORMAL: ${r.volumeCondition.message}` : ', healthy'}`;
  };
  await steps.step('NodeGetVolumeStats', () => c.call<object, NodeGetVolumeStatsResponse>(c.node, 'nodeGetVolumeStats', { volumeId, volumePath: target, stagingTargetPath: staging }), stats);
  await steps.step(
    'ControllerExpandVolume 2 GiB',
    () => c.call<object, ControllerExpandVolumeResponse>(c.controller, 'controllerExpandVolume', { volumeId, capacityRange: { requiredBytes: 2n * GiB, limitBytes: 0n }, secrets: {}, volumeCapability: capability }),
    (r) => `${formatBytes(r.capacityBytes)} on the RDS, node expansion ${r.nodeExpansionRequired ? 'required' : 'not needed'}`,
  );
  await steps.step(
    'NodeExpandVolume',
    () => c.call<object, NodeExpandVolumeResponse>(c.node, 'nodeExpandVolume', { volumeId, volumePath: target, stagingTargetPath: staging, capacityRange: { requiredBytes: 2n * GiB, limitBytes: 0n }, volumeCapability: capability, secrets: {} }),
    (r) => `file system grown online to ${formatBytes(r.capacityBytes)}`,
  );
  await steps.step('NodeGetVolumeStats', () => c.call<object, NodeGetVolumeStatsResponse>(c.node, 'nodeGetVolumeStats', { volumeId, volumePath: target, stagingTargetPath: staging }), stats);
  const snapshot = await steps.step(
    'CreateSnapshot',
    () => c.call<object, CreateSnapshotResponse>(c.controller, 'createSnapshot', { sourceVolumeId: volumeId, name: `snapshot-${name}`, secrets: {}, parameters: {} }),
    (r) => `${r.snapshot!.snapshotId}, ${formatBytes(r.snapshot!.sizeBytes)}, ready ${String(r.snapshot!.readyToUse)}`,
  );
  const snapshotId = snapshot.snapshot!.snapshotId;
  steps.onTeardown('DeleteSnapshot', async () => (await c.call(c.controller, 'deleteSnapshot', { snapshotId, secrets: {} }), 'deleted'));
} catch {
  write('\na step failed; tearing down what was set up');
} finally {
  write('\ntear down:');
  await steps.teardown();
  c.close();
  await rm(work, { recursive: true, force: true }).catch((e: unknown) => write(`could not remove ${work}: ${failureText(e)}`));
}
write(
  `\n${steps.failed ? `FAILED (see the steps above; the tear-down steps show what of ${name} was removed)` : `done: volume ${name} and its snapshot are gone`}; ${work} removed.\n` +
    'To clean up completely: stop the driver (Ctrl-C in its terminal) and delete its data directory, ./var by default ' +
    '(rm -rf ./var): the simulated RDS pool and the node state live there. The driver\'s log shows every call above with its request ID.',
);
process.exitCode = steps.failed ? 1 : 0;
