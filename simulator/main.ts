import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliUsageError, USAGE, parseCliArgs, type CliArgs } from './cli-args.js';
import { RdsSimulator } from './rds-simulator.js';
import { SimRouterOs } from './sim-router-os.js';
import { generateHostKeyText } from './sim-ssh-keys.js';

/**
 * Standalone RDS simulator. Server mode serves SSH until SIGINT/SIGTERM and prints the host key
 * fingerprint; `--one-shot` runs $SSH_ORIGINAL_COMMAND once against the data dir and exits with its
 * exit status (for OpenSSH's `command=` forced commands). Exit 2 on usage errors.
 */
async function main(argv: readonly string[]): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  return args.oneShot ? oneShot(args) : serve(args);
}

function routerOptions(args: CliArgs) {
  return {
    dataDir: args.dataDir,
    variants: args.variants,
    ...(args.poolSizeBytes !== undefined ? { poolSizeBytes: args.poolSizeBytes } : {}),
    ...(args.poolName !== undefined ? { poolName: args.poolName } : {}),
    ...(args.routerOsVersion !== undefined ? { routerOsVersion: args.routerOsVersion } : {}),
  };
}

async function oneShot(args: CliArgs): Promise<number> {
  const command = process.env.SSH_ORIGINAL_COMMAND;
  if (command === undefined || command.trim() === '') {
    throw new CliUsageError('--one-shot runs the command in SSH_ORIGINAL_COMMAND, which is empty (interactive login is not supported)');
  }
  const router = await SimRouterOs.open(routerOptions(args));
  const result = await router.run(command);
  await new Promise<void>((resolve) => process.stdout.write(result.stdout, () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write(result.stderr, () => resolve()));
  return result.exitCode;
}

/** Reads --host-key, or the key kept in the data dir (generated on first start). */
async function hostKey(args: CliArgs): Promise<string> {
  if (args.hostKeyFile !== undefined) return readFile(args.hostKeyFile, 'utf8');
  const path = join(args.dataDir, 'ssh_host_ed25519_key');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generateHostKeyText();
  await mkdir(args.dataDir, { recursive: true });
  await writeFile(path, key, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return key;
}

async function serve(args: CliArgs): Promise<number> {
  const authorizedKeys = await Promise.all(args.authorizedKeyFiles.map((f) => readFile(f, 'utf8')));
  const router = await SimRouterOs.open(routerOptions(args));
  const poolSizeBytes = (await router.state()).poolSizeBytes;
  const sim = await RdsSimulator.start({
    ...routerOptions(args),
    poolSizeBytes,
    host: args.listenHost,
    port: args.listenPort,
    hostKey: await hostKey(args),
    authorizedKeys,
    ...(args.latencyMs !== undefined ? { latencyMs: args.latencyMs } : {}),
    ...(args.nvmeTcpAddress !== undefined ? { nvmetAddress: args.nvmeTcpAddress } : {}),
  });
  // Handlers go in before the banner: whoever reads the banner may signal right away.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write(`rds-sim listening on ${sim.host}:${sim.port}\n`);
  process.stdout.write(`host key fingerprint: ${sim.hostKeyFingerprint()}\n`);
  process.stdout.write(`host key: ${sim.hostPublicKeyLine()}\n`);
  if (args.nvmeTcpAddress !== undefined) process.stdout.write(`NVMe/TCP exports on ${args.nvmeTcpAddress} (kernel target)\n`);
  await stopped;
  await sim.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof CliUsageError;
    process.stderr.write(`rds-sim: ${error instanceof Error ? error.message : String(error)}\n${usage ? `${USAGE}\n` : ''}`);
    process.exitCode = 2;
  },
);
