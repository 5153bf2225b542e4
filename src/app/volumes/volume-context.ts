import type { VolumeInfo } from '../../ports/storage-backend.js';
import { MIGRATION_TIMEOUT_RANGE_S } from './go-numbers.js';
import type { VolumeParameters } from './volume-parameters.js';

/** Volume context keys, as the Go driver names them, so existing PVs keep working. */
export const CONTEXT = {
  rdsAddress: 'rdsAddress',
  nvmeAddress: 'nvmeAddress',
  nvmePort: 'nvmePort',
  nqn: 'nqn',
  volumePath: 'volumePath',
  ctrlLossTmo: 'ctrlLossTmo',
  reconnectDelay: 'reconnectDelay',
  keepAliveTmo: 'keepAliveTmo',
  migrationTimeoutSeconds: 'migrationTimeoutSeconds',
  fsType: 'fsType',
  pvcName: 'csi.storage.k8s.io/pvc/name',
  pvcNamespace: 'csi.storage.k8s.io/pvc/namespace',
} as const;

/** Everything the node needs to connect and mount, plus the PVC identity for events. */
export function volumeContext(volume: VolumeInfo, params: VolumeParameters, rdsAddress: string): Record<string, string> {
  const context: Record<string, string> = {
    [CONTEXT.rdsAddress]: rdsAddress,
    [CONTEXT.nvmeAddress]: params.nvmeAddress,
    [CONTEXT.nvmePort]: String(volume.nvme?.port ?? params.nvmePort),
    [CONTEXT.nqn]: volume.nvme?.nqn ?? '',
    // The backing file, as the Go driver writes it (so a rollback finds what it expects). Nothing here
    // reads it back: PVs of either driver, base directory or file path, stay valid.
    [CONTEXT.volumePath]: volume.filePath,
    [CONTEXT.ctrlLossTmo]: String(params.ctrlLossTmo),
    [CONTEXT.reconnectDelay]: String(params.reconnectDelay),
    [CONTEXT.keepAliveTmo]: String(params.keepAliveTmo),
    [CONTEXT.migrationTimeoutSeconds]: String(params.migrationTimeoutSeconds),
  };
  if (params.fsType) context[CONTEXT.fsType] = params.fsType;
  if (params.pvcName) context[CONTEXT.pvcName] = params.pvcName;
  if (params.pvcNamespace) context[CONTEXT.pvcNamespace] = params.pvcNamespace;
  return context;
}

/** The directory a volume's backing file lives in. */
export function directoryOf(filePath: string): string {
  return filePath.slice(0, filePath.lastIndexOf('/'));
}

/**
 * The live-migration window a PV's volume context names, in ms; undefined when it names none or
 * an unreadable one (the configured default then applies). Values out of range are clamped, as
 * the Go driver did, since PVs it created carry them.
 */
export function migrationWindowMs(context: Readonly<Record<string, string>>): number | undefined {
  const raw = context[CONTEXT.migrationTimeoutSeconds];
  if (raw === undefined || !/^\d{1,9}$/.test(raw.trim())) return undefined;
  const seconds = Math.min(MIGRATION_TIMEOUT_RANGE_S.max, Math.max(MIGRATION_TIMEOUT_RANGE_S.min, Number(raw.trim())));
  return seconds * 1000;
}
