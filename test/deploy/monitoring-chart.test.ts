import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateObject } from './kube-schema.js';
import type { KubeObject } from './render.js';
import { chartDir, find, keyOf, NAMESPACE, renderChart } from './render.js';

const ALL_ON = ['monitoring.serviceMonitor.enabled=true', 'monitoring.prometheusRule.enabled=true', 'monitoring.dashboard.enabled=true'];
const MONITORING_KINDS = ['ServiceMonitor', 'PrometheusRule'];

const renderError = (sets: string[]): string => {
  try {
    renderChart(sets);
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`helm template accepted ${sets.join(' ')}`);
};

describe('chart monitoring', () => {
  let defaults: KubeObject[];
  let all: KubeObject[];
  beforeAll(() => {
    defaults = renderChart();
    all = renderChart([...ALL_ON, 'monitoring.serviceMonitor.labels.release=kube-prometheus-stack', 'monitoring.prometheusRule.labels.release=kube-prometheus-stack']);
  });

  it('renders the metrics Services by default, and no ServiceMonitor, PrometheusRule or dashboard', () => {
    expect(defaults.filter((o) => o.kind === 'Service').map(keyOf).sort()).toEqual(['Service/rds-csi/rds-csi-controller-metrics', 'Service/rds-csi/rds-csi-node-metrics']);
    expect(defaults.filter((o) => MONITORING_KINDS.includes(o.kind))).toEqual([]);
    expect(defaults.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['rds-csi-config']);
    const off = renderChart(['monitoring.service.enabled=false']);
    expect(off.filter((o) => o.kind === 'Service')).toEqual([]);
  });

  it('points each Service at its pods\' metrics port', () => {
    for (const [service, workload, kind, port] of [
      ['rds-csi-controller-metrics', 'rds-csi-controller', 'Deployment', 9809],
      ['rds-csi-node-metrics', 'rds-csi-node', 'DaemonSet', 9819],
    ] as const) {
      const spec = find(defaults, 'Service', service)['spec'] as any;
      const pod = (find(defaults, kind, workload)['spec'] as any).template;
      for (const [k, v] of Object.entries(spec.selector as Record<string, string>)) expect(pod.metadata.labels[k]).toBe(v);
      const named = pod.spec.containers.flatMap((c: any) => c.ports ?? []).find((p: any) => p.name === spec.ports[0].targetPort);
      expect(named?.containerPort).toBe(port);
      expect(spec.ports[0]).toMatchObject({ name: 'metrics', port });
    }
  });

  it('renders valid ServiceMonitor, PrometheusRule and dashboard ConfigMap when enabled', async () => {
    const added = all.filter((o) => !defaults.some((d) => keyOf(d) === keyOf(o)));
    expect(added.map(keyOf).sort()).toEqual(['ConfigMap/rds-csi/rds-csi-dashboard', 'PrometheusRule/rds-csi/rds-csi', 'ServiceMonitor/rds-csi/rds-csi']);
    expect((await Promise.all(added.map(validateObject))).flat()).toEqual([]);
  });

  it('scrapes both metrics Services from the ServiceMonitor, with the node name as a label', () => {
    const monitor = find(all, 'ServiceMonitor', 'rds-csi');
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    const spec = monitor['spec'] as any;
    expect(spec.namespaceSelector.matchNames).toEqual([NAMESPACE]);
    for (const service of all.filter((o) => o.kind === 'Service')) {
      const labels = service.metadata.labels ?? {};
      expect(Object.entries(spec.selector.matchLabels).every(([k, v]) => labels[k] === v)).toBe(true);
      expect(spec.selector.matchExpressions.every((e: any) => e.operator === 'In' && e.values.includes(labels[e.key]))).toBe(true);
      expect((service['spec'] as any).ports.map((p: any) => p.name)).toContain(spec.endpoints[0].port);
    }
    expect(spec.endpoints[0].relabelings).toContainEqual({ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' });
  });

  it('carries files/prometheus-rules.yaml and files/dashboard.json unchanged', () => {
    const rules = parse(readFileSync(join(chartDir, 'files/prometheus-rules.yaml'), 'utf8')) as object;
    const rule = find(all, 'PrometheusRule', 'rds-csi');
    expect(rule['spec']).toEqual(rules);
    expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    const dashboard = find(all, 'ConfigMap', 'rds-csi-dashboard');
    expect(dashboard.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    const json = (dashboard['data'] as Record<string, string>)['rds-csi.json']!;
    expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(join(chartDir, 'files/dashboard.json'), 'utf8')));
  });

  it('puts the dashboard where Grafana\'s sidecar looks, with its labels and annotations', () => {
    const objects = renderChart(['monitoring.dashboard.enabled=true', 'monitoring.dashboard.namespace=grafana', 'monitoring.dashboard.annotations.grafana_folder=Storage']);
    const dashboard = find(objects, 'ConfigMap', 'rds-csi-dashboard');
    expect(dashboard.metadata).toMatchObject({ namespace: 'grafana', labels: { grafana_dashboard: '1' }, annotations: { grafana_folder: 'Storage' } });
  });

  it('refuses a ServiceMonitor without the Services, and unknown or malformed monitoring values', () => {
    expect(renderError(['monitoring.service.enabled=false', 'monitoring.serviceMonitor.enabled=true'])).toMatch(/monitoring.serviceMonitor.enabled needs monitoring.service.enabled/);
    expect(renderError(['monitoring.grafana.enabled=true'])).toMatch(/additional properties 'grafana' not allowed/);
    expect(renderError(['monitoring.serviceMonitor.interval=often'])).toMatch(/monitoring\/serviceMonitor\/interval/);
    expect(renderError(['monitoring.prometheusRule.enabled=yes'])).toMatch(/monitoring\/prometheusRule\/enabled/);
  });
});

describe('the prometheus-operator validation rejects broken objects', () => {
  const monitor = (): any => structuredClone(find(renderChart(ALL_ON), 'ServiceMonitor', 'rds-csi'));
  it('an unknown endpoint field, a bad interval and a rule without expr', async () => {
    const misspelt = monitor();
    misspelt.spec.endpoints[0].intervall = '30s';
    expect((await validateObject(misspelt)).join('\n')).toMatch(/endpoints\[0\]\.intervall: unknown field in Endpoint/);
    const badInterval = monitor();
    badInterval.spec.endpoints[0].interval = 'often';
    expect((await validateObject(badInterval)).join('\n')).toMatch(/interval/);
    const rule: any = structuredClone(find(renderChart(ALL_ON), 'PrometheusRule', 'rds-csi'));
    delete rule.spec.groups[0].rules[0].expr;
    rule.spec.groups[0].rules[1].label = {};
    const problems = (await validateObject(rule)).join('\n');
    expect(problems).toMatch(/expr/);
    expect(problems).toMatch(/rules\[1\]\.label: unknown field in Rule/);
  });
});
