/** One line of `rds-csi doctor` output. */
export type CheckStatus = 'PASS' | 'WARN' | 'FAIL' | 'SKIP';

export interface CheckResult {
  readonly status: CheckStatus;
  /** Stable check name, e.g. "host key matches". */
  readonly name: string;
  /** What was found; never key material. */
  readonly detail: string;
  /** What to do about a WARN or FAIL. */
  readonly hint?: string;
}

export const CHECK = {
  config: 'configuration valid',
  reachable: 'RDS reachable',
  hostKey: 'host key matches',
  login: 'RDS login',
  version: 'RouterOS version',
  basePath: 'volume base path exists',
  freeSpace: 'free space',
  commandForms: 'RouterOS command forms',
  nvmeCli: 'nvme-cli present',
  nvmeTcp: 'nvme-tcp module loaded',
  hostNqn: 'host NQN',
  fsTools: 'filesystem tools present',
  propagation: 'kubelet dir mount propagation',
  stagedVolumes: 'staged volumes connected',
} as const;

export const pass = (name: string, detail: string): CheckResult => ({ status: 'PASS', name, detail });
export const warn = (name: string, detail: string, hint: string): CheckResult => ({ status: 'WARN', name, detail, hint });
export const fail = (name: string, detail: string, hint: string): CheckResult => ({ status: 'FAIL', name, detail, hint });
/** A check that could not run because an earlier one failed; it does not change the exit status. */
export const skip = (name: string, detail: string): CheckResult => ({ status: 'SKIP', name, detail });
