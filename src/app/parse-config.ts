import { parseNodeId } from '../domain/ids.js';
import { parseHostAddress, parsePort } from '../domain/network-address.js';
import { parseBasePath } from '../domain/storage-path.js';
import type { Config, Mode, StoreKind } from './config.js';
import { readFlags } from './cli/read-flags.js';
import { OPTIONS } from './config-options.js';
import { hostKeyProblem, keyFileProblem, placeholderAddressProblem } from './rds-material-checks.js';
import type { MaterialChecks } from './rds-material-checks.js';
import { optionalField } from './optional-field.js';

export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly problems: readonly string[] };

const DRIVER_NAME = /^(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/**
 * The only reader of argv and the environment. Collects every problem, each naming the flag and its
 * environment variable, so an operator fixes them in one go; nothing starts on a bad configuration.
 */
export function parseConfig(
  argv: readonly string[],
  environment: Readonly<Record<string, string | undefined>>,
  hostname: string,
  material?: MaterialChecks,
): ConfigResult {
  const read = readFlags(argv, OPTIONS);
  const problems: string[] = [...read.problems];
  const flags = read.values;
  const raw = (flag: string): string | undefined => {
    const option = OPTIONS.find((o) => o.flag === flag)!;
    const fromFlag = flags[flag];
    if (fromFlag !== undefined) return String(fromFlag);
    for (const name of option.env) if (environment[name] !== undefined && environment[name] !== '') return environment[name];
    return option.defaultValue;
  };
  const where = (flag: string) => `--${flag} (${OPTIONS.find((o) => o.flag === flag)!.env.join(' or ')})`;
  const check = <T>(flag: string, parse: (v: string) => T): T | undefined => {
    const value = raw(flag);
    if (value === undefined) return undefined;
    try {
      return parse(value);
    } catch (error) {
      problems.push(`${where(flag)}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const oneOf = <T extends string>(allowed: readonly T[]) => (v: string): T => {
    if ((allowed as readonly string[]).includes(v)) return v as T;
    throw new Error(`${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
  };
  const count = (min: number, max: number) => (v: string): number => {
    const n = /^\d{1,9}$/.test(v) ? Number(v) : NaN;
    if (n >= min && n <= max) return n;
    throw new Error(`${JSON.stringify(v)} is not a whole number from ${min} to ${max}`);
  };
  const truthy = (v: string): boolean => {
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    throw new Error(`${JSON.stringify(v)} is not true or false`);
  };

  const mode = check('mode', oneOf<Mode>(['controller', 'node', 'all'])) ?? 'all';
  const endpoint = check('endpoint', (v) => {
    const match = /^unix:\/\/(.+)$/.exec(v);
    if (!match?.[1]) throw new Error(`${JSON.stringify(v)} is not unix://PATH`);
    return match[1];
  });
  const driverName = check('driver-name', (v) => {
    if (DRIVER_NAME.test(v)) return v;
    throw new Error(`${JSON.stringify(v)} is not a valid CSI driver name (at most 63 letters, digits, '-' and '.', alphanumeric at both ends)`);
  });
  const embeddedRds = check('embedded-rds', (v) => v);
  const rdsAddress = check('rds-address', (v) => parseHostAddress(v, 'the address'));
  const keyFile = check('rds-key-file', (v) => v);
  const hostKey = check('rds-host-key', (v) => v);
  const insecure = check('rds-insecure-skip-host-key-check', truthy) ?? false;
  const serving = mode !== 'node';
  const rdsUser = check('rds-user', (v) => {
    if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v)) return v;
    throw new Error(`${JSON.stringify(v)} is not a RouterOS user name`);
  });
  if (serving && !embeddedRds) {
    if (!rdsAddress) problems.push(`${where('rds-address')} is required in ${mode} mode (or --embedded-rds DIR for the simulator)`);
    if (raw('rds-user') === undefined) problems.push(`${where('rds-user')} is required in ${mode} mode: the RouterOS user the driver logs in as (a least-privilege user, see docs/rds-preparation.md)`);
    if (!keyFile) problems.push(`${where('rds-key-file')} is required in ${mode} mode`);
    if (!hostKey && !insecure) problems.push(`${where('rds-host-key')} is required: pin the RDS host key (or, for a lab, --rds-insecure-skip-host-key-check)`);
    problems.push(...materialProblems(where, { rdsAddress, nvmeAddress: raw('nvme-address'), keyFile, hostKey }, material));
  }
  const nodeIdGiven = check('node-id', (v) => parseNodeId(v));
  const nodeId = nodeIdGiven ?? (mode === 'controller' || raw('node-id') !== undefined ? undefined : safeNode(hostname, problems));
  const nvmeAddress = check('nvme-address', (v) => parseHostAddress(v, 'the address')) ?? rdsAddress;
  const maxVolumes = check('max-volumes-per-node', count(1, 100_000));
  const leaseDurationS = check('leader-election-lease-duration', count(2, 600)) ?? 15;
  const retryPeriodS = check('leader-election-retry-period', count(1, 300)) ?? 2;
  if (retryPeriodS >= leaseDurationS) {
    problems.push(`${where('leader-election-retry-period')}: ${retryPeriodS} s must be less than the lease duration (${leaseDurationS} s), or a leader loses its lease between two renewals`);
  }
  const config: Config = {
    mode,
    socketPath: endpoint ?? '',
    ...(nodeId ? { nodeId } : {}),
    driverName: driverName ?? '',
    logLevel: check('log-level', oneOf(['debug', 'info', 'warn', 'error'] as const)) ?? 'info',
    rds: {
      ...(rdsAddress ? { address: rdsAddress } : {}),
      port: check('rds-port', (v) => parsePort(v, 'the port')) ?? 22,
      ...optionalField('user', rdsUser),
      ...(keyFile ? { keyFile } : {}),
      ...(hostKey ? { hostKey } : {}),
      insecureSkipHostKeyCheck: insecure,
      maxCommands: check('rds-max-commands', count(1, 64)) ?? 4,
      connections: check('rds-connections', count(1, 16)) ?? 2,
      commandTimeoutMs: (check('rds-command-timeout', count(1, 3_600)) ?? 30) * 1000,
    },
    volumeBasePath: check('volume-base-path', (v) => parseBasePath(v, 'the path')) ?? parseBasePath('/storage-pool/metal-csi'),
    nvme: {
      ...(nvmeAddress ? { address: nvmeAddress } : {}),
      port: check('nvme-port', (v) => parsePort(v, 'the port')) ?? 4420,
    },
    attachmentStore: check('attachment-store', oneOf<StoreKind>(['kubernetes', 'memory'])) ?? 'kubernetes',
    ...optionalField('kubeconfig', check('kubeconfig', (v) => v)),
    ...optionalField('metricsAddress', check('metrics-address', (v) => {
      const m = /^(.*):(\d{1,5})$/.exec(v);
      // Port 0 picks a free port (tests, several drivers on one host).
      if (m && (m[1] === '' || parseHostAddress(m[1]!.replace(/^\[|\]$/g, ''), 'the host')) && (m[2] === '0' || parsePort(m[2]!, 'the port'))) return v;
      throw new Error(`${JSON.stringify(v)} is not HOST:PORT (or :PORT)`);
    })),
    ...optionalField('embeddedRds', embeddedRds),
    node: {
      managedNqnPrefix: check('managed-nqn-prefix', (v) => {
        if (/^nqn\.\d{4}-\d{2}\.[a-z0-9.-]+:[a-z0-9._:-]*$/.test(v) && v.length <= 200) return v;
        throw new Error(`${JSON.stringify(v)} is not an NQN prefix such as nqn.2000-02.com.mikrotik:`);
      }) ?? 'nqn.2000-02.com.mikrotik:',
      stateDir: check('node-state-dir', (v) => {
        if (v.startsWith('/') || v.startsWith('./')) return v;
        throw new Error(`${JSON.stringify(v)} is not an absolute path`);
      }) ?? '/var/lib/rds-csi/node',
      defaultFsType: check('default-fs-type', oneOf(['ext4', 'xfs', 'ext3'] as const)) ?? 'ext4',
      kubeletDir: check('kubelet-dir', (v) => {
        if (/^\/[^\0\n]*$/.test(v) && v.length <= 1024) return v.length > 1 ? v.replace(/\/+$/, '') : v;
        throw new Error(`${JSON.stringify(v)} is not an absolute path`);
      }) ?? '/var/lib/kubelet',
    },
    background: {
      reconcileIntervalMs: (check('reconcile-interval', count(5, 86_400)) ?? 60) * 1000,
      leaseNamespace: check('leader-election-namespace', (v) => {
        if (/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v)) return v;
        throw new Error(`${JSON.stringify(v)} is not a namespace name`);
      }) ?? 'rds-csi',
      identity: check('leader-election-identity', (v) => {
        if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(v)) return v;
        throw new Error(`${JSON.stringify(v)} is not a valid identity`);
      }) ?? hostname,
      leaseDurationMs: leaseDurationS * 1000,
      retryPeriodMs: retryPeriodS * 1000,
    },
    attachment: {
      maxMultiWriterNodes: 2,
      dualAttachTimeoutMs: (check('migration-timeout', count(30, 86_400)) ?? 300) * 1000,
      ...(maxVolumes === undefined ? {} : { maxVolumesPerNode: maxVolumes }),
      lockWaitMs: (check('lock-wait', count(1, 600)) ?? 10) * 1000,
      reconcileGraceMs: (check('reconcile-grace', count(1, 3_600)) ?? 120) * 1000,
    },
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: Object.freeze(config) };
}

