import { inject, injectable } from 'inversify';
import { isValidVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { parseBasePath } from '../../domain/storage-path.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import { directoryOf } from '../volumes/volume-context.js';

/** DeleteSnapshot: disk entry and file. Idempotent; an ID that cannot exist is never sent to the RDS. */
@injectable()
export class DeleteSnapshot {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async execute(command: { readonly snapshotId: string; readonly signal?: AbortSignal }): Promise<void> {
    if (!isValidVolumeId(command.snapshotId)) return;
    const id = command.snapshotId as VolumeId;
    const options = { signal: command.signal };
    await this.locks.withVolumeLock(id, async () => {
      const snapshot = await this.backend.getSnapshot(id, options);
      if (!snapshot) return;
      await this.backend.deleteSnapshot(id, parseBasePath(directoryOf(snapshot.filePath)), options);
      this.logger.info('snapshot deleted', { snapshotId: id });
    }, options);
  }
}
