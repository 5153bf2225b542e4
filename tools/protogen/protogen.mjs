#!/usr/bin/env node
// The CSI code generator toolchain (buf + ts-proto), kept out of the project's own dependencies:
// `npm ci` of the project does not install it (it weighs ~120 MB, buf's binary and dprint-node's
// prebuilt formatters), and only `npm run generate:proto` and test/generated/csi-generated.test.ts
// need it. Both go through this file, which installs the exact versions pinned in
// tools/protogen/package-lock.json into tools/protogen/node_modules (git-ignored) on first use with
// `npm ci --prefix tools/protogen --ignore-scripts`, and again whenever that manifest changes.
//
//   node tools/protogen/protogen.mjs install            install (or check) the toolchain only
//   node tools/protogen/protogen.mjs <buf args...>      install if needed, then run buf, e.g.
//   node tools/protogen/protogen.mjs generate --clean   (what `npm run generate:proto` runs)
//
// Scripts of the installed packages are never run: buf's postinstall would only try to download a
// binary that its platform package (@bufbuild/buf-linux-x64 etc., an optional dependency) already
// ships, and downloads other than npm's registry are not possible here.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/protogen: the pinned manifest (package.json + package-lock.json). */
export const protogenDir = dirname(fileURLToPath(import.meta.url));
/** The project root, where buf.gen.yaml and proto/ are. */
export const projectRoot = resolve(protogenDir, '../..');

const STAMP = '.rds-csi-protogen.sha256';

/** sha256 over the manifest and its lock: the stamp written after a successful install. */
function manifestDigest(dir) {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(dir, file))).update('\0');
  return hash.digest('hex');
}

function readStamp(dir) {
  try {
    return readFileSync(join(dir, 'node_modules', STAMP), 'utf8').trim();
  } catch {
    return null;
  }
}

/** The absolute path of an executable on PATH, or null. */
function onPath(name, path = process.env.PATH ?? '') {
  for (const d of path.split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Makes sure the toolchain pinned in `dir` (default tools/protogen) is installed there and returns
 * the buf executable plus the environment to run it in: PATH starts with the project's
 * node_modules/.bin (so ts-proto's `#!/usr/bin/env node` runs on the project's Node 24, as under
 * `npm run`), then the toolchain's own .bin.
 *
 * `npm` is the npm executable (default: the first `npm` on PATH); `log` reports an install.
 * Throws an Error that says what to do when npm is missing or `npm ci` fails.
 */
export async function ensureProtogen({ dir = protogenDir, npm, log = (line) => console.error(line) } = {}) {
  const binDir = join(dir, 'node_modules', '.bin');
  const buf = join(binDir, 'buf');
  const plugin = join(binDir, 'protoc-gen-ts_proto');
  const digest = manifestDigest(dir);
  const env = { ...process.env, PATH: [join(projectRoot, 'node_modules', '.bin'), binDir, process.env.PATH ?? ''].join(delimiter) };
  if (readStamp(dir) === digest && existsSync(buf) && existsSync(plugin)) return { buf, plugin, binDir, env };

  const npmPath = npm ?? onPath('npm');
  const what = `npm ci --prefix ${dir === protogenDir ? 'tools/protogen' : dir} --ignore-scripts`;
  if (!npmPath) {
    throw new Error(`the code generator (buf, ts-proto) is installed with \`${what}\`, but npm is not on PATH: install Node.js with npm (Debian: apt-get install npm)`);
  }
  log(`installing the code generator (buf, ts-proto, pinned in ${join(dir, 'package-lock.json')}): ${what}`);
  try {
    await new Promise((resolvePromise, reject) => {
      execFile(
        npmPath,
        ['ci', '--prefix', dir, '--ignore-scripts', '--include=optional', '--no-audit', '--no-fund', '--loglevel=error'],
        { cwd: dir, env: process.env, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
        (error, _stdout, stderr) => (error ? reject(Object.assign(error, { stderrText: String(stderr) })) : resolvePromise()),
      );
    });
  } catch (error) {
    const detail = (error.stderrText ?? '').trim() || error.message;
    throw new Error(
      `could not install the code generator: \`${what}\` failed.\n${detail}\n` +
        'It needs the npm registry (or npm\'s cache holding these exact versions); run that command in the project root to see why.',
    );
  }
  for (const [name, path] of [['buf', buf], ['protoc-gen-ts_proto', plugin]]) {
    if (!existsSync(path)) throw new Error(`\`${what}\` succeeded but left no ${path}: ${name} is missing from the pinned manifest or not built for ${process.platform}-${process.arch}`);
  }
  writeFileSync(join(dir, 'node_modules', STAMP), `${digest}\n`);
  return { buf, plugin, binDir, env };
}

async function main(args) {
  const { buf, env } = await ensureProtogen();
  if (args.length === 1 && args[0] === 'install') return 0;
  if (args.length === 0) {
    console.error('usage: node tools/protogen/protogen.mjs install | <buf arguments>, e.g. generate --clean');
    return 2;
  }
  const run = spawnSync(buf, args, { cwd: projectRoot, env, stdio: 'inherit' });
  if (run.error) throw run.error;
  return run.status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
