import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryNodeRegistry } from '../../src/adapters/memory/in-memory-node-registry.js';
import { join } from 'node:path';
import { removeDir, startDriver, tempDir } from '../support/csi-driver-harness.js';
import type { DriverUnderTest } from '../support/csi-driver-harness.js';
import { req } from '../support/csi-requests.js';
import { node } from '../support/mothers.js';
import { until } from '../support/until.js';

describe('metrics, health and readiness endpoints of a running driver', () => {
  let t: DriverUnderTest;
  let base: string;
  beforeAll(async () => {
    const dir = await tempDir();
    t = await startDriver({ dir, flags: ['--embedded-rds', join(dir, 'rds'), '--metrics-address', '127.0.0.1:0'] });
    base = `http://127.0.0.1:${t.driver.metricsPort}`;
    t.driver.container.get(InMemoryNodeRegistry).register(node('node-2'));
  });
  afterAll(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  it('serves /healthz and a /readyz that reflects the RDS', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ready\n');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('counts RPCs by method and code, RouterOS commands, fencing conflicts and attached volumes', async () => {
    await t.client.call(t.client.controller, 'createVolume', req.create('m-1'));
    await t.client.call(t.client.controller, 'controllerPublishVolume', req.publish('m-1', 'node-1'));
    await t.client.code(t.client.controller, 'controllerPublishVolume', req.publish('m-1', 'node-2'));
    await t.client.code(t.client.controller, 'createVolume', req.create(''));
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/rds_csi_rpc_requests_total\{method="CreateVolume",code="OK"\} 1/);
    expect(text).toMatch(/rds_csi_rpc_requests_total\{method="CreateVolume",code="INVALID_ARGUMENT"\} 1/);
    expect(text).toMatch(/rds_csi_rpc_requests_total\{method="ControllerPublishVolume",code="FAILED_PRECONDITION"\} 1/);
    expect(text).toMatch(/rds_csi_fencing_conflicts_total 1/);
    expect(text).toMatch(/rds_csi_attached_volumes 1/);
    expect(text).toMatch(/rds_csi_routeros_connected 1/);
    expect(text).toMatch(/rds_csi_routeros_command_duration_seconds_count\{command="\/disk add",outcome="ok"\} 1/);
    expect(text).toMatch(/rds_csi_process_resident_memory_bytes/);
    expect(text).not.toMatch(/m-1/);
  });

  it('reports build info, leadership and, within seconds of connecting, the pool of the base path', async () => {
    const scrape = async () => (await fetch(`${base}/metrics`)).text();
    const text = await scrape();
    expect(text).toMatch(/^rds_csi_build_info\{version="\d+\.\d+\.\d+[^"]*",mode="all"\} 1$/m);
    expect(text).toMatch(/^rds_csi_leader 1$/m);
    let pool = text;
    await until(async () => /^rds_csi_pool_size_bytes\{/m.test((pool = await scrape())), 15_000);
    const size = Number(/^rds_csi_pool_size_bytes\{pool="storage-pool"\} (\d+)$/m.exec(pool)?.[1]);
    const free = Number(/^rds_csi_pool_free_bytes\{pool="storage-pool"\} (\d+)$/m.exec(pool)?.[1]);
    expect(size).toBeGreaterThan(0);
    expect(free).toBeGreaterThan(0);
    expect(free).toBeLessThan(size);
  });
});
