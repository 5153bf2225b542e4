import type { ServiceIdentifier } from 'inversify';

export interface LoopInitiatorSettings {
  /** The RDS simulator's data directory: `<dataDir>/state.json` and the backing files under `<dataDir>/files/`. */
  readonly dataDir: string;
  /** Mandatory, as for the NVMe initiator: only NQNs with this prefix are connected or disconnected. */
  readonly managedNqnPrefix: string;
  /** Time limit of each losetup call. */
  readonly commandTimeoutMs: number;
  /** Where bound loop devices are read from; /sys unless a test points elsewhere. */
  readonly sysfsRoot?: string;
}
export const LoopInitiatorSettings = Symbol.for('rds-csi.LoopInitiatorSettings') as ServiceIdentifier<LoopInitiatorSettings>;

export const DEFAULT_LOOP_COMMAND_TIMEOUT_MS = 30_000;
