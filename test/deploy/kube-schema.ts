import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { Ajv } from 'ajv';
import { prometheusOperatorProblems } from './prometheus-operator-schema.js';
import type { KubeObject } from './render.js';
import { repoRoot } from './render.js';

/**
 * Offline validation of rendered objects against the Kubernetes API of a recent release, in two
 * passes that fail on different mistakes:
 * 1. kubernetes-models (JSON schemas generated from the Kubernetes OpenAPI, release 1.35+): types,
 *    required fields, enums and formats. Its schemas allow unknown fields.
 * 2. Unknown fields: the field tables @kubernetes/client-node generates from the release-1.36
 *    OpenAPI spec; any field not in the table of its type is an error (kubectl --validate=strict).
 * VolumeSnapshotClass is a CRD (not in the core OpenAPI): a hand-written strict JSON schema
 * (volume-snapshot-class.schema.json), its metadata checked as ObjectMeta by pass 2. ServiceMonitor and
 * PrometheusRule (prometheus-operator CRDs): the generated @kubernetes-models/prometheus-operator
 * models plus a table of their fields (prometheus-operator-schema.ts), metadata as ObjectMeta.
 */
export async function validateObject(object: KubeObject): Promise<string[]> {
  const label = `${object.kind} ${object.metadata?.name ?? '?'}`;
  if (object.apiVersion === 'snapshot.storage.k8s.io/v1' && object.kind === 'VolumeSnapshotClass') {
    const problems = volumeSnapshotClassProblems(object);
    strictWalk(object.metadata, 'V1ObjectMeta', 'metadata', problems);
    return problems.map((p) => `${label}: ${p}`);
  }
  if (object.apiVersion === 'monitoring.coreos.com/v1') {
    const problems = prometheusOperatorProblems(object);
    strictWalk(object.metadata, 'V1ObjectMeta', 'metadata', problems);
    return problems.map((p) => `${label}: ${p}`);
  }
  const problems = [...(await modelProblems(object)), ...strictProblems(object)];
  return problems.map((p) => `${label}: ${p}`);
}

async function modelProblems(object: KubeObject): Promise<string[]> {
  const group = object.apiVersion.includes('/') ? object.apiVersion : `${object.apiVersion}`;
  let module: Record<string, unknown>;
  try {
    module = (await import(`kubernetes-models/${group}`)) as Record<string, unknown>;
  } catch {
    return [`unknown apiVersion ${object.apiVersion}`];
  }
  const Model = module[object.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (typeof Model !== 'function') return [`unknown kind ${object.kind} in ${object.apiVersion}`];
  try {
    new Model(structuredClone(object)).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

interface Attribute {
  readonly baseName: string;
  readonly type: string;
}

function attributesOf(typeName: string): readonly Attribute[] | undefined {
  const model = (k8s as unknown as Record<string, { getAttributeTypeMap?: () => Attribute[] } | undefined>)[typeName];
  return model?.getAttributeTypeMap?.();
}

function strictProblems(object: KubeObject): string[] {
  const version = object.apiVersion.split('/').at(-1) ?? '';
  const typeName = `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}`;
  if (!attributesOf(typeName)) return [`no API type ${typeName} in the Kubernetes OpenAPI tables`];
  const problems: string[] = [];
  strictWalk(object, typeName, '', problems);
  return problems;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Walks value as the given client-node type name, reporting unknown fields and wrong primitive types. */
export function strictWalk(value: unknown, type: string, path: string, problems: string[]): void {
  const at = path || '(root)';
  const array = /^Array<(.+)>$/.exec(type);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return void problems.push(`${at}: expected an array`);
    value.forEach((item, i) => strictWalk(item, array[1]!, `${path}[${i}]`, problems));
  } else if (map) {
    if (!isPlainObject(value)) return void problems.push(`${at}: expected a map`);
    for (const [k, v] of Object.entries(value)) strictWalk(v, map[1]!, `${path}.${k}`, problems);
  } else if (type === 'string' || type === 'Date') {
    if (typeof value !== 'string') problems.push(`${at}: expected a string`);
  } else if (type === 'number' || type === 'boolean') {
    if (typeof value !== type) problems.push(`${at}: expected a ${type}`);
  } else if (type === 'IntOrString') {
    if (typeof value !== 'string' && typeof value !== 'number') problems.push(`${at}: expected int or string`);
  } else if (type !== 'any') {
    const attributes = attributesOf(type);
    if (!attributes) return void problems.push(`${at}: unknown API type ${type}`);
    if (!isPlainObject(value)) return void problems.push(`${at}: expected an object (${type})`);
    for (const [key, child] of Object.entries(value)) {
      const attribute = attributes.find((a) => a.baseName === key);
      if (!attribute) problems.push(`${path ? `${path}.` : ''}${key}: unknown field in ${type}`);
      else strictWalk(child, attribute.type, path ? `${path}.${key}` : key, problems);
    }
  }
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validateSnapshotClass = ajv.compile(
  JSON.parse(readFileSync(join(repoRoot, 'test/deploy/volume-snapshot-class.schema.json'), 'utf8')) as object,
);

function volumeSnapshotClassProblems(object: KubeObject): string[] {
  if (validateSnapshotClass(object)) return [];
  return (validateSnapshotClass.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
