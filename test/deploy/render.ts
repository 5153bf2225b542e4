import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { k8sTools, k8sToolsCache } from '../support/k8s-tools.js';

/** A rendered Kubernetes object, as parsed from YAML. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const chartDir = join(repoRoot, 'deploy/helm/rds-csi');
export const kustomizeDir = join(repoRoot, 'deploy/kustomize/base');
export const NAMESPACE = 'rds-csi';

/**
 * Parses a multi-document YAML stream, dropping empty documents; any YAML error throws. YAML 1.1,
 * as the API server and kubectl read it (0440 is octal there, decimal 440 in YAML 1.2).
 */
export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text, { version: '1.1' }).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value as KubeObject];
  });
}

/** Runs helm or kubectl offline; on failure the error carries stderr. */
export function run(tool: 'helm' | 'kubectl', args: readonly string[]): string {
  return execFileSync(k8sTools()[tool], args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: k8sToolsCache, KUBECONFIG: '/dev/null' },
  });
}

/** The values the chart cannot default (rendering without them fails); renderChart sets them. */
export const OPERATOR_VALUES: readonly string[] = ['rds.address=10.0.0.1', 'secret.name=rds-csi-secret'];

/** The values with which the chart renders the objects of deploy/kustomize/base (plus checksum annotations). */
export const KUSTOMIZE_BASE_VALUES: readonly string[] = ['namespace.create=true', 'rds.address=192.0.2.10', 'secret.name=rds-csi-secret'];

const setArgs = (sets: readonly string[]) => sets.flatMap((s) => ['--set', s]);

/** `helm template` of the chart into the rds-csi namespace with exactly these --set overrides. */
export function helmTemplate(sets: readonly string[] = []): KubeObject[] {
  return parseObjects(run('helm', ['template', 'rds-csi', chartDir, '--namespace', NAMESPACE, ...setArgs(sets)]));
}

/** `helm template` with the operator's required values (OPERATOR_VALUES), then these overrides. */
export function renderChart(sets: readonly string[] = []): KubeObject[] {
  return helmTemplate([...OPERATOR_VALUES, ...sets]);
}

/** What helm prints when it refuses to render with exactly these overrides; throws if it renders. */
export function renderError(sets: readonly string[]): string {
  try {
    helmTemplate(sets);
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`helm template accepted ${sets.join(' ') || 'the defaults'}`);
}

/** The chart's NOTES.txt as `helm install` prints it (client-side dry run, offline), with OPERATOR_VALUES. */
export function renderNotes(sets: readonly string[] = []): string {
  const out = run('helm', ['install', 'rds-csi', chartDir, '--namespace', NAMESPACE, '--dry-run=client', ...setArgs([...OPERATOR_VALUES, ...sets])]);
  const at = out.indexOf('\nNOTES:\n');
  if (at < 0) throw new Error('helm install printed no NOTES');
  return out.slice(at + '\nNOTES:\n'.length);
}

export function renderKustomize(): KubeObject[] {
  return parseObjects(run('kubectl', ['kustomize', kustomizeDir]));
}

export const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} rendered`);
  return found;
}
