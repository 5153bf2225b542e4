import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureProtogen, protogenDir } from '../../tools/protogen/protogen.mjs';

// The code generator (buf + ts-proto) lives in its own pinned manifest, tools/protogen/, installed on
// demand by tools/protogen/protogen.mjs; the project's `npm ci` must not install it, while the
// runtime the generated code imports must stay a project dependency.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));
const GENERATOR_PACKAGES = ['@bufbuild/buf', 'ts-proto', 'ts-poet', 'dprint-node', 'ts-proto-descriptors', 'case-anything'];

describe('tools/protogen manifest', () => {
  const manifest = readJson(join(protogenDir, 'package.json'));
  const lock = readJson(join(protogenDir, 'package-lock.json'));

  it('pins buf and ts-proto to exact versions, and its lock agrees with it', () => {
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@bufbuild/buf', 'ts-proto']);
    for (const [name, version] of Object.entries<string>(manifest.dependencies)) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
    }
    expect(lock.packages[''].dependencies).toEqual(manifest.dependencies);
    // Every locked package carries its integrity, so `npm ci` installs exactly these bytes.
    for (const [path, entry] of Object.entries<any>(lock.packages)) {
      if (path !== '') expect(entry.integrity, path).toMatch(/^sha512-/);
    }
  });

  it('is the toolchain buf.gen.yaml runs (its local plugin is in tools/protogen/node_modules)', () => {
    const template = parse(readFileSync(join(root, 'buf.gen.yaml'), 'utf8'));
    const locals = template.plugins.map((p: { local?: string }) => p.local);
    expect(locals).toEqual([relative(root, join(protogenDir, 'node_modules/.bin/protoc-gen-ts_proto'))]);
  });

  it('is not part of the project install: no generator package in package.json or package-lock.json', () => {
    const pkg = readJson(join(root, 'package.json'));
    const projectLock = readJson(join(root, 'package-lock.json'));
    for (const name of GENERATOR_PACKAGES) {
      expect(pkg.dependencies?.[name], name).toBeUndefined();
      expect(pkg.devDependencies?.[name], name).toBeUndefined();
      expect(projectLock.packages[`node_modules/${name}`], name).toBeUndefined();
    }
  });
});

describe('src/generated/csi runtime imports', () => {
  const generated = join(root, 'src/generated/csi');
  const files = readdirSync(generated, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const bare = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(join(generated, file), 'utf8').matchAll(/^import\b[^'"]*['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (!spec.startsWith('.') && !spec.startsWith('node:')) bare.add(spec);
    }
  }

  it('imports @bufbuild/protobuf and @grpc/grpc-js, nothing else from outside', () => {
    expect([...bare].sort()).toEqual(['@bufbuild/protobuf/wire', '@grpc/grpc-js']);
  });

  it('resolves every such import to a runtime dependency of the project (not a dev or generator one)', () => {
    const deps = readJson(join(root, 'package.json')).dependencies as Record<string, string>;
    const require = createRequire(join(root, 'package.json'));
    for (const spec of bare) {
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      expect(deps[name], `${name} must be in package.json "dependencies"`).toBeDefined();
      expect(require.resolve(spec)).toContain(join(root, 'node_modules', name));
    }
  });
});

describe('ensureProtogen (with a stand-in npm)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** A copy of the manifest and a fake npm that logs its arguments and runs `body` in its cwd. */
  function sandbox(body: string) {
    const dir = mkdtempSync(join(tmpdir(), 'rds-csi-protogen-'));
    dirs.push(dir);
    const manifest = join(dir, 'manifest');
    const npm = join(dir, 'npm');
    const calls = join(dir, 'calls.log');
    mkdirSync(manifest);
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(protogenDir, f), join(manifest, f));
    writeFileSync(npm, `#!/bin/sh\necho "$@" >> '${calls}'\n${body}\n`);
    chmodSync(npm, 0o755);
    const callCount = () => {
      try {
        return readFileSync(calls, 'utf8').trim().split('\n').length;
      } catch {
        return 0;
      }
    };
    return { manifest, npm, calls, callCount };
  }

  const installs = 'mkdir -p node_modules/.bin && touch node_modules/.bin/buf node_modules/.bin/protoc-gen-ts_proto';

  it('installs with `npm ci --prefix <dir> --ignore-scripts` once, and again only when the lock changes', async () => {
    const box = sandbox(installs);
    const logged: string[] = [];
    const first = await ensureProtogen({ dir: box.manifest, npm: box.npm, log: (l) => logged.push(l) });
    expect(first.buf).toBe(join(box.manifest, 'node_modules/.bin/buf'));
    expect(first.env['PATH']!.split(':').slice(0, 2)).toEqual([join(root, 'node_modules/.bin'), join(box.manifest, 'node_modules/.bin')]);
    expect(readFileSync(box.calls, 'utf8').trim().split(' ')).toEqual(
      expect.arrayContaining(['ci', '--prefix', box.manifest, '--ignore-scripts']),
    );
    expect(logged).toHaveLength(1);
    expect(box.callCount()).toBe(1);

    await ensureProtogen({ dir: box.manifest, npm: box.npm, log: () => {} });
    expect(box.callCount()).toBe(1);

    const lockFile = join(box.manifest, 'package-lock.json');
    writeFileSync(lockFile, readFileSync(lockFile, 'utf8').replace('"version": "0.0.0"', '"version": "0.0.1"'));
    await ensureProtogen({ dir: box.manifest, npm: box.npm, log: () => {} });
    expect(box.callCount()).toBe(2);
  });

  it('reinstalls when a tool was deleted from node_modules', async () => {
    const box = sandbox(installs);
    await ensureProtogen({ dir: box.manifest, npm: box.npm, log: () => {} });
    rmSync(join(box.manifest, 'node_modules/.bin/protoc-gen-ts_proto'));
    await ensureProtogen({ dir: box.manifest, npm: box.npm, log: () => {} });
    expect(box.callCount()).toBe(2);
  });

  it('fails with the command, npm\'s own error and what to do when npm ci fails', async () => {
    const box = sandbox("echo 'npm error code E404 registry unreachable' >&2; exit 1");
    const error = await ensureProtogen({ dir: box.manifest, npm: box.npm, log: () => {} }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`npm ci --prefix ${box.manifest} --ignore-scripts\` failed`);
    expect((error as Error).message).toContain('E404 registry unreachable');
    expect((error as Error).message).toContain('needs the npm registry');
  });

  it('fails naming the missing tool when npm ci succeeds without installing it', async () => {
    const box = sandbox('mkdir -p node_modules/.bin && touch node_modules/.bin/buf');
    await expect(ensureProtogen({ dir: box.manifest, npm: box.npm, log: () => {} })).rejects.toThrow(/protoc-gen-ts_proto/);
  });
});
