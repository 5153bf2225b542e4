import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { PinoLogger } from '../adapters/logging/pino-logger.js';
import { OPTIONS } from './config-options.js';
import { runDriver } from './driver.js';
import { parseConfig } from './parse-config.js';
import { packageVersion } from './package-version.js';
import { startBanner } from './start-banner.js';
import { ConfigFileError } from './routeros-connection.js';
import type { MaterialChecks } from './rds-material-checks.js';

/**
 * The real files behind --rds-key-file and --rds-host-key, read once before anything starts. The
 * key parser (ssh2) is loaded only when a first parse says this process talks to a real RDS: the
 * node plugin never loads it.
 */
async function hostFiles(argv: readonly string[], environment: NodeJS.ProcessEnv): Promise<MaterialChecks | undefined> {
  const first = parseConfig(argv, environment, hostname());
  if (first.ok && (first.config.mode === 'node' || first.config.embeddedRds)) return undefined;
  const { privateKeyProblem } = await import('../adapters/routeros/routeros-ssh-session.js');
  return {
    read: (path) => {
      try {
        return { text: readFileSync(path, 'utf8') };
      } catch (error) {
        return { error: (error as NodeJS.ErrnoException).code ?? 'error' };
      }
    },
    privateKey: (text) => privateKeyProblem(text),
  };
}

/** `rds-csi serve|start|doctor|help`: the only entry point; exits non-zero on a bad configuration. */
async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  if (command === 'version' || argv.includes('--version')) {
    process.stdout.write(`rds-csi ${packageVersion()}
`);
    return 0;
  }
  if (command === 'help' || argv.includes('--help') || argv.includes('-h')) return help();
  // Loaded only for `doctor`: its checks reach for SSH and host tools that `serve` may not use.
  if (command === 'doctor') return (await import('./doctor/doctor-command.js')).runDoctorCommand(rest);
  if (command !== 'serve' && command !== 'start') {
    process.stderr.write(`unknown command ${JSON.stringify(command)}; use serve, start, doctor, version or help\n`);
    return 2;
  }
  const environment = command === 'start' ? embeddedEnvironment(process.env) : process.env;
  const parsed = parseConfig(rest, environment, hostname(), await hostFiles(rest, environment));
  if (!parsed.ok) {
    process.stderr.write(`rds-csi: invalid configuration:\n${parsed.problems.map((p) => `  - ${p}\n`).join('')}`);
    return 2;
  }
  const config = parsed.config;
  const logger = PinoLogger.create({ level: config.logLevel, service: 'rds-csi' });
  let driver;
  try {
    driver = await runDriver(config, { logger });
  } catch (error) {
    if (error instanceof ConfigFileError) {
      process.stderr.write(`rds-csi: invalid configuration:\n  - ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const embedded = driver.connection?.embedded;
  if (command === 'start' && embedded && driver.connection) {
    const { host, port, username } = driver.connection.settings;
    process.stdout.write(startBanner({
      version: packageVersion(),
      services: driver.services,
      socketPath: resolve(driver.socketPath),
      dataDir: resolve(config.embeddedRds ?? '.'),
      ssh: { host, port, user: username },
      hostKeyFingerprint: embedded.hostKeyFingerprint,
      privateKeyPath: resolve(embedded.privateKeyPath),
      basePath: config.volumeBasePath,
      command: [process.execPath, resolve(process.argv[1] ?? 'dist/src/app/main.js')],
    }));
  }
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info('shutting down', { signal });
      void driver.stop().finally(done);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    if (command === 'start') stopWhenOrphaned(() => stop('parent exited'));
  });
  logger.flush();
  return 0;
}

/**
 * `start` runs under a terminal or `npm start`: if whatever started it dies without passing a signal on
 * (kill -9 of npm, a closed terminal's shell), the driver must not keep serving unseen. The parent is
 * checked every second; once this process has been re-parented, it stops.
 */
function stopWhenOrphaned(stop: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, 1_000);
  timer.unref();
}

/** `start`: the embedded default; any variable the operator set (under any of its names) still wins. */
function embeddedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const defaults: Record<string, string> = {
    mode: 'all',
    'embedded-rds': './var/rds',
    'attachment-store': 'memory',
    endpoint: 'unix://./var/csi.sock',
    'node-state-dir': './var/node-state',
  };
  const result: NodeJS.ProcessEnv = { ...env };
  for (const [flag, value] of Object.entries(defaults)) {
    const names = OPTIONS.find((o) => o.flag === flag)!.env;
    if (!names.some((name) => env[name])) result[names[0]!] = value;
  }
  return result;
}

function help(): number {
  const lines = OPTIONS.map((o) => `  --${o.flag}${o.boolean ? '' : ' VALUE'}\n      ${o.help}${o.defaultValue ? ` (default ${o.defaultValue})` : ''}; env ${o.env.join(', ')}\n`);
  process.stdout.write(`usage: rds-csi serve [flags] | rds-csi start | rds-csi doctor [flags] | rds-csi version | rds-csi help\n\n` +
      `doctor: checks the configuration given by the same flags (RDS reachability, host key, login, RouterOS version,\n` +
      `base path, free space; on a node nvme-cli, nvme-tcp, host NQN, tools, kubelet mount propagation); exits 1 on a FAIL\n\nflags:\n${lines.join('')}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
