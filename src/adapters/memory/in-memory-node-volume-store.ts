import { injectable } from 'inversify';
import type { VolumeId } from '../../domain/ids.js';
import type { NodeVolumeRecord } from '../../domain/node-volume.js';
import type { NodeVolumeStore } from '../../ports/node-volume-store.js';

/** Node records in memory: the same contract as the file store, for unit tests. */
@injectable()
export class InMemoryNodeVolumeStore implements NodeVolumeStore {
  private readonly records = new Map<string, NodeVolumeRecord>();

  async load(volumeId: VolumeId): Promise<NodeVolumeRecord | undefined> {
    const record = this.records.get(volumeId);
    return record ? structuredClone(record) : undefined;
  }

  async save(record: NodeVolumeRecord): Promise<void> {
    this.records.set(record.volumeId, structuredClone(record));
  }

  async remove(volumeId: VolumeId): Promise<void> {
    this.records.delete(volumeId);
  }

  async list(): Promise<NodeVolumeRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }
}
