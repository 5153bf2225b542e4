import type { LogLevel } from '../adapters/logging/pino-logger.js';
import type { NodeId } from '../domain/ids.js';
import type { BasePath } from '../domain/storage-path.js';

export type StoreKind = 'kubernetes' | 'memory';
export type Mode = 'controller' | 'node' | 'all';

/** The driver's whole configuration, parsed and validated once (parse-config.ts), then frozen. */
export interface Config {
  readonly mode: Mode;
  /** Filesystem path of the CSI unix socket. */
  readonly socketPath: string;
  readonly nodeId?: NodeId;
  readonly driverName: string;
  readonly logLevel: LogLevel;
  readonly rds: {
    readonly address?: string;
    readonly port: number;
    /** Required unless the simulator is embedded (it has its own user). */
    readonly user?: string;
    readonly keyFile?: string;
    readonly hostKey?: string;
    readonly insecureSkipHostKeyCheck: boolean;
    readonly maxCommands: number;
    /** SSH connections to the RDS used together; commands in flight at once = connections × maxCommands. */
    readonly connections: number;
    readonly commandTimeoutMs: number;
  };
  readonly volumeBasePath: BasePath;
  readonly nvme: { readonly address?: string; readonly port: number };
  readonly attachmentStore: StoreKind;
  /** Path of a kubeconfig file; the in-cluster service account when absent. */
  readonly kubeconfig?: string;
  readonly metricsAddress?: string;
  /** Run the RDS simulator in-process with its data here, and point the backend at it. */
  readonly embeddedRds?: string;
  readonly node: {
    readonly managedNqnPrefix: string;
    readonly stateDir: string;
    readonly defaultFsType: 'ext4' | 'xfs' | 'ext3';
    /** The kubelet root directory; volumes are mounted below it. */
    readonly kubeletDir: string;
  };
  /** Controller background work: leader election and the reconcile pass. */
  readonly background: {
    readonly reconcileIntervalMs: number;
    readonly leaseNamespace: string;
    readonly identity: string;
    /** A leader that has not renewed for this long is replaced. */
    readonly leaseDurationMs: number;
    /** How often the leader renews and the others check. */
    readonly retryPeriodMs: number;
  };
  readonly attachment: {
    readonly maxMultiWriterNodes: number;
    readonly dualAttachTimeoutMs: number;
    readonly maxVolumesPerNode?: number;
    readonly lockWaitMs: number;
    /** Holders younger than this when VolumeAttachments are listed are never cleared by a reconcile. */
    readonly reconcileGraceMs: number;
  };
}

export const DEFAULT_DRIVER_NAME = 'rds.csi.srvlab.io';
export const DEFAULT_BASE_PATH = '/storage-pool/metal-csi';
