import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { strictWalk, validateObject } from './kube-schema.js';
import type { KubeObject } from './render.js';
import { repoRoot } from './render.js';

/**
 * Strict validation of the objects in deploy/examples: Kubernetes kinds through validateObject
 * (kubernetes-models for required fields and formats, the client-node field tables for unknown
 * fields); the two custom resources through hand-written strict JSON schemas, since no npm package
 * ships their CRD schemas (see the $comment in each schema file), with their ObjectMeta checked
 * against the Kubernetes tables.
 */
// strictRequired off: the oneOf branches name fields declared once in the enclosing object's properties.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const schema = (file: string): ValidateFunction =>
  ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'test/deploy', file), 'utf8')) as object);

const customResources: Readonly<Record<string, { validate: ValidateFunction; metadataPaths: readonly (readonly string[])[] }>> = {
  'snapshot.storage.k8s.io/v1 VolumeSnapshot': { validate: schema('volume-snapshot.schema.json'), metadataPaths: [['metadata']] },
  'kubevirt.io/v1 VirtualMachine': {
    validate: schema('kubevirt-virtual-machine.schema.json'),
    metadataPaths: [['metadata'], ['spec', 'template', 'metadata']],
  },
};

export async function validateExampleObject(object: KubeObject): Promise<string[]> {
  const custom = customResources[`${object.apiVersion} ${object.kind}`];
  if (!custom) return validateObject(object);
  const label = `${object.kind} ${object.metadata?.name ?? '?'}`;
  const problems: string[] = [];
  if (!custom.validate(object)) {
    for (const e of custom.validate.errors ?? []) problems.push(`${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
  for (const path of custom.metadataPaths) {
    const value = path.reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], object);
    if (value !== undefined) strictWalk(value, 'V1ObjectMeta', path.join('.'), problems);
  }
  return problems.map((p) => `${label}: ${p}`);
}
