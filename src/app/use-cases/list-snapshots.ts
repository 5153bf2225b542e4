import { inject, injectable } from 'inversify';
import { isValidVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { paginate } from '../../domain/pagination.js';
import type { Page } from '../../domain/pagination.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import type { CallOptions } from '../../ports/storage-backend.js';
import { ControllerSettings } from '../volumes/controller-settings.js';
import { snapshotView } from './create-snapshot.js';
import type { SnapshotView } from './create-snapshot.js';

export interface SnapshotFilter {
  readonly snapshotId?: string;
  readonly sourceVolumeId?: string;
  readonly maxEntries: number;
  readonly startingToken: string;
}

/** ListSnapshots: by ID (an unknown ID gives an empty list), by source volume, paged by name order. */
@injectable()
export class ListSnapshots {
  constructor(
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
  ) {}

  async execute(filter: SnapshotFilter, options: CallOptions = {}): Promise<Page<SnapshotView>> {
    if (filter.snapshotId) {
      const one = isValidVolumeId(filter.snapshotId) ? await this.backend.getSnapshot(filter.snapshotId as VolumeId, options) : undefined;
      const matches = one && (!filter.sourceVolumeId || one.sourceVolumeId === filter.sourceVolumeId);
      return paginate(matches ? [snapshotView(one)] : [], filter.maxEntries, filter.startingToken);
    }
    const all = await this.backend.listSnapshots(this.settings.defaults.basePath, options);
    const chosen = all
      .filter((s) => !filter.sourceVolumeId || s.sourceVolumeId === filter.sourceVolumeId)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(snapshotView);
    return paginate(chosen, filter.maxEntries, filter.startingToken);
  }
}
