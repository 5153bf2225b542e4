import 'reflect-metadata';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { PinoLogger } from '../adapters/logging/pino-logger.js';
import { OPTIONS } from './config-options.js';
import { runDriver } from './driver.js';
import { parseConfig } from './parse-config.js';
import { ConfigFileError } from './routeros-connection.js';

/** `rds-csi serve|start|doctor|help`: the only entry point; exits non-zero on a bad configuration. */
async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  if (command === 'help' || command === '--help') return help();
  // Loaded only for `doctor`: its checks reach for SSH and host tools that `serve` may not use.
  if (command === 'doctor') return (await import('./doctor/doctor-command.js')).runDoctorCommand(rest);
  if (command !== 'serve' && command !== 'start') {
    process.stderr.write(`unknown command ${JSON.stringify(command)}; use serve, start, doctor or help\n`);
    return 2;
  }
  const environment = command === 'start' ? embeddedEnvironment(process.env) : process.env;
  const parsed = parseConfig(rest, environment, hostname());
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
  if (command === 'start') {
    process.stdout.write(
      `rds-csi is serving CSI (${driver.services.join(', ')}) on unix://${resolve(driver.socketPath)}\n` +
        `  embedded RDS simulator: ${driver.connection?.settings.host}:${driver.connection?.settings.port}, data in ${config.embeddedRds}\n` +
        `  try: csc identity plugin-info --endpoint unix://${resolve(driver.socketPath)}   (or any CSI client)\n` +
        `  stop with Ctrl-C\n`,
    );
  }
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      logger.info('shutting down', { signal });
      void driver.stop().finally(done);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  logger.flush();
  return 0;
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
  process.stdout.write(`usage: rds-csi serve [flags] | rds-csi start | rds-csi doctor [flags] | rds-csi help\n\n` +
      `doctor: checks the configuration given by the same flags (RDS reachability, host key, login, RouterOS version,\n` +
      `base path, free space; on a node nvme-cli, nvme-tcp, host NQN, tools, kubelet mount propagation); exits 1 on a FAIL\n\nflags:\n${lines.join('')}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
