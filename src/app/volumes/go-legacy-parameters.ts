import { describeValue } from '../../domain/ids.js';
import { parseHostAddress } from '../../domain/network-address.js';
import { MIKROTIK_NQN_PREFIX } from '../../domain/nqn.js';
import { parseBasePath } from '../../domain/storage-path.js';
import type { BasePath } from '../../domain/storage-path.js';

/**
 * StorageClass keys of the Go driver that this driver does not need: its README example sets
 * `rdsAddress`, `sshPort` and `nqnPrefix`, its KubeVirt guide `rdsPort` and `rdsBasePath`. A class that
 * worked there must work here, so each is read with the meaning it had there:
 *   rdsAddress   the NVMe/TCP address when nvmeAddress is absent (the Go driver fell back to it);
 *                otherwise only echoed into the volume context, so ignored.
 *   sshPort, rdsPort   never read by the Go driver (SSH used its flags), so ignored.
 *   nqnPrefix    never read (NQNs were always nqn.2000-02.com.mikrotik:<id>), so ignored.
 *   rdsBasePath  never read (volumePath decided), so ignored.
 * Refusing any of these would stop a class that worked; instead every ignored key is reported with
 * its reason (and, when its value differs from what happens, with what does), for one warning event
 * on the PVC. Values are only shown, bounded and quoted, never used.
 */
export const GO_LEGACY_KEYS = ['rdsAddress', 'sshPort', 'rdsPort', 'nqnPrefix', 'rdsBasePath'] as const;

export interface IgnoredParameter {
  readonly key: string;
  readonly reason: string;
}

export interface LegacyReading {
  readonly ignored: readonly IgnoredParameter[];
  /** rdsAddress used as the NVMe/TCP address, as the Go driver did when nvmeAddress was absent. */
  readonly nvmeAddress?: string;
  readonly problems: readonly string[];
}

export interface LegacyContext {
  /** The controller's --rds-address. */
  readonly rdsAddress: string;
  /** The NVMe/TCP address that applies without these keys (nvmeAddress or --nvme-address). */
  readonly nvmeAddress: string;
  readonly nvmeAddressGiven: boolean;
  /** The directory volumes of this class go to (volumePath or --volume-base-path). */
  readonly basePath: BasePath;
}

export function readLegacyParameters(parameters: Readonly<Record<string, string>>, context: LegacyContext): LegacyReading {
  const ignored: IgnoredParameter[] = [];
  const problems: string[] = [];
  let nvmeAddress: string | undefined;
  const ignore = (key: string, reason: string) => ignored.push({ key, reason });

  const rdsAddress = parameters.rdsAddress;
  if (rdsAddress !== undefined) {
    if (context.nvmeAddressGiven) {
      ignore('rdsAddress', 'nvmeAddress is set and decides where nodes connect; the controller reaches the RDS at its --rds-address');
    } else if (rdsAddress === context.rdsAddress || rdsAddress === context.nvmeAddress) {
      ignore('rdsAddress', `the controller reaches the RDS at its --rds-address and nodes connect to ${context.nvmeAddress} already`);
    } else {
      try {
        nvmeAddress = parseHostAddress(rdsAddress, 'rdsAddress');
      } catch (error) {
        problems.push(`parameter rdsAddress: ${(error as Error).message}`);
      }
    }
  }
  for (const key of ['sshPort', 'rdsPort'] as const) {
    if (parameters[key] !== undefined) ignore(key, 'the controller reaches the RDS over SSH on its --rds-port (the Go driver never read this key either)');
  }

  const nqnPrefix = parameters.nqnPrefix;
  if (nqnPrefix !== undefined) {
    const fixed = `volumes are exported as ${MIKROTIK_NQN_PREFIX}<volume ID>, as the Go driver always did`;
    ignore('nqnPrefix', nqnCompatible(nqnPrefix) ? fixed : `${fixed}, not under ${describeValue(nqnPrefix)}; nodes must admit that prefix (--managed-nqn-prefix)`);
  }
  const rdsBasePath = parameters.rdsBasePath;
  if (rdsBasePath !== undefined) {
    const where = `volumes of this class go to ${context.basePath} (volumePath, or else the controller's --volume-base-path), as with the Go driver`;
    ignore('rdsBasePath', sameDirectory(rdsBasePath, context.basePath) ? where : `${where}, not to ${describeValue(rdsBasePath)}; set volumePath to choose the directory`);
  }
  return { ignored, problems, ...(nvmeAddress === undefined ? {} : { nvmeAddress }) };
}

/** Whether a nqnPrefix names the prefix this driver's NQNs carry (with or without the final ':'). */
function nqnCompatible(value: string): boolean {
  const prefix = MIKROTIK_NQN_PREFIX;
  if (value.length === 0) return false;
  return prefix.startsWith(value) || (value.startsWith(prefix) && /^[a-z0-9._:-]*$/.test(value.slice(prefix.length)));
}

function sameDirectory(value: string, base: BasePath): boolean {
  try {
    return parseBasePath(value, 'rdsBasePath') === base;
  } catch {
    return false;
  }
}

/** One line for the warning event: each ignored key and why. */
export function describeIgnored(ignored: readonly IgnoredParameter[]): string {
  return `StorageClass parameters of the Go driver ignored: ${ignored.map((i) => `${i.key} (${i.reason})`).join('; ')}`;
}
