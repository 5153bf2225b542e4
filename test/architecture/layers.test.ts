import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

interface ImportRef {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function importsOf(file: string): ImportRef[] {
  const text = readFileSync(file, 'utf8');
  const refs: ImportRef[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(pattern)) refs.push({ file, specifier: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    refs.push({ file, specifier: m[1]!, typeOnly: false });
  }
  return refs;
}

const rel = (p: string) => relative(root, p).split('\\').join('/');
const layerOf = (p: string) => rel(p).split('/')[1] ?? '';
const target = (ref: ImportRef) =>
  ref.specifier.startsWith('.') ? rel(resolve(dirname(ref.file), ref.specifier)) : ref.specifier;

/** Each SDK may be imported only by files under these folders (its adapters). */
const SDK_HOMES: Record<string, string[]> = {
  ssh2: ['src/adapters/routeros/routeros-ssh-session.ts', 'simulator/'],
  '@grpc/grpc-js': ['src/adapters/csi/'],
  '@grpc/proto-loader': ['src/adapters/csi/'],
  pino: ['src/adapters/logging/'],
  'prom-client': ['src/adapters/metrics/'],
};

const files = sourceFiles(join(root, 'src'));
const simulatorFiles = sourceFiles(join(root, 'simulator'));
const allImports = [...files, ...simulatorFiles].flatMap(importsOf);

/** Files reachable from `entry` through static (non-type) imports of project files. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const pattern = /^\s*(import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm;
    for (const m of text.matchAll(pattern)) pending.push(resolve(dirname(file), m[2]!).replace(/\.js$/, '.ts'));
  }
  return seen;
}

describe('layer rules', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('domain imports only domain', () => {
    const bad = allImports
      .filter((r) => layerOf(r.file) === 'domain')
      .filter((r) => !(r.specifier.startsWith('.') && target(r).startsWith('src/domain/')));
    expect(bad.map((r) => `${rel(r.file)} -> ${r.specifier}`)).toEqual([]);
  });

  it('ports import domain, and inversify for types only', () => {
    const bad = allImports
      .filter((r) => layerOf(r.file) === 'ports')
      .filter((r) => {
        if (r.specifier === 'inversify') return !r.typeOnly;
        return !(r.specifier.startsWith('.') && /^src\/(domain|ports)\//.test(target(r)));
      });
    expect(bad.map((r) => `${rel(r.file)} -> ${r.specifier}`)).toEqual([]);
  });

  it('adapters never import app, except the CSI adapter importing use cases', () => {
    const bad = allImports
      .filter((r) => layerOf(r.file) === 'adapters' && r.specifier.startsWith('.'))
      .filter((r) => target(r).startsWith('src/app/'))
      .filter((r) => !(rel(r.file).startsWith('src/adapters/csi/') && target(r).startsWith('src/app/use-cases/')));
    expect(bad.map((r) => `${rel(r.file)} -> ${r.specifier}`)).toEqual([]);
  });

  it('each SDK is imported only in its own adapter', () => {
    const bad = allImports.filter((r) => {
      const sdk = Object.keys(SDK_HOMES).find((s) => r.specifier === s || r.specifier.startsWith(`${s}/`));
      return sdk !== undefined && !SDK_HOMES[sdk]!.some((home) => rel(r.file).startsWith(home));
    });
    expect(bad.map((r) => `${rel(r.file)} -> ${r.specifier}`)).toEqual([]);
  });

  it('nothing outside src/app looks services up in the container', () => {
    const bad = files
      .filter((f) => layerOf(f) !== 'app')
      .filter((f) => /\b(container|ctr)\.(get|getAsync|getAll)\s*\(/.test(readFileSync(f, 'utf8')));
    expect(bad.map(rel)).toEqual([]);
  });

  it('the simulator is an appliance of its own: it imports nothing of the driver', () => {
    const bad = allImports
      .filter((r) => rel(r.file).startsWith('simulator/') && r.specifier.startsWith('.'))
      .filter((r) => !target(r).startsWith('simulator/'));
    expect(bad.map((r) => `${rel(r.file)} -> ${r.specifier}`)).toEqual([]);
  });

  it('what `serve` loads statically leaves the simulator and its loop-device initiator out', () => {
    const loaded = [...staticClosure(join(root, 'src/app/run-cli.ts'))].map(rel);
    expect(loaded).toContain('src/app/driver.ts');
    expect(loaded.filter((f) => f.startsWith('simulator/') || f.startsWith('src/adapters/loop/loop-device-initiator'))).toEqual([]);
  });

  it('what `serve` loads statically is neither mode: the controller, the node plugin and the Kubernetes client load on demand', () => {
    const loaded = [...staticClosure(join(root, 'src/app/run-cli.ts'))].map(rel);
    expect(loaded).toContain('src/app/container.ts');
    // Pure RouterOS helpers that import only the domain (no SSH): connection-setting types and defaults, host
    // key pins, quoting and file names, which the CLI uses to check a configuration before choosing a mode.
    const modeSpecific = /^src\/(adapters\/(routeros\/(?!routeros-(config|host-key|quoting|file-names)\.ts)|kubernetes\/|mount\/|nvme\/|loop\/|node-state\/|attachments\/)|app\/(modules\/(controller|node|kube-|memory-attachment)|doctor\/|controller-runtime|node-runtime|use-cases\/))/;
    expect(loaded.filter((f) => modeSpecific.test(f))).toEqual([]);
  });

  it('the node plugin statically loads no controller code, and the controller no node code', () => {
    // The node statically loads the Kubernetes client (only to post Events); its storage and coordination groups are a few paths, no generated code.
    const node = [...staticClosure(join(root, 'src/app/modules/node-module.ts')), ...staticClosure(join(root, 'src/app/node-runtime.ts')), ...staticClosure(join(root, 'src/app/modules/kube-events-module.ts'))].map(rel);
    expect(node).toContain('src/adapters/nvme/nvme-cli-initiator.ts');
    expect(node).toContain('src/adapters/kubernetes/kube-event-recorder.ts');
    const controllerOnly = /^src\/(adapters\/(routeros|attachments)\/|adapters\/kubernetes\/(pv-|kube-informer|kube-node-registry|lease-|volume-attachment-source)|app\/(use-cases\/(create|delete|publish|unpublish|reconcile|expand|refresh|enforce|inspect|get-capacity|list-snapshots|probe)|background-work|pool-capacity))/;
    expect(node.filter((f) => controllerOnly.test(f))).toEqual([]);
    const controller = [
      'src/app/modules/controller-module.ts', 'src/app/modules/kube-attachment-module.ts', 'src/app/modules/memory-attachment-module.ts', 'src/app/controller-runtime.ts',
    ].flatMap((entry) => [...staticClosure(join(root, entry))]).map(rel);
    expect(controller).toContain('src/adapters/routeros/routeros-ssh-session.ts');
    expect(controller.filter((f) => /^src\/adapters\/(mount|nvme|loop|node-state)\/|^src\/app\/use-cases\/node-/.test(f))).toEqual([]);
  });

  it('no source file imports @kubernetes/client-node: the driver has its own client of the calls it makes', () => {
    expect(allImports.filter((r) => r.specifier.startsWith('@kubernetes/client-node')).map((r) => rel(r.file))).toEqual([]);
  });

  it('keeps every source and test file under 400 lines', () => {
    const all = [...files, ...simulatorFiles, ...sourceFiles(join(root, 'test'))];
    const long = all.filter((f) => readFileSync(f, 'utf8').split('\n').length > 400);
    expect(long.map(rel)).toEqual([]);
  });
});
