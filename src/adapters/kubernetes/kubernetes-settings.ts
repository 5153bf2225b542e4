import type { ServiceIdentifier } from 'inversify';
import type { InformerSettings } from './kube-informer.js';

export interface KubernetesSettings {
  /** The CSI driver name: PVs with this spec.csi.driver are ours, and it prefixes our annotations. */
  readonly driverName: string;
  /** Page size when listing PersistentVolumes and VolumeAttachments. */
  readonly listPageSize: number;
  /**
   * Attempts of one annotation write while only other fields of the PV change under it (its labels,
   * status, other annotations); when our own annotations change, the write gives up at once.
   */
  readonly conflictRetries: number;
  /** How PersistentVolumes and CSINodes are followed (they are listed `listPageSize` at a time). */
  readonly informer: Omit<InformerSettings, 'pageSize'>;
}
export const KubernetesSettings = Symbol.for('rds-csi.KubernetesSettings') as ServiceIdentifier<KubernetesSettings>;

export const DEFAULT_KUBERNETES_SETTINGS: Omit<KubernetesSettings, 'driverName'> = {
  listPageSize: 500,
  conflictRetries: 8,
  informer: { retryBaseMs: 500, retryMaxMs: 30_000 },
};
