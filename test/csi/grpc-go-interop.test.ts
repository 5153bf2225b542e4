import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerService, CreateVolumeRequest, IdentityService, NodeService, NodeUnstageVolumeRequest } from '../../src/generated/csi/csi.js';
import { removeDir, startDriver } from '../support/csi-driver-harness.js';
import type { DriverUnderTest } from '../support/csi-driver-harness.js';
import { req } from '../support/csi-requests.js';
import { GoGrpcClient } from '../support/go-grpc-client.js';

const OK = 0;
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;
const MiB = 1024 * 1024;

/**
 * kubelet and the CSI sidecars are Go programs on grpc-go. The driver's server, in this process with
 * the embedded RDS, is called here through grpc-go itself (Debian's build, test/support/go-grpc-client):
 * framing, headers, status codes and messages, flow control and message limits as that client sees them.
 */
describe('the CSI server, called through grpc-go', () => {
  let t: DriverUnderTest;
  let go: GoGrpcClient;
  beforeAll(async () => {
    t = await startDriver();
    go = await GoGrpcClient.connect(t.driver.socketPath);
  }, 300_000);
  afterAll(async () => {
    await go?.close();
    await t?.stop();
    if (t) await removeDir(t.dir);
  });

  it('answers Probe and GetPluginInfo', async () => {
    expect(await go.call(IdentityService.probe, {})).toEqual({ code: OK, message: '', response: { ready: true } });
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    const info = await go.call(IdentityService.getPluginInfo, {});
    expect(info.code).toBe(OK);
    expect(info.response).toMatchObject({ name: 'rds.csi.srvlab.io', vendorVersion: version });
  });

  it('carries a volume through create, publish, unpublish and delete', async () => {
    const created = await go.call(ControllerService.createVolume, req.create('pvc-grpc-go'));
    expect(created.code).toBe(OK);
    const volumeId = created.response!.volume!.volumeId;
    expect(created.response!.volume!.capacityBytes).toBe(BigInt(1024 * MiB));
    const published = await go.call(ControllerService.controllerPublishVolume, req.publish(volumeId, 'node-1'));
    expect(published.code).toBe(OK);
    expect(published.response!.publishContext).toEqual(expect.any(Object));
    expect((await go.call(ControllerService.controllerUnpublishVolume, req.unpublish(volumeId, 'node-1'))).code).toBe(OK);
    expect((await go.call(ControllerService.deleteVolume, req.delete(volumeId))).code).toBe(OK);
  });

  it('hands over status codes and messages intact, non-ASCII and percent signs included', async () => {
    const invalid = await go.call(NodeService.nodeUnstageVolume, NodeUnstageVolumeRequest.fromPartial({ volumeId: 'vol-ü%20x', stagingTargetPath: '/x' }));
    expect(invalid).toEqual({
      code: INVALID_ARGUMENT,
      message: `volume_id "vol-ü%20x" is invalid: use 1 to 198 letters, digits, '-', '.' or '_', not starting with '-' or '.'`,
    });
    const missing = await go.call(ControllerService.controllerPublishVolume, req.publish('pvc-never-created', 'node-1'));
    expect(missing.code).toBe(NOT_FOUND);
    expect(missing.message).toContain('pvc-never-created');
  });

  it('answers a method it does not serve with UNIMPLEMENTED', async () => {
    const result = await go.callRaw('/csi.v1.Node/NodeFutureVolume', Buffer.alloc(0));
    expect(result.code).toBe(UNIMPLEMENTED);
  });

  it('takes a request of several HTTP/2 windows, and refuses one over its 16 MiB limit with RESOURCE_EXHAUSTED', async () => {
    const large = CreateVolumeRequest.fromPartial({ ...req.create('pvc-grpc-go-large'), parameters: { filler: 'x'.repeat(MiB) } });
    const answered = await go.call(ControllerService.createVolume, large);
    expect(answered.code).toBe(INVALID_ARGUMENT);
    expect(answered.message).toContain('filler');
    const oversized = CreateVolumeRequest.fromPartial({ ...req.create('pvc-grpc-go-oversized'), parameters: { filler: 'x'.repeat(17 * MiB) } });
    expect((await go.call(ControllerService.createVolume, oversized)).code).toBe(RESOURCE_EXHAUSTED);
    expect(await go.call(IdentityService.probe, {})).toMatchObject({ code: OK });
  });
});
