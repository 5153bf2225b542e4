import type { ServiceIdentifier } from 'inversify';

export interface NvmeCliSettings {
  /** Mandatory: only subsystems whose NQN starts with this are ever connected or disconnected. */
  readonly managedNqnPrefix: string;
  /** Where the host NQN is read from; used with `-q` when present. */
  readonly hostNqnPath: string;
  readonly sysfsRoot: string;
  readonly devRoot: string;
  /** Time limit of list-subsys, disconnect and ns-rescan. */
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** How long connect waits for the namespace's block device to appear, polling every `devicePollMs`. */
  readonly deviceWaitMs: number;
  readonly devicePollMs: number;
  /** How long a disconnect gets for the kernel to remove the subsystem's controllers (sysfs). */
  readonly disconnectWaitMs: number;
  /** How long an already connected subsystem gets to show its device before it counts as an orphan. */
  readonly existingDeviceGraceMs: number;
}
export const NvmeCliSettings = Symbol.for('rds-csi.NvmeCliSettings') as ServiceIdentifier<NvmeCliSettings>;

export const DEFAULT_NVME_CLI_SETTINGS: Omit<NvmeCliSettings, 'managedNqnPrefix'> = {
  hostNqnPath: '/etc/nvme/hostnqn',
  sysfsRoot: '/sys',
  devRoot: '/dev',
  commandTimeoutMs: 30_000,
  connectTimeoutMs: 60_000,
  deviceWaitMs: 30_000,
  devicePollMs: 50,
  existingDeviceGraceMs: 2_000,
  disconnectWaitMs: 10_000,
};
