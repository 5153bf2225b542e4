import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { RdsSimulator } from '../../simulator/rds-simulator.js';
import { generateEd25519KeyPair, generateHostKeyText } from '../../simulator/sim-ssh-keys.js';
import type { ListVolumesResponse, ProbeResponse } from '../../src/generated/csi/csi.js';
import { FakeKubeApi } from '../support/fake-kube-api/fake-kube-api.js';
import { removeDir, startDriver, tempDir } from '../support/csi-driver-harness.js';
import { csiNode } from '../support/fake-kube-api/objects.js';
import { DRIVER, putAttachedVa, putPv } from '../support/kube-store-harness.js';
import { GiB, req } from '../support/csi-requests.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


describe('restart and outage behaviour', () => {
  it('a restarted driver keeps volumes (simulator data) and attachments (PV annotations on the API server)', async () => {
    const api = await FakeKubeApi.start();
    const dir = await tempDir();
    cleanups.push(async () => api.stop(), async () => removeDir(dir));
    for (const n of ['node-1', 'node-2']) api.put('csinodes', csiNode(n, DRIVER, n));
    const first = await startDriver({ dir, kube: api });
    await first.client.call(first.client.controller, 'createVolume', req.create('vol-keep'));
    putPv(api, 'vol-keep');
    await first.client.call(first.client.controller, 'controllerPublishVolume', req.publish('vol-keep', 'node-1'));
    putAttachedVa(api, 'vol-keep', 'node-1');
    await first.stop();

    const second = await startDriver({ dir, kube: api });
    cleanups.push(async () => second.stop());
    await until(async () => (await second.client.call<object, ProbeResponse>(second.client.identity, 'probe', {})).ready === true);
    const listed = await second.client.call<object, ListVolumesResponse>(second.client.controller, 'listVolumes', req.list());
    expect(listed.entries.map((e) => [e.volume?.volumeId, e.volume?.capacityBytes, e.status?.publishedNodeIds])).toEqual([['vol-keep', GiB, ['node-1']]]);
    const pvcContext = { volumeContext: { 'csi.storage.k8s.io/pvc/name': 'keep', 'csi.storage.k8s.io/pvc/namespace': 'apps' } };
    const fenced = (await second.client.call(second.client.controller, 'controllerPublishVolume', req.publish('vol-keep', 'node-2', pvcContext)).catch((e: ServiceError) => e)) as ServiceError;
    expect(fenced.code).toBe(status.FAILED_PRECONDITION);
    expect(fenced.details).toContain('node-1');
    await until(async () => api.list('events', 'apps').length > 0);
    expect(api.list<{ reason: string; message: string; involvedObject: { name: string } }>('events', 'apps')[0]).toMatchObject({
      reason: 'AttachmentConflict',
      involvedObject: { name: 'keep' },
      message: expect.stringContaining('node-1'),
    });
  });

  it('serves while the RDS is down: Probe not ready and UNAVAILABLE, never INTERNAL; ready again when it returns', async () => {
    const dir = await tempDir();
    cleanups.push(async () => removeDir(dir));
    const client = generateEd25519KeyPair();
    const hostKey = generateHostKeyText();
    await writeFile(join(dir, 'client_key'), client.private, { mode: 0o600 });
    const simOptions = { dataDir: join(dir, 'rds'), poolSizeBytes: 100 * Number(GiB), hostKey, authorizedKeys: [client.public] };
    let sim = await RdsSimulator.start(simOptions);
    const port = sim.port;
    const fingerprint = sim.hostKeyFingerprint();
    await sim.stop();

    const t = await startDriver({
      dir,
      flags: ['--rds-address', '127.0.0.1', '--rds-user', 'admin', '--rds-port', String(port), '--rds-key-file', join(dir, 'client_key'), '--rds-host-key', fingerprint, '--metrics-address', '127.0.0.1:0'],
    });
    cleanups.push(async () => t.stop());
    const probe = async () => (await t.client.call<object, ProbeResponse>(t.client.identity, 'probe', {})).ready;
    // What the kubelet probes: liveness stays up (a restart cannot bring the RDS back), readiness does not.
    const http = async (path: string) => (await fetch(`http://127.0.0.1:${t.driver.metricsPort}${path}`)).status;
    expect(await probe()).toBe(false);
    expect([await http('/healthz'), await http('/readyz')]).toEqual([200, 503]);
    expect(await (await fetch(`http://127.0.0.1:${t.driver.metricsPort}/readyz`)).text()).toMatch(/^not ready: RDS not reachable: .+\n$/);
    const whileDown = await Promise.all([
      t.client.code(t.client.controller, 'createVolume', req.create('pvc-during-outage')),
      t.client.code(t.client.controller, 'listVolumes', req.list()),
      t.client.code(t.client.controller, 'getCapacity', req.capacity()),
    ]);
    expect(whileDown).toEqual([status.UNAVAILABLE, status.UNAVAILABLE, status.UNAVAILABLE]);

    sim = await RdsSimulator.start({ ...simOptions, port });
    cleanups.push(async () => sim.stop());
    await until(async () => (await probe()) === true);
    expect([await http('/healthz'), await http('/readyz')]).toEqual([200, 200]);
    expect(await t.client.code(t.client.controller, 'createVolume', req.create('pvc-after-outage'))).toBe(status.OK);

    await sim.stop();
    await until(async () => (await probe()) === false);
    expect(await t.client.code(t.client.controller, 'deleteVolume', req.delete('pvc-after-outage'))).toBe(status.UNAVAILABLE);
    expect(t.logger.lines.filter((l) => l.fields.code === 'INTERNAL')).toEqual([]);
  });
});
