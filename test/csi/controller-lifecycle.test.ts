import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerGetCapabilitiesResponse, CreateVolumeResponse, GetPluginCapabilitiesResponse, GetPluginInfoResponse, ProbeResponse } from '../../src/generated/csi/csi.js';
import { ControllerServiceCapability_RPC_Type as Rpc } from '../../src/generated/csi/csi.js';
import { removeDir, startDriver } from '../support/csi-driver-harness.js';
import type { DriverUnderTest } from '../support/csi-driver-harness.js';
import { blockCapability, GiB, Mode, mountCapability, req } from '../support/csi-requests.js';

describe('CSI Identity and CreateVolume/DeleteVolume over the socket, on the embedded RDS', () => {
  let t: DriverUnderTest;
  beforeAll(async () => {
    t = await startDriver();
  });
  afterAll(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  it('identifies itself with a valid name, the package version and spec-safe capabilities', async () => {
    const info = await t.client.call<object, GetPluginInfoResponse>(t.client.identity, 'getPluginInfo', {});
    expect(info.name).toBe('rds.csi.srvlab.io');
    expect(info.vendorVersion).toMatch(/^\d+\.\d+\.\d+/);
    const caps = await t.client.call<object, GetPluginCapabilitiesResponse>(t.client.identity, 'getPluginCapabilities', {});
    expect(caps.capabilities.map((c) => c.type?.$case)).toEqual(['service', 'volumeExpansion']);
    expect(await t.client.call<object, ProbeResponse>(t.client.identity, 'probe', {})).toEqual({ ready: true });
    const controllerCaps = await t.client.call<object, ControllerGetCapabilitiesResponse>(t.client.controller, 'controllerGetCapabilities', {});
    const advertised = controllerCaps.capabilities.map((c) => c.type?.value.type);
    expect(advertised).toEqual(expect.arrayContaining([Rpc.CREATE_DELETE_VOLUME, Rpc.PUBLISH_UNPUBLISH_VOLUME, Rpc.SINGLE_NODE_MULTI_WRITER, Rpc.EXPAND_VOLUME]));
    expect(advertised).not.toContain(Rpc.MODIFY_VOLUME);
  });

  it('creates a volume with exact size and NVMe context, idempotently, and deletes it (disk and file)', async () => {
    const request = req.create('pvc-11111111-2222-3333-4444-555555555555', { capacityRange: { requiredBytes: 1536n * 1024n * 1024n, limitBytes: 1536n * 1024n * 1024n } });
    const first = await t.client.call<typeof request, CreateVolumeResponse>(t.client.controller, 'createVolume', request);
    expect(first.volume).toMatchObject({ volumeId: request.name, capacityBytes: 1536n * 1024n * 1024n });
    expect(first.volume?.volumeContext).toMatchObject({ nqn: `nqn.2000-02.com.mikrotik:${request.name}`, nvmePort: '4420', volumePath: `/storage-pool/csi/${request.name}.img` });
    expect(await t.client.call(t.client.controller, 'createVolume', request)).toEqual(first);
    const sim = t.driver.connection!.embedded!.simulator;
    expect(await sim.diskSlots()).toContain(request.name);
    await t.client.call(t.client.controller, 'deleteVolume', req.delete(request.name));
    await t.client.call(t.client.controller, 'deleteVolume', req.delete(request.name));
    expect(await sim.diskSlots()).not.toContain(request.name);
    const files = (await sim.execute('/file print detail where name~"csi"')).stdout;
    expect(files).not.toContain(`${request.name}.img`);
  });

  it.each([
    ['no name', req.create(''), status.INVALID_ARGUMENT],
    ['no capabilities', req.create('v-nocap', { volumeCapabilities: [] }), status.INVALID_ARGUMENT],
    ['a capability without access type', req.create('v-notype', { volumeCapabilities: [{ accessMode: { mode: Mode.SINGLE_NODE_WRITER } }] }), status.INVALID_ARGUMENT],
    ['MULTI_NODE_MULTI_WRITER on a filesystem', req.create('v-rwxfs', { volumeCapabilities: [mountCapability(Mode.MULTI_NODE_MULTI_WRITER)] }), status.INVALID_ARGUMENT],
    ['an unknown parameter', req.create('v-param', { parameters: { volumPath: '/storage-pool/csi' } }), status.INVALID_ARGUMENT],
    ['required above limit', req.create('v-range', { capacityRange: { requiredBytes: 2n * GiB, limitBytes: GiB } }), status.OUT_OF_RANGE],
    ['a size beyond the pool', req.create('v-huge', { capacityRange: { requiredBytes: 2n * 1024n * GiB, limitBytes: 0n } }), status.RESOURCE_EXHAUSTED],
    ['a missing snapshot source', req.create('v-src', { volumeContentSource: { type: { $case: 'snapshot', value: { snapshotId: 'snap-missing' } } } }), status.NOT_FOUND],
    ['a missing volume source', req.create('v-clone', { volumeContentSource: { type: { $case: 'volume', value: { volumeId: 'pvc-missing' } } } }), status.NOT_FOUND],
  ])('CreateVolume with %s answers %s', async (_, request, code) => {
    expect(await t.client.code(t.client.controller, 'createVolume', request)).toBe(code);
  });

  it('answers ALREADY_EXISTS for the same name with another size, and accepts provisioner metadata on retries', async () => {
    await t.client.call(t.client.controller, 'createVolume', req.create('v-dup'));
    expect(await t.client.code(t.client.controller, 'createVolume', req.create('v-dup', { capacityRange: { requiredBytes: 3n * GiB, limitBytes: 0n } }))).toBe(status.ALREADY_EXISTS);
    const withMeta = req.create('v-dup', { parameters: { 'csi.storage.k8s.io/pvc/name': 'data', 'csi.storage.k8s.io/pvc/namespace': 'db', 'csi.storage.k8s.io/pv/name': 'v-dup' } });
    expect(await t.client.code(t.client.controller, 'createVolume', withMeta)).toBe(status.OK);
  });

  it('maps a 128-character name with capitals to itself with the Go NQN, and refuses its case-twin', async () => {
    const name = `sanity-${'AB12'.repeat(30)}`.slice(0, 128);
    const a = await t.client.call<object, CreateVolumeResponse>(t.client.controller, 'createVolume', req.create(name));
    expect(a.volume?.volumeId).toBe(name);
    expect(a.volume?.volumeContext.nqn).toBe(`nqn.2000-02.com.mikrotik:${name.toLowerCase()}`);
    expect(await t.client.code(t.client.controller, 'createVolume', req.create(name.toLowerCase()))).toBe(status.ALREADY_EXISTS);
  });

  it('creates a block volume for live migration and clones and restores with the content source echoed', async () => {
    await t.client.call(t.client.controller, 'createVolume', req.create('v-block', { volumeCapabilities: [blockCapability(Mode.MULTI_NODE_MULTI_WRITER)] }));
    const clone = await t.client.call<object, CreateVolumeResponse>(t.client.controller, 'createVolume', req.create('v-clone-ok', { volumeContentSource: { type: { $case: 'volume', value: { volumeId: 'v-block' } } } }));
    expect(clone.volume?.contentSource?.type).toEqual({ $case: 'volume', value: { volumeId: 'v-block' } });
    expect(clone.volume?.capacityBytes).toBe(GiB);
  });

  it('logs every RPC once with a request ID, method, volume ID, duration and code, and never the secrets', async () => {
    await t.client.code(t.client.controller, 'createVolume', req.create('v-logged', { secrets: { password: 'hunter2-secret' } }));
    const lines = t.logger.lines.filter((l) => l.message === 'rpc' && l.fields.name === 'v-logged');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.fields).toMatchObject({ method: 'CreateVolume', code: 'OK', volumeId: 'v-logged', requestId: expect.any(String), durationMs: expect.any(Number) });
    expect(t.logger.text()).not.toContain('hunter2-secret');
  });
});
