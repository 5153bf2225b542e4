import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUILT_MAIN } from '../support/built-driver.js';
import { ControllerCluster, ControllerProcess } from '../support/controller-processes.js';
import { req } from '../support/csi-requests.js';
import { until } from '../support/until.js';
import { chartDir } from './render.js';

/** Every `rds_csi_…` series name an expression names (histograms as their _bucket, _sum or _count). */
const seriesIn = (expr: string): string[] => expr.match(/\brds_csi_[A-Za-z0-9_]+/g) ?? [];

function ruleSeries(): Map<string, string[]> {
  const file = parse(readFileSync(join(chartDir, 'files/prometheus-rules.yaml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return new Map(file.groups.flatMap((g) => g.rules).map((r) => [`alert ${r.alert}`, seriesIn(r.expr)]));
}

function dashboardSeries(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, where));
    if (typeof value !== 'object' || value === null) return;
    const object = value as Record<string, unknown>;
    const here = typeof object['title'] === 'string' ? `panel "${object['title']}"` : where;
    if (typeof object['expr'] === 'string') found.set(`${here} #${found.size}`, seriesIn(object['expr']));
    for (const child of Object.values(object)) walk(child, here);
  };
  walk(JSON.parse(readFileSync(join(chartDir, 'files/dashboard.json'), 'utf8')), 'dashboard');
  return found;
}

/** Names of the samples in a Prometheus text exposition (a histogram shows as _bucket, _sum, _count). */
const sampleNames = (text: string): Set<string> =>
  new Set(text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(l)![0]));

const metricsPort = (process: ControllerProcess): number => {
  const line = process.lines('metrics listening')[0] as { address?: { port?: number } } | undefined;
  return line?.address?.port ?? 0;
};
const scrape = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

/**
 * The series the chart's alerts and dashboard name exist on running drivers' /metrics: two
 * controller replicas (Lease leader election, RouterOS over SSH to the simulator) after a small
 * lifecycle, and a node plugin, all started from the built driver as pods run it.
 */
describe('every series named by an alert or a dashboard panel is served by the driver', () => {
  let cluster: ControllerCluster;
  let a: ControllerProcess;
  let b: ControllerProcess;
  let node: ControllerProcess;
  let nodeDir: string;

  beforeAll(async () => {
    cluster = await ControllerCluster.start({ main: BUILT_MAIN, flags: ['--metrics-address', '127.0.0.1:0'] });
    cluster.registerNodes(['node-1']);
    a = cluster.spawn('ctl-a');
    b = cluster.spawn('ctl-b');
    nodeDir = await mkdtemp(join(tmpdir(), 'rds-csi-node-metrics-'));
    const child = spawn(process.execPath, [
      BUILT_MAIN, 'serve', '--mode', 'node', '--node-id', 'node-1', '--endpoint', `unix://${join(nodeDir, 'csi.sock')}`,
      '--node-state-dir', join(nodeDir, 'state'), '--metrics-address', '127.0.0.1:0',
      // Outside a cluster the node plugin has no API server for Events; they go to its log.
      '--attachment-store', 'memory',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    node = new ControllerProcess('node-1', join(nodeDir, 'csi.sock'), child);
    await Promise.all([a.ready(), b.ready(), until(() => node.lines('rds-csi serving').length > 0, 30_000)]);
    await cluster.provision(a, 'vol-monitoring-1', { rwo: true });
    await a.client.call(a.client.controller, 'controllerPublishVolume', req.publish('vol-monitoring-1', 'node-1'));
    await until(() => metricsPort(node) > 0 && metricsPort(a) > 0 && metricsPort(b) > 0);
  }, 60_000);
  afterAll(async () => {
    await node?.kill('SIGTERM');
    await cluster?.stop();
    if (nodeDir) await rm(nodeDir, { recursive: true, force: true });
  });

  it('the rules and the dashboard name the series they are about', () => {
    const named = new Set([...ruleSeries().values(), ...dashboardSeries().values()].flat());
    for (const name of ['rds_csi_routeros_connected', 'rds_csi_pool_free_bytes', 'rds_csi_pool_size_bytes', 'rds_csi_fencing_conflicts_total',
      'rds_csi_migration_timeouts_total', 'rds_csi_routeros_reconnects_total', 'rds_csi_routeros_command_duration_seconds_bucket',
      'rds_csi_mount_operations_total', 'rds_csi_attached_volumes', 'rds_csi_leader', 'rds_csi_build_info']) {
      expect(named).toContain(name);
    }
    for (const [where, names] of dashboardSeries()) expect({ where, names: names.length > 0 }).toEqual({ where, names: true });
  });

  it('all of them appear on the controllers\' or the node plugin\'s /metrics', async () => {
    // The pool is read within seconds of the SSH connection coming up.
    await until(async () => /^rds_csi_pool_size_bytes\{/m.test(await scrape(metricsPort(a))) && /^rds_csi_pool_size_bytes\{/m.test(await scrape(metricsPort(b))), 20_000);
    const served = new Set<string>();
    for (const p of [a, b, node]) for (const name of sampleNames(await scrape(metricsPort(p)))) served.add(name);
    const missing = [...ruleSeries(), ...dashboardSeries()].flatMap(([where, names]) => names.filter((n) => !served.has(n)).map((n) => `${where}: ${n}`));
    expect(missing).toEqual([]);
  });

  it('exactly one controller replica reports itself leader, the node plugin none, and each its build', async () => {
    await until(() => cluster.leader() !== undefined);
    const leaderOf = async (p: ControllerProcess) => Number(/^rds_csi_leader (\d)$/m.exec(await scrape(metricsPort(p)))?.[1]);
    await until(async () => (await leaderOf(a)) + (await leaderOf(b)) === 1);
    const holder = cluster.leader() === 'ctl-a' ? a : b;
    expect(await leaderOf(holder)).toBe(1);
    const nodeText = await scrape(metricsPort(node));
    expect(nodeText).not.toMatch(/^rds_csi_(leader|routeros_connected|pool_size_bytes)[ {]/m);
    expect(nodeText).toMatch(/^rds_csi_build_info\{version="[^"]+",mode="node"\} 1$/m);
    expect(nodeText).toMatch(/^rds_csi_mount_operations_total\{operation="mount",outcome="failed"\} 0$/m);
    expect(await scrape(metricsPort(a))).toMatch(/^rds_csi_build_info\{version="[^"]+",mode="controller"\} 1$/m);
  });
});
