import type { OutputVariants } from './output-variants.js';

export interface CliArgs {
  oneShot: boolean;
  listenHost: string;
  listenPort: number;
  dataDir: string;
  poolSizeBytes?: number;
  authorizedKeyFiles: string[];
  hostKeyFile?: string;
  routerOsVersion?: string;
  poolName?: string;
  latencyMs?: number;
  /** Serve exported disks over real NVMe/TCP (kernel nvmet) on this address. */
  nvmeTcpAddress?: string;
  variants: Partial<OutputVariants>;
  help: boolean;
}

export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

export const USAGE = `usage: rds-sim --data-dir DIR --authorized-key FILE [--authorized-key FILE...]
              [--listen HOST:PORT] [--pool-size SIZE] [--host-key FILE] [--pool-name NAME]
              [--routeros-version V] [--latency-ms N] [--error-stream stdout|stderr]
              [--error-exit-code 0|1] [--empty-find-remove silent|no-such-item]
              [--nvme-tcp-address ADDR]   (serve exports over the kernel NVMe/TCP target)
       rds-sim --one-shot --data-dir DIR [--pool-size SIZE] [variant flags]
         (runs $SSH_ORIGINAL_COMMAND once, for an OpenSSH forced command)
SIZE: bytes or a number with K, M, G or T (binary), e.g. 100G.
Without --host-key a key is generated once and kept in DIR/ssh_host_ed25519_key.`;

const VALUE_FLAGS = new Set([
  'listen', 'data-dir', 'pool-size', 'authorized-key', 'host-key', 'routeros-version', 'pool-name',
  'latency-ms', 'error-stream', 'error-exit-code', 'empty-find-remove', 'nvme-tcp-address',
]);

export function parseCliSize(text: string): number {
  const m = /^(\d{1,16})([KMGT])?(?:i?B)?$/.exec(text);
  const bytes = m ? Number(m[1]) * 1024 ** (m[2] ? 'KMGT'.indexOf(m[2]) + 1 : 0) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new CliUsageError(`invalid size: ${text}`);
  return bytes;
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : -1;
  if (!m || port > 65535) throw new CliUsageError(`--listen wants HOST:PORT, got ${text}`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new CliUsageError(`--${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const values = new Map<string, string[]>();
  let oneShot = false;
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new CliUsageError(`unexpected argument: ${arg}`);
    const name = m[1]!;
    if (name === 'one-shot' || name === 'help') {
      if (m[2] !== undefined) throw new CliUsageError(`--${name} takes no value`);
      if (name === 'help') help = true;
      else oneShot = true;
      continue;
    }
    if (!VALUE_FLAGS.has(name)) throw new CliUsageError(`unknown flag: --${name}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new CliUsageError(`--${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  const single = (name: string): string | undefined => {
    const v = values.get(name);
    if (v && v.length > 1 && name !== 'authorized-key') throw new CliUsageError(`--${name} given more than once`);
    return v?.[0];
  };
  for (const name of values.keys()) single(name);
  const dataDir = single('data-dir');
  if (!help && dataDir === undefined) throw new CliUsageError('--data-dir is required');
  const authorizedKeyFiles = values.get('authorized-key') ?? [];
  if (!help && !oneShot && authorizedKeyFiles.length === 0) throw new CliUsageError('--authorized-key is required');
  const listen = parseListen(single('listen') ?? '127.0.0.1:2222');
  const variants: Partial<OutputVariants> = {};
  const stream = single('error-stream');
  if (stream !== undefined) variants.errorStream = oneOf('error-stream', stream, ['stdout', 'stderr'] as const);
  const code = single('error-exit-code');
  if (code !== undefined) variants.errorExitCode = Number(oneOf('error-exit-code', code, ['0', '1'] as const)) as 0 | 1;
  const empty = single('empty-find-remove');
  if (empty !== undefined) variants.emptyFindRemove = oneOf('empty-find-remove', empty, ['silent', 'no-such-item'] as const);
  const latency = single('latency-ms');
  if (latency !== undefined && !/^\d{1,7}$/.test(latency)) throw new CliUsageError('--latency-ms must be a whole number');
  const args: CliArgs = {
    oneShot,
    help,
    listenHost: listen.host,
    listenPort: listen.port,
    dataDir: dataDir ?? '',
    authorizedKeyFiles,
    variants,
  };
  const size = single('pool-size');
  if (size !== undefined) args.poolSizeBytes = parseCliSize(size);
  const hostKey = single('host-key');
  if (hostKey !== undefined) args.hostKeyFile = hostKey;
  const version = single('routeros-version');
  if (version !== undefined) args.routerOsVersion = version;
  const pool = single('pool-name');
  if (pool !== undefined) args.poolName = pool;
  if (latency !== undefined) args.latencyMs = Number(latency);
  const nvme = single('nvme-tcp-address');
  if (nvme !== undefined) {
    if (!/^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+)$/.test(nvme)) throw new CliUsageError(`--nvme-tcp-address wants an IPv4 or IPv6 address, got ${nvme}`);
    args.nvmeTcpAddress = nvme;
  }
  return args;
}
