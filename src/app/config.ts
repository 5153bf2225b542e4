import type { LogLevel } from '../adapters/logging/pino-logger.js';

export type StoreKind = 'kubernetes' | 'memory';

/** The driver's whole configuration, parsed and validated once, then frozen. */
export interface Config {
  readonly driverName: string;
  readonly logLevel: LogLevel;
  readonly attachmentStore: StoreKind;
  /** Path of a kubeconfig file; the in-cluster service account when absent. */
  readonly kubeconfig?: string;
  readonly attachment: {
    readonly maxMultiWriterNodes: number;
    readonly dualAttachTimeoutMs: number;
    readonly maxVolumesPerNode?: number;
    readonly lockWaitMs: number;
  };
}

export const DEFAULT_DRIVER_NAME = 'rds.csi.srvlab.io';

export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({
    driverName: DEFAULT_DRIVER_NAME,
    logLevel: 'info',
    attachmentStore: 'memory',
    attachment: { maxMultiWriterNodes: 2, dualAttachTimeoutMs: 300_000, lockWaitMs: 10_000 },
    ...overrides,
  });
}
