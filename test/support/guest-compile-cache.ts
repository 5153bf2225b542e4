import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitForProbe } from './http2-csi-client.js';
import { CHECKOUT_ROOT } from './checkout-root.js';
import { IMAGE_NODE_FLAGS } from './image-node-flags.js';

const CACHES = join(CHECKOUT_ROOT, 'node_modules/.cache/guest/compile-cache');

/**
 * A V8 compile cache (NODE_COMPILE_CACHE) of a bundle, made on this machine for the NVMe/TCP guest:
 * there, compiling the bundle's JavaScript is most of what the driver does before it answers Probe
 * (about 8 s under TCG without the cache, 4-5 s with it). The guest runs the same files at the same
 * paths with the same node, so the cache is valid there. Made once per bundle content, node version
 * and driver flags: the node plugin and `rds-csi start` (controller, node and simulator code) are run
 * until they answer Probe, and the guest-scenario entry is loaded; each writes its cache as it exits.
 */
export async function compileCache(bundleDir: string, node: string, driverFlags: readonly string[]): Promise<string> {
  const key = await cacheKey(bundleDir, node, driverFlags);
  const dir = join(CACHES, key);
  if (existsSync(join(dir, '.complete'))) return dir;
  await mkdir(CACHES, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'rds-compile-cache-'));
  const cache = join(work, 'cache');
  try {
    const env = { ...process.env, NODE_COMPILE_CACHE: cache };
    const entry = join(bundleDir, 'rds-csi.mjs');
    await untilProbe(node, [...driverFlags, entry, 'serve', '--mode', 'node', '--endpoint', `unix://${join(work, 'node.sock')}`, '--node-id', 'warm',
      '--node-state-dir', join(work, 'node-state'), '--kubelet-dir', join(work, 'kubelet'), '--attachment-store', 'memory', '--log-level', 'warn'], join(work, 'node.sock'), work, env);
    await untilProbe(node, [...driverFlags, entry, 'start', '--endpoint', `unix://${join(work, 'all.sock')}`, '--log-level', 'warn'], join(work, 'all.sock'), work, env);
    await exited(spawn(node, [join(bundleDir, 'guest-scenario.mjs'), '--load-only'], { cwd: work, env, stdio: 'ignore' }));
    await writeFile(join(cache, '.complete'), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(cache, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (!existsSync(join(dir, '.complete'))) throw error; // another run made it meanwhile
    });
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function cacheKey(bundleDir: string, node: string, driverFlags: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(`${resolve(node)}\n${process.version}\n${driverFlags.join(' ')}\n`);
  const files = (await readdir(bundleDir, { recursive: true })).filter((f) => f.endsWith('.mjs')).sort();
  for (const file of files) hash.update(file).update(await readFile(join(bundleDir, file)));
  return hash.digest('hex').slice(0, 16);
}

/** Runs the driver until it answers Probe on `socket` (up to 60 s), then stops it with SIGTERM. */
async function untilProbe(node: string, args: string[], socket: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(node, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = exited(child);
  try {
    await waitForProbe(socket, child, () => ` while preparing the compile cache: ${stderr}`);
  } finally {
    child.kill('SIGTERM');
    await done;
  }
}

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolveExit) => (child.exitCode !== null || child.signalCode !== null ? resolveExit() : child.once('exit', () => resolveExit())));
}

/**
 * The guest shell command that runs the bundle's guest-scenario entry with `node`: the driver gets the
 * image's Node.js flags (DRIVER_NODE_FLAGS) and every process this bundle's compile cache, copied into
 * the guest's writable /run first (the host's files are read-only there).
 */
export async function guestScenarioCommand(node: string, bundleDir: string, args: string, nodeArgs: readonly string[] = []): Promise<string> {
  const cache = await compileCache(bundleDir, node, IMAGE_NODE_FLAGS);
  return [
    // When the command started, on the guest's clock: the scenario counts its time to Probe from here.
    'GUEST_COMMAND_STARTED_MS=$(date +%s%3N) &&',
    `rm -rf /run/compile-cache && cp -r ${cache} /run/compile-cache &&`,
    `GUEST_COMMAND_STARTED_MS=$GUEST_COMMAND_STARTED_MS NODE_COMPILE_CACHE=/run/compile-cache DRIVER_NODE_FLAGS=${IMAGE_NODE_FLAGS.join(',')}`,
    `${node} ${nodeArgs.join(' ')} ${join(bundleDir, 'guest-scenario.mjs')} ${args}`,
  ].join(' ');
}
