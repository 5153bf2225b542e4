import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { KubeObject } from './render.js';

/**
 * Fields of the prometheus-operator v1 API types the chart renders (from the operator's API
 * reference). The generated models check types, patterns and required fields but allow unknown
 * fields; this table catches a misspelt or misplaced field, as `kubectl --validate=strict` would.
 */
const FIELDS: Record<string, readonly string[]> = {
  ServiceMonitorSpec: ['jobLabel', 'targetLabels', 'podTargetLabels', 'endpoints', 'selector', 'selectorMechanism', 'namespaceSelector', 'sampleLimit', 'scrapeProtocols', 'fallbackScrapeProtocol', 'targetLimit', 'labelLimit', 'labelNameLengthLimit', 'labelValueLengthLimit', 'scrapeClassicHistograms', 'nativeHistogramBucketLimit', 'nativeHistogramMinBucketFactor', 'convertClassicHistogramsToNHCB', 'keepDroppedTargets', 'attachMetadata', 'scrapeClass', 'bodySizeLimit', 'serviceDiscoveryRole'],
  Endpoint: ['port', 'portNumber', 'targetPort', 'path', 'scheme', 'params', 'interval', 'scrapeTimeout', 'tlsConfig', 'bearerTokenFile', 'bearerTokenSecret', 'authorization', 'honorLabels', 'honorTimestamps', 'trackTimestampsStaleness', 'basicAuth', 'oauth2', 'metricRelabelings', 'relabelings', 'proxyUrl', 'noProxy', 'proxyFromEnvironment', 'proxyConnectHeader', 'followRedirects', 'enableHttp2', 'filterRunning'],
  RelabelConfig: ['sourceLabels', 'separator', 'targetLabel', 'regex', 'modulus', 'replacement', 'action'],
  LabelSelector: ['matchLabels', 'matchExpressions'],
  NamespaceSelector: ['any', 'matchNames'],
  PrometheusRuleSpec: ['groups'],
  RuleGroup: ['name', 'labels', 'interval', 'query_offset', 'rules', 'partial_response_strategy', 'limit'],
  Rule: ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'],
};

type Json = Record<string, unknown>;

function unknownFields(value: unknown, type: string, path: string, problems: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (!FIELDS[type]!.includes(key)) problems.push(`${path}.${key}: unknown field in ${type}`);
  }
}

function serviceMonitorFields(spec: Json, problems: string[]): void {
  unknownFields(spec, 'ServiceMonitorSpec', 'spec', problems);
  unknownFields(spec['selector'], 'LabelSelector', 'spec.selector', problems);
  unknownFields(spec['namespaceSelector'], 'NamespaceSelector', 'spec.namespaceSelector', problems);
  ((spec['endpoints'] as Json[] | undefined) ?? []).forEach((endpoint, i) => {
    unknownFields(endpoint, 'Endpoint', `spec.endpoints[${i}]`, problems);
    for (const list of ['relabelings', 'metricRelabelings']) {
      ((endpoint[list] as unknown[] | undefined) ?? []).forEach((r, j) => unknownFields(r, 'RelabelConfig', `spec.endpoints[${i}].${list}[${j}]`, problems));
    }
  });
}

function prometheusRuleFields(spec: Json, problems: string[]): void {
  unknownFields(spec, 'PrometheusRuleSpec', 'spec', problems);
  ((spec['groups'] as Json[] | undefined) ?? []).forEach((group, i) => {
    unknownFields(group, 'RuleGroup', `spec.groups[${i}]`, problems);
    ((group['rules'] as unknown[] | undefined) ?? []).forEach((rule, j) => unknownFields(rule, 'Rule', `spec.groups[${i}].rules[${j}]`, problems));
  });
}

/** Problems of a monitoring.coreos.com/v1 ServiceMonitor or PrometheusRule; empty when valid. */
export function prometheusOperatorProblems(object: KubeObject): string[] {
  const Model = object.kind === 'ServiceMonitor' ? ServiceMonitor : object.kind === 'PrometheusRule' ? PrometheusRule : undefined;
  if (!Model) return [`unknown kind ${object.kind} in ${object.apiVersion}`];
  const problems: string[] = [];
  try {
    new Model(structuredClone(object) as never).validate();
  } catch (error) {
    problems.push((error as Error).message);
  }
  const spec = (object['spec'] ?? {}) as Json;
  if (object.kind === 'ServiceMonitor') serviceMonitorFields(spec, problems);
  else prometheusRuleFields(spec, problems);
  return problems;
}
