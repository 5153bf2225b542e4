import type { ServiceIdentifier } from 'inversify';
import type { VolumeId } from '../domain/ids.js';
import type { NodeVolumeRecord } from '../domain/node-volume.js';

/**
 * What the node plugin staged and published, per volume, kept across plugin restarts so repeated
 * and second publishes are judged against what really happened.
 * - `load` returns undefined for a volume with no record; `save` replaces the record atomically;
 *   `remove` is idempotent; `list` returns every record.
 * - Throws HostCommandError-class errors only for storage failures of the store itself.
 * - Callers serialise calls per volume (the volume lock); different volumes may run concurrently.
 */
export interface NodeVolumeStore {
  load(volumeId: VolumeId): Promise<NodeVolumeRecord | undefined>;
  save(record: NodeVolumeRecord): Promise<void>;
  remove(volumeId: VolumeId): Promise<void>;
  list(): Promise<NodeVolumeRecord[]>;
}
export const NodeVolumeStore = Symbol.for('rds-csi.NodeVolumeStore') as ServiceIdentifier<NodeVolumeStore>;
