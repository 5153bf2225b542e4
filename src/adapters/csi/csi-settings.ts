import type { ServiceIdentifier } from 'inversify';

export interface CsiSettings {
  readonly driverName: string;
  readonly version: string;
  /** Reported by NodeGetInfo (node and all modes). */
  readonly nodeId?: string;
  /** Reported by NodeGetInfo; undefined lets Kubernetes decide. */
  readonly maxVolumesPerNode?: number;
}
export const CsiSettings = Symbol.for('rds-csi.CsiSettings') as ServiceIdentifier<CsiSettings>;

/** Whether this process can serve; the controller asks the RDS, a node plugin is always ready. */
export interface ReadinessCheck {
  execute(): Promise<{ readonly ready: boolean; readonly detail: string }>;
}
export const ReadinessCheck = Symbol.for('rds-csi.ReadinessCheck') as ServiceIdentifier<ReadinessCheck>;
