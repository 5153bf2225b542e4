import { DEFAULT_NVME_CLI_SETTINGS } from '../../adapters/nvme/nvme-cli-settings.js';
import { parseConfig } from '../parse-config.js';
import type { Config } from '../config.js';
import { CHECK, fail, pass, skip } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';
import { runNodeChecks } from './node-checks.js';
import type { NodeCheckEnvironment } from './node-checks.js';
import { runRdsChecks } from './rds-checks.js';

export interface DoctorEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly hostname: string;
  /** The node checks' surroundings; the kubelet and node state directories come from the configuration. */
  readonly node: Omit<NodeCheckEnvironment, 'kubeletDir' | 'nodeStateDir'>;
  /** Bound for the SSH connect and for each RouterOS command. */
  readonly rdsTimeoutMs: number;
}

const INSECURE_ENV = 'RDS_CSI_RDS_INSECURE_SKIP_HOST_KEY_CHECK';
const configHint = 'fix the flag or environment variable named; `rds-csi help` lists them';

/**
 * `rds-csi doctor [serve flags]`: the configuration, then (controller and all modes) the RDS, then (node
 * and all modes) this host. A configuration whose only problem is a missing host key pin still gets the
 * reachability and host key checks, so the output names the key to pin.
 */
export async function runDoctor(argv: readonly string[], environment: DoctorEnvironment): Promise<CheckResult[]> {
  const parsed = parseConfig(argv, environment.env, environment.hostname);
  if (parsed.ok) {
    const results = await checksFor(parsed.config, false, environment);
    return results.some((r) => r.name === CHECK.config) ? results : [pass(CHECK.config, describe(parsed.config)), ...results];
  }
  const problems = parsed.problems.map((p) => fail(CHECK.config, p, configHint));
  const withoutPin = parseConfig(argv, { ...environment.env, [INSECURE_ENV]: 'true' }, environment.hostname);
  if (withoutPin.ok && parsed.problems.length === 1) {
    return [...problems, ...(await checksFor(withoutPin.config, true, environment))];
  }
  return [...problems, skip('other checks', 'not run: fix the configuration first')];
}

async function checksFor(config: Config, pinMissing: boolean, environment: DoctorEnvironment): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  if (config.mode !== 'node') results.push(...(await runRdsChecks(config, { pinMissing, timeoutMs: environment.rdsTimeoutMs })));
  if (config.mode !== 'controller') results.push(...(await runNodeChecks({ ...environment.node, kubeletDir: config.node.kubeletDir, nodeStateDir: config.node.stateDir })));
  // Configuration problems found while checking (unreadable key file, …) are listed with the others.
  return [...results.filter((r) => r.name === CHECK.config), ...results.filter((r) => r.name !== CHECK.config)];
}

function describe(config: Config): string {
  const rds = config.embeddedRds
    ? `embedded RDS in ${config.embeddedRds}`
    : config.rds.address
      ? `RDS ${config.rds.user}@${config.rds.address}:${config.rds.port}`
      : 'no RDS configured';
  return `mode ${config.mode}, ${rds}, base path ${config.volumeBasePath}`;
}

/** The real host: /sys, /proc and the host NQN file the node plugin uses. */
export function hostNodeEnvironment(runner: NodeCheckEnvironment['runner']): DoctorEnvironment['node'] {
  const { sysfsRoot, hostNqnPath } = DEFAULT_NVME_CLI_SETTINGS;
  return { runner, sysRoot: sysfsRoot, procRoot: '/proc', hostNqnPath, timeoutMs: 10_000 };
}
