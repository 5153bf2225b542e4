import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerPublishVolumeResponse } from '../../src/generated/csi/csi.js';
import { removeDir, startDriver } from '../support/csi-driver-harness.js';
import type { DriverUnderTest } from '../support/csi-driver-harness.js';
import { blockCapability, Mode, mountCapability, req } from '../support/csi-requests.js';
import { InMemoryNodeRegistry } from '../../src/adapters/memory/in-memory-node-registry.js';
import { node } from '../support/mothers.js';

describe('ControllerPublish/Unpublish over the socket: fencing and error codes', () => {
  let t: DriverUnderTest;
  beforeAll(async () => {
    t = await startDriver();
    const registry = t.driver.container.get(InMemoryNodeRegistry);
    registry.register(node('node-2'));
    registry.register(node('node-3'));
    await t.client.call(t.client.controller, 'createVolume', req.create('vol-rwo'));
    await t.client.call(t.client.controller, 'createVolume', req.create('vol-rwx', { volumeCapabilities: [blockCapability(Mode.MULTI_NODE_MULTI_WRITER)] }));
  });
  afterAll(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  it('publishes with the context NodeStage needs, and repeats are no-ops', async () => {
    const first = await t.client.call<object, ControllerPublishVolumeResponse>(t.client.controller, 'controllerPublishVolume', req.publish('vol-rwo', 'node-1'));
    expect(first.publishContext).toEqual({ nvmeAddress: '127.0.0.1', nvmePort: '4420', nqn: 'nqn.2000-02.com.mikrotik:vol-rwo' });
    for (let i = 0; i < 10; i += 1) {
      expect(await t.client.call(t.client.controller, 'controllerPublishVolume', req.publish('vol-rwo', 'node-1'))).toEqual(first);
    }
  });

  it('fences a second node with FAILED_PRECONDITION naming the holder', async () => {
    const error = await t.client.call(t.client.controller, 'controllerPublishVolume', req.publish('vol-rwo', 'node-2')).catch((e: ServiceError) => e);
    expect((error as ServiceError).code).toBe(status.FAILED_PRECONDITION);
    expect((error as ServiceError).details).toContain('node-1');
  });

  it('answers ALREADY_EXISTS for the same node with another capability or readonly', async () => {
    expect(await t.client.code(t.client.controller, 'controllerPublishVolume', req.publish('vol-rwo', 'node-1', { readonly: true }))).toBe(status.ALREADY_EXISTS);
    expect(await t.client.code(t.client.controller, 'controllerPublishVolume', req.publish('vol-rwo', 'node-1', { volumeCapability: mountCapability(Mode.SINGLE_NODE_SINGLE_WRITER) }))).toBe(status.ALREADY_EXISTS);
  });

  it.each([
    ['no volume ID', req.publish('', 'node-1'), status.INVALID_ARGUMENT],
    ['no node ID', req.publish('vol-rwo', ''), status.INVALID_ARGUMENT],
    ['no capability', req.publish('vol-rwo', 'node-1', { volumeCapability: undefined }), status.INVALID_ARGUMENT],
    ['an unknown volume and a missing capability', req.publish('vol-nope', 'node-1', { volumeCapability: undefined }), status.INVALID_ARGUMENT],
    ['an unknown volume', req.publish('vol-nope', 'node-1'), status.NOT_FOUND],
    ['an unknown node', req.publish('vol-rwx', 'fake-node-id-0123456789', { volumeCapability: blockCapability(Mode.MULTI_NODE_MULTI_WRITER) }), status.NOT_FOUND],
  ])('ControllerPublishVolume with %s answers %s', async (_, request, code) => {
    expect(await t.client.code(t.client.controller, 'controllerPublishVolume', request)).toBe(code);
  });

  it('admits two nodes for a multi-writer block volume (live migration) and refuses a third naming both', async () => {
    const cap = { volumeCapability: blockCapability(Mode.MULTI_NODE_MULTI_WRITER) };
    await t.client.call(t.client.controller, 'controllerPublishVolume', req.publish('vol-rwx', 'node-1', cap));
    await t.client.call(t.client.controller, 'controllerPublishVolume', req.publish('vol-rwx', 'node-2', cap));
    const error = (await t.client.call(t.client.controller, 'controllerPublishVolume', req.publish('vol-rwx', 'node-3', cap)).catch((e: ServiceError) => e)) as ServiceError;
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.details).toMatch(/node-1.*node-2/);
  });

  it('refuses to delete an attached volume, unpublishes from all nodes with no node ID, then deletes', async () => {
    expect(await t.client.code(t.client.controller, 'deleteVolume', req.delete('vol-rwx'))).toBe(status.FAILED_PRECONDITION);
    await t.client.call(t.client.controller, 'controllerUnpublishVolume', req.unpublish('vol-rwx'));
    await t.client.call(t.client.controller, 'controllerUnpublishVolume', req.unpublish('vol-rwx', 'node-1'));
    await t.client.call(t.client.controller, 'controllerUnpublishVolume', req.unpublish('vol-never-existed', 'node-9'));
    expect(await t.client.code(t.client.controller, 'controllerUnpublishVolume', req.unpublish(''))).toBe(status.INVALID_ARGUMENT);
    expect(await t.client.code(t.client.controller, 'deleteVolume', req.delete('vol-rwx'))).toBe(status.OK);
  });

  it('answers RESOURCE_EXHAUSTED when a node holds its maximum of volumes', async () => {
    const limited = await startDriver({ flags: ['--embedded-rds', `${t.dir}/rds-limited`, '--max-volumes-per-node', '1'] });
    try {
      await limited.client.call(limited.client.controller, 'createVolume', req.create('a'));
      await limited.client.call(limited.client.controller, 'createVolume', req.create('b'));
      await limited.client.call(limited.client.controller, 'controllerPublishVolume', req.publish('a', 'node-1'));
      expect(await limited.client.code(limited.client.controller, 'controllerPublishVolume', req.publish('b', 'node-1'))).toBe(status.RESOURCE_EXHAUSTED);
    } finally {
      await limited.stop();
    }
  });

  it('serialises concurrent publishes of one volume: exactly one node wins, the others are fenced', async () => {
    await t.client.call(t.client.controller, 'createVolume', req.create('vol-race'));
    const codes = await Promise.all(['node-1', 'node-2', 'node-3'].map((n) => t.client.code(t.client.controller, 'controllerPublishVolume', req.publish('vol-race', n))));
    expect(codes.filter((c) => c === status.OK)).toHaveLength(1);
    expect(codes.filter((c) => c === status.FAILED_PRECONDITION)).toHaveLength(2);
  });
});
