import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ControllerExpandVolumeResponse,
  ControllerGetVolumeResponse,
  CreateSnapshotResponse,
  GetCapacityResponse,
  ListSnapshotsResponse,
  ListVolumesResponse,
  ValidateVolumeCapabilitiesResponse,
} from '../../src/generated/csi/csi.js';
import { ControllerModifyVolumeRequest } from '../../src/generated/csi/csi.js';
import { removeDir, startDriver } from '../support/csi-driver-harness.js';
import type { DriverUnderTest } from '../support/csi-driver-harness.js';
import { blockCapability, GiB, Mode, mountCapability, req } from '../support/csi-requests.js';

describe('Controller queries, expansion and snapshots over the socket', () => {
  let t: DriverUnderTest;
  beforeAll(async () => {
    t = await startDriver();
    for (const id of ['q-a', 'q-b', 'q-c']) await t.client.call(t.client.controller, 'createVolume', req.create(id));
    await t.client.call(t.client.controller, 'controllerPublishVolume', req.publish('q-b', 'node-1'));
  });
  afterAll(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  it('validates capabilities: confirmed, unconfirmed with a message, NOT_FOUND, INVALID_ARGUMENT', async () => {
    const ok = await t.client.call<object, ValidateVolumeCapabilitiesResponse>(t.client.controller, 'validateVolumeCapabilities', req.validate('q-a'));
    expect(ok.confirmed?.volumeCapabilities).toHaveLength(1);
    const no = await t.client.call<object, ValidateVolumeCapabilitiesResponse>(t.client.controller, 'validateVolumeCapabilities', req.validate('q-a', [mountCapability(Mode.MULTI_NODE_MULTI_WRITER)]));
    expect(no.confirmed).toBeUndefined();
    expect(no.message).toMatch(/block/);
    expect(await t.client.code(t.client.controller, 'validateVolumeCapabilities', req.validate('q-zzz'))).toBe(status.NOT_FOUND);
    expect(await t.client.code(t.client.controller, 'validateVolumeCapabilities', req.validate('q-a', []))).toBe(status.INVALID_ARGUMENT);
  });

  it('lists volumes page by page with published nodes; a bad token is ABORTED', async () => {
    const first = await t.client.call<object, ListVolumesResponse>(t.client.controller, 'listVolumes', req.list(2));
    expect(first.entries.map((e) => e.volume?.volumeId)).toEqual(['q-a', 'q-b']);
    expect(first.entries[1]?.status?.publishedNodeIds).toEqual(['node-1']);
    const rest = await t.client.call<object, ListVolumesResponse>(t.client.controller, 'listVolumes', req.list(2, first.nextToken));
    expect(rest.entries.map((e) => e.volume?.volumeId)).toEqual(['q-c']);
    expect(rest.nextToken).toBe('');
    expect(await t.client.code(t.client.controller, 'listVolumes', req.list(2, 'not-a-token'))).toBe(status.ABORTED);
  });

  it('reports capacity and the largest possible volume from the pool', async () => {
    const answer = await t.client.call<object, GetCapacityResponse>(t.client.controller, 'getCapacity', req.capacity());
    expect(answer.availableCapacity).toBeGreaterThan(0n);
    expect(answer.maximumVolumeSize).toBeLessThanOrEqual(answer.availableCapacity);
    expect(await t.client.code(t.client.controller, 'getCapacity', req.capacity({ parameters: { volumePath: '/etc' } }))).toBe(status.INVALID_ARGUMENT);
  });

  it('expands online to the exact size, idempotently; block needs no node expansion', async () => {
    const grown = await t.client.call<object, ControllerExpandVolumeResponse>(t.client.controller, 'controllerExpandVolume', req.expand('q-b', 3n * GiB / 2n));
    expect(grown).toEqual({ capacityBytes: 3n * GiB / 2n, nodeExpansionRequired: true });
    const again = await t.client.call<object, ControllerExpandVolumeResponse>(t.client.controller, 'controllerExpandVolume', req.expand('q-b', GiB, { volumeCapability: blockCapability() }));
    expect(again).toEqual({ capacityBytes: 3n * GiB / 2n, nodeExpansionRequired: false });
    expect(await t.client.code(t.client.controller, 'controllerExpandVolume', req.expand('q-zzz', 2n * GiB))).toBe(status.NOT_FOUND);
    expect(await t.client.code(t.client.controller, 'controllerExpandVolume', req.expand('', 2n * GiB))).toBe(status.INVALID_ARGUMENT);
    expect(await t.client.code(t.client.controller, 'controllerExpandVolume', req.expand('q-a', 0n, { capacityRange: undefined }))).toBe(status.INVALID_ARGUMENT);
    expect(await t.client.code(t.client.controller, 'controllerExpandVolume', req.expand('q-a', 4096n * GiB))).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('gets a volume with its published nodes and condition', async () => {
    const v = await t.client.call<object, ControllerGetVolumeResponse>(t.client.controller, 'controllerGetVolume', req.get('q-b'));
    expect(v.status).toMatchObject({ publishedNodeIds: ['node-1'], volumeCondition: { abnormal: false } });
    expect(await t.client.code(t.client.controller, 'controllerGetVolume', req.get('q-zzz'))).toBe(status.NOT_FOUND);
  });

  it('snapshots: idempotent by name, ALREADY_EXISTS for another source, NOT_FOUND source, listing filters, restore', async () => {
    const snap = await t.client.call<object, CreateSnapshotResponse>(t.client.controller, 'createSnapshot', req.snapshot('nightly', 'q-a'));
    expect(snap.snapshot).toMatchObject({ sourceVolumeId: 'q-a', sizeBytes: GiB, readyToUse: true });
    expect(snap.snapshot?.creationTime?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await t.client.call(t.client.controller, 'createSnapshot', req.snapshot('nightly', 'q-a'))).toEqual(snap);
    expect(await t.client.code(t.client.controller, 'createSnapshot', req.snapshot('nightly', 'q-c'))).toBe(status.ALREADY_EXISTS);
    expect(await t.client.code(t.client.controller, 'createSnapshot', req.snapshot('other', 'q-missing'))).toBe(status.NOT_FOUND);
    expect(await t.client.code(t.client.controller, 'createSnapshot', req.snapshot('', 'q-a'))).toBe(status.INVALID_ARGUMENT);
    const bySource = await t.client.call<object, ListSnapshotsResponse>(t.client.controller, 'listSnapshots', req.listSnapshots({ sourceVolumeId: 'q-a' }));
    expect(bySource.entries.map((e) => e.snapshot)).toEqual([snap.snapshot]);
    const byId = await t.client.call<object, ListSnapshotsResponse>(t.client.controller, 'listSnapshots', req.listSnapshots({ snapshotId: 'snap-does-not-exist' }));
    expect(byId.entries).toEqual([]);
    expect(await t.client.code(t.client.controller, 'listSnapshots', req.listSnapshots({ startingToken: 'x' }))).toBe(status.ABORTED);
    const restored = await t.client.code(t.client.controller, 'createVolume', req.create('q-restored', { volumeContentSource: { type: { $case: 'snapshot', value: { snapshotId: snap.snapshot!.snapshotId } } } }));
    expect(restored).toBe(status.OK);
    await t.client.call(t.client.controller, 'deleteSnapshot', req.deleteSnapshot(snap.snapshot!.snapshotId));
    await t.client.call(t.client.controller, 'deleteSnapshot', req.deleteSnapshot(snap.snapshot!.snapshotId));
    expect(await t.client.code(t.client.controller, 'deleteSnapshot', req.deleteSnapshot(''))).toBe(status.INVALID_ARGUMENT);
  });

  it('answers UNIMPLEMENTED for ControllerModifyVolume', async () => {
    const request = ControllerModifyVolumeRequest.fromPartial({ volumeId: 'q-a', mutableParameters: { x: 'y' } });
    expect(await t.client.code(t.client.controller, 'controllerModifyVolume', request)).toBe(status.UNIMPLEMENTED);
  });

  it('answers ABORTED to a call that waits too long for a busy volume', async () => {
    const busy = await startDriver({ flags: ['--embedded-rds', `${t.dir}/rds-busy`, '--lock-wait', '1'] });
    try {
      busy.driver.connection!.embedded!.simulator.faults.setLatency(1_500);
      const [first, second] = await Promise.all([
        busy.client.code(busy.client.controller, 'createVolume', req.create('slow')),
        new Promise((r) => setTimeout(r, 100)).then(() => busy.client.code(busy.client.controller, 'createVolume', req.create('slow'))),
      ]);
      expect(first).toBe(status.OK);
      expect(second).toBe(status.ABORTED);
    } finally {
      await busy.stop();
    }
  });
});
