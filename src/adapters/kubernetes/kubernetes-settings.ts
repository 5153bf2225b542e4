import type { ServiceIdentifier } from 'inversify';

export interface KubernetesSettings {
  /** The CSI driver name: PVs with this spec.csi.driver are ours, and it prefixes our annotations. */
  readonly driverName: string;
  /** Page size when listing PersistentVolumes and VolumeAttachments. */
  readonly listPageSize: number;
  /** Attempts of an annotation write that keeps meeting 409 Conflict from other writers. */
  readonly conflictRetries: number;
  /** Minimum time between two full re-lists caused by index misses. */
  readonly relistIntervalMs: number;
}
export const KubernetesSettings = Symbol.for('rds-csi.KubernetesSettings') as ServiceIdentifier<KubernetesSettings>;

export const DEFAULT_KUBERNETES_SETTINGS: Omit<KubernetesSettings, 'driverName'> = {
  listPageSize: 500,
  conflictRetries: 8,
  relistIntervalMs: 5_000,
};
