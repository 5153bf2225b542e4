import { describe, expect, it } from 'vitest';
import { PromMetrics } from '../../../src/adapters/metrics/prom-metrics.js';

describe('PromMetrics exposition', () => {
  it('shows build info, pool capacity per pool, and the leader gauge read at scrape time', async () => {
    const metrics = new PromMetrics();
    let leader = false;
    metrics.buildInfo('1.2.3', 'controller');
    metrics.observeLeadership(() => leader);
    metrics.poolCapacity('storage-pool', 8_000, 2_000);
    let text = await metrics.text();
    expect(text).toMatch(/^rds_csi_build_info\{version="1\.2\.3",mode="controller"\} 1$/m);
    expect(text).toMatch(/^rds_csi_pool_size_bytes\{pool="storage-pool"\} 8000$/m);
    expect(text).toMatch(/^rds_csi_pool_free_bytes\{pool="storage-pool"\} 2000$/m);
    expect(text).toMatch(/^rds_csi_leader 0$/m);
    leader = true;
    metrics.poolCapacity('storage-pool', 8_000, 1_000);
    text = await metrics.text();
    expect(text).toMatch(/^rds_csi_leader 1$/m);
    expect(text).toMatch(/^rds_csi_pool_free_bytes\{pool="storage-pool"\} 1000$/m);
  });

  it('leaves out controller-only gauges until something observes them (a node plugin has none)', async () => {
    const metrics = new PromMetrics();
    metrics.buildInfo('1.2.3', 'node');
    const text = await metrics.text();
    for (const name of ['routeros_connected', 'attached_volumes', 'leader', 'pool_size_bytes', 'pool_free_bytes']) {
      expect(text).not.toMatch(new RegExp(`^rds_csi_${name}[ {]`, 'm'));
    }
    expect(text).toMatch(/^rds_csi_build_info\{version="1\.2\.3",mode="node"\} 1$/m);
    metrics.observeRouterOsConnection(() => true);
    metrics.observeRouterOsConnection(() => false);
    expect(await metrics.text()).toMatch(/^rds_csi_routeros_connected 0$/m);
  });

  it('starts every mount operation and outcome at zero once mounts are counted', async () => {
    const metrics = new PromMetrics();
    expect(await metrics.text()).not.toMatch(/^rds_csi_mount_operations_total\{/m);
    metrics.countMountOperations();
    metrics.mountOperation('unmount', 'failed', 0.01);
    const text = await metrics.text();
    for (const operation of ['mount', 'bind', 'unmount']) {
      expect(text).toMatch(new RegExp(`^rds_csi_mount_operations_total\\{operation="${operation}",outcome="ok"\\} 0$`, 'm'));
    }
    expect(text).toMatch(/^rds_csi_mount_operations_total\{operation="mount",outcome="failed"\} 0$/m);
    expect(text).toMatch(/^rds_csi_mount_operations_total\{operation="unmount",outcome="failed"\} 1$/m);
    expect(text).toMatch(/^rds_csi_mount_operation_duration_seconds_count\{operation="bind"\} 0$/m);
    expect(text).toMatch(/^rds_csi_mount_operation_duration_seconds_bucket\{le="\+Inf",operation="mount"\} 0$/m);
  });
});