interface RdsMaterial {
  readonly rdsAddress: string | undefined;
  readonly nvmeAddress: string | undefined;
  readonly keyFile: string | undefined;
  readonly hostKey: string | undefined;
}

/** Placeholders left from the examples, and (given file access) key files and host keys that cannot work. */
function materialProblems(where: (flag: string) => string, given: RdsMaterial, material: MaterialChecks | undefined): string[] {
  const found = [
    given.rdsAddress === undefined ? undefined : placeholderAddressProblem(where('rds-address'), given.rdsAddress),
    given.nvmeAddress === undefined ? undefined : placeholderAddressProblem(where('nvme-address'), given.nvmeAddress),
  ];
  if (material) {
    if (given.keyFile !== undefined) found.push(keyFileProblem(where('rds-key-file'), given.keyFile, material));
    if (given.hostKey !== undefined) found.push(hostKeyProblem(where('rds-host-key'), given.hostKey, material));
  }
  return found.filter((p): p is string => p !== undefined);
}

function safeNode(hostname: string, problems: string[]) {
  try {
    return parseNodeId(hostname);
  } catch {
    problems.push(`--node-id (RDS_CSI_NODE_ID or NODE_ID) is required: the host name ${JSON.stringify(hostname)} is not a valid node ID`);
    return undefined;
  }
}
