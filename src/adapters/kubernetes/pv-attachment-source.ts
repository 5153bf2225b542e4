import { inject, injectable } from 'inversify';
import type { AttachmentState } from '../../domain/attachment.js';
import { AttachmentNotRecordableError, ConcurrentModificationError } from '../../domain/errors.js';
import { isValidVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { NO_RECORD_VERSION } from '../../ports/attachment-repository.js';
import { Clock } from '../../ports/clock.js';
import { Logger } from '../../ports/logger.js';
import type { AttachmentRecordSource, RecordFeed, SourceRecord } from '../attachments/attachment-record-source.js';
import { backoffDelay } from '../time/backoff-delay.js';
import { decodeAnnotations, encodeAnnotations, fingerprint } from './attachment-annotations.js';
import { guardedAnnotationPatch } from './guarded-annotation-patch.js';
import { apiStatus, KubeClientsToken, unavailable } from './kube-clients.js';
import type { KubeClients } from './kube-clients.js';
import { KubernetesSettings } from './kubernetes-settings.js';
import { PvIndex } from './pv-index.js';
import type { PvEntry } from './pv-index.js';

/**
 * Attachment records in annotations of each volume's PersistentVolume (attachment-annotations.ts).
 * A record's version is a digest of our annotations, so writes by others to anything else on the
 * PV never count as conflicts. Every write is one guarded JSON patch (guarded-annotation-patch.ts):
 * it lands only if the PV's annotations are still those last read. When it does not, the PV is
 * read again: if our annotations are still as expected (someone changed another annotation), the
 * write is retried with backoff; if they changed, the caller has to decide again.
 */
@injectable()
export class PvAttachmentSource implements AttachmentRecordSource {
  constructor(
    @inject(PvIndex) private readonly index: PvIndex,
    @inject(KubeClientsToken) private readonly clients: KubeClients,
    @inject(KubernetesSettings) private readonly settings: KubernetesSettings,
    @inject(Logger) private readonly logger: Logger,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  follow(feed: RecordFeed): Promise<void> {
    return this.index.follow({
      reset: (entries, revision) => feed.reset(entries.flatMap((e) => this.recordOf(e) ?? []), revision),
      put: (entry) => {
        const record = this.recordOf(entry);
        if (record) feed.put(record);
      },
      remove: (handle, revision) => {
        if (isValidVolumeId(handle)) feed.remove(handle as VolumeId, revision);
      },
    });
  }

  stop(): void {
    this.index.stop();
  }

  async read(volumeId: VolumeId): Promise<SourceRecord> {
    const known = this.index.get(volumeId);
    const entry = known ? await this.index.read(known.name) : await this.index.find(volumeId);
    return (entry?.volumeHandle === volumeId ? this.recordOf(entry) : undefined) ?? absent(volumeId);
  }

  async write(volumeId: VolumeId, state: AttachmentState, expectedVersion: string): Promise<SourceRecord> {
    const driver = this.settings.driverName;
    const desired = encodeAnnotations(driver, state);
    let entry = this.index.get(volumeId) ?? (await this.index.find(volumeId));
    for (let attempt = 1; ; attempt += 1) {
      if (entry?.volumeHandle !== volumeId) return this.homeless(volumeId, state);
      const found = fingerprint(driver, entry.annotations);
      if (found !== expectedVersion) {
        throw new ConcurrentModificationError(
          `attachment record of volume ${volumeId} on PersistentVolume ${entry.name} was changed by another writer ` +
            `(expected version ${expectedVersion}, found ${found})`,
        );
      }
      if (found === fingerprint(driver, desired)) return this.recordOf(entry) ?? absent(volumeId);
      try {
        const body = guardedAnnotationPatch(entry, desired);
        const pv = await this.clients.core.patchPersistentVolume(entry.name, body);
        const written = this.index.absorb(pv);
        return (written && this.recordOf(written)) ?? absent(volumeId);
      } catch (error) {
        const status = apiStatus(error);
        if (status === 404) {
          entry = undefined;
          continue;
        }
        if (status !== 409 && status !== 422) throw unavailable(`writing attachment annotations of volume ${volumeId}`, error);
        if (attempt >= this.settings.conflictRetries) {
          throw new ConcurrentModificationError(
            `PersistentVolume ${entry.name} of volume ${volumeId} kept changing during ${attempt} attempts to write its attachment record; retry`,
          );
        }
        await this.clock.sleep(backoffDelay(attempt, 10, 500));
        entry = await this.index.read(entry.name);
      }
    }
  }

  /** No PersistentVolume: clearing needs nothing; a grant cannot be recorded, so it is refused. */
  private homeless(volumeId: VolumeId, state: AttachmentState): SourceRecord {
    if (state.nodes.length === 0) return absent(volumeId);
    throw new AttachmentNotRecordableError(
      `no PersistentVolume of driver ${this.settings.driverName} has volumeHandle ${volumeId}, and its attachment ` +
        'record is kept on it; create the PersistentVolume first (a static one must set spec.csi.driver and ' +
        'spec.csi.volumeHandle to these values)',
    );
  }

  private recordOf(entry: PvEntry): SourceRecord | undefined {
    if (!isValidVolumeId(entry.volumeHandle)) return undefined;
    const volumeId = entry.volumeHandle as VolumeId;
    const decoded = decodeAnnotations(this.settings.driverName, volumeId, entry.annotations, entry.hint);
    if (decoded.warning) this.logger.warn(decoded.warning, { volumeId, persistentVolume: entry.name });
    return {
      state: decoded.kind === 'state' ? decoded.state : { volumeId, nodes: [] },
      version: fingerprint(this.settings.driverName, entry.annotations),
      revision: entry.revision,
    };
  }
}

function absent(volumeId: VolumeId): SourceRecord {
  return { state: { volumeId, nodes: [] }, version: NO_RECORD_VERSION, revision: Number.NaN };
}
