import { inject, injectable } from 'inversify';
import { VolumeAlreadyExistsError, VolumeNotFoundError } from '../../domain/errors.js';
import { isValidVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { Clock } from '../../ports/clock.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import type { SnapshotInfo } from '../../ports/storage-backend.js';
import { ControllerSettings } from '../volumes/controller-settings.js';
import { snapshotIdForName } from '../volumes/volume-naming.js';
import { parseSnapshotParameters } from '../volumes/volume-parameters.js';

export interface SnapshotView {
  readonly snapshotId: VolumeId;
  readonly sourceVolumeId: string;
  readonly sizeBytes: number;
  /** Epoch milliseconds; 0 when the appliance cannot tell (snapshots made by the Go driver). */
  readonly createdAt: number;
  readonly readyToUse: boolean;
}

export function snapshotView(s: SnapshotInfo): SnapshotView {
  return { snapshotId: s.id, sourceVolumeId: s.sourceVolumeId ?? '', sizeBytes: s.sizeBytes, createdAt: s.createdAt ?? 0, readyToUse: true };
}

/**
 * CreateSnapshot: a full copy of the source disk (RouterOS copy-from), cut before this returns, so it
 * is ready at once. Idempotent by name; the same name for another source is VolumeAlreadyExistsError.
 */
@injectable()
export class CreateSnapshot {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async execute(command: {
    readonly name: string;
    readonly sourceVolumeId: string;
    readonly parameters: Readonly<Record<string, string>>;
    readonly signal?: AbortSignal;
  }): Promise<SnapshotView> {
    const basePath = parseSnapshotParameters(command.parameters, this.settings.defaults.basePath);
    if (!isValidVolumeId(command.sourceVolumeId)) throw new VolumeNotFoundError(command.sourceVolumeId);
    const source = command.sourceVolumeId as VolumeId;
    const id = snapshotIdForName(command.name);
    const options = { signal: command.signal };
    return this.locks.withVolumeLock(id, async () => {
      const existing = await this.backend.getSnapshot(id, options);
      if (existing) {
        if (existing.sourceVolumeId !== undefined && existing.sourceVolumeId !== source) {
          throw new VolumeAlreadyExistsError(
            `snapshot ${JSON.stringify(command.name)} already exists for volume ${existing.sourceVolumeId}, not ${source}`,
          );
        }
        return snapshotView({ ...existing, sourceVolumeId: existing.sourceVolumeId ?? source });
      }
      if (!(await this.backend.getVolume(source, options))) throw new VolumeNotFoundError(source, 'the snapshot source is missing');
      const created = await this.backend.createSnapshot({ id, sourceVolumeId: source, basePath, createdAt: this.clock.now() }, options);
      this.logger.info('snapshot created', { snapshotId: id, sourceVolumeId: source, sizeBytes: created.sizeBytes });
      return snapshotView(created);
    }, options);
  }
}
