import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { inject, injectable } from 'inversify';
import type { AttachmentState } from '../../domain/attachment.js';
import { ConcurrentModificationError } from '../../domain/errors.js';
import { isValidVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import type { AttachmentStore, StoredAttachment } from '../../ports/attachment-store.js';
import { Clock } from '../../ports/clock.js';
import { Logger } from '../../ports/logger.js';
import { decodeAnnotations, encodeAnnotations, fingerprint } from './attachment-annotations.js';
import { apiStatus, KubeClientsToken, unavailable } from './kube-clients.js';
import type { KubeClients } from './kube-clients.js';
import { KubernetesSettings } from './kubernetes-settings.js';
import { PvIndex } from './pv-index.js';
import type { PvEntry } from './pv-index.js';

/** Version given to a record that has no PersistentVolume to live on; it never conflicts. */
const UNPERSISTED = 'unpersisted';
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const JSON_PATCH = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

/**
 * Attachment records in annotations of the volume's PersistentVolume (see attachment-annotations.ts).
 * The version is a digest of our annotations, so writes by others to anything else on the PV never
 * count as conflicts: every write is a merge patch of our annotations only, carrying the PV's
 * resourceVersion; a 409 leads to a fresh read and, if our annotations are as expected, a retry with
 * backoff. An uncontended write is one request. The first `list` also starts a watch that keeps the
 * PV index fresh; `close` stops it.
 */
@injectable()
export class PvAnnotationAttachmentStore implements AttachmentStore {
  private watching = false;

  constructor(
    @inject(PvIndex) private readonly index: PvIndex,
    @inject(KubeClientsToken) private readonly clients: KubeClients,
    @inject(KubernetesSettings) private readonly settings: KubernetesSettings,
    @inject(Logger) private readonly logger: Logger,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  async load(volumeId: VolumeId): Promise<StoredAttachment | undefined> {
    const known = this.index.get(volumeId);
    const entry = known ? await this.index.read(known.name) : await this.index.find(volumeId);
    return entry && entry.volumeHandle === volumeId ? this.decode(volumeId, entry) : undefined;
  }

  async save(volumeId: VolumeId, state: AttachmentState, expectedVersion: string | undefined): Promise<string> {
    let entry = await this.index.find(volumeId);
    if (!entry) return this.unpersisted(volumeId);
    const desired = encodeAnnotations(this.settings.driverName, state);
    const wanted = expectedVersion ?? 'none';
    for (let attempt = 1; ; attempt += 1) {
      const found = fingerprint(this.settings.driverName, entry.annotations);
      if (wanted !== UNPERSISTED && found !== wanted) {
        throw new ConcurrentModificationError(
          `attachment record of volume ${volumeId} on PersistentVolume ${entry.name} was changed by another writer`,
        );
      }
      if (found === fingerprint(this.settings.driverName, desired)) return found;
      try {
        const body = { metadata: { resourceVersion: entry.resourceVersion, annotations: desired } };
        const pv = await this.clients.core.patchPersistentVolume({ name: entry.name, body }, MERGE_PATCH);
        const updated = this.index.absorb(pv);
        return fingerprint(this.settings.driverName, updated?.annotations ?? {});
      } catch (error) {
        const status = apiStatus(error);
        if (status === 404) {
          this.index.forget(entry.name);
          return this.unpersisted(volumeId);
        }
        if (status !== 409) throw unavailable(`writing attachment annotations of volume ${volumeId}`, error);
        if (attempt >= this.settings.conflictRetries) return this.guardedWrite(volumeId, entry, desired, wanted);
        await this.clock.sleep(backoffMs(attempt));
        const fresh = await this.index.read(entry.name);
        if (!fresh) return this.unpersisted(volumeId);
        entry = fresh;
      }
    }
  }

  /**
   * Last resort when the PV keeps changing faster than a read-then-write round trip: a JSON patch
   * whose `test` operations make the server check, atomically, that our annotations still hold what
   * we last read, whatever else changed. JSON patch cannot test that a key is absent, so a record
   * expected to be absent is checked by the fresh read just before.
   */
  private async guardedWrite(
    volumeId: VolumeId,
    entry: PvEntry,
    desired: Record<string, string | null>,
    wanted: string,
  ): Promise<string> {
    const ops = jsonPatchOps(entry.annotations, desired);
    if (!entry.hasAnnotationMap) {
      // Creating the map must not wipe one another writer just added: pin the whole object.
      ops.unshift(
        { op: 'test', path: '/metadata/resourceVersion', value: entry.resourceVersion },
        { op: 'add', path: '/metadata/annotations', value: {} },
      );
    }
    try {
      const pv = await this.clients.core.patchPersistentVolume({ name: entry.name, body: ops }, JSON_PATCH);
      return fingerprint(this.settings.driverName, this.index.absorb(pv)?.annotations ?? {});
    } catch (error) {
      const status = apiStatus(error);
      if (status === 422 || status === 409) {
        const fresh = await this.index.read(entry.name);
        const found = fresh ? fingerprint(this.settings.driverName, fresh.annotations) : 'none';
        throw new ConcurrentModificationError(
          `attachment record of volume ${volumeId} on PersistentVolume ${entry.name} was changed by another ` +
            `writer (expected ${wanted}, found ${found})`,
        );
      }
      if (status === 404) return this.unpersisted(volumeId);
      throw unavailable(`writing attachment annotations of volume ${volumeId}`, error);
    }
  }

  async list(): Promise<StoredAttachment[]> {
    const resourceVersion = await this.index.relist();
    if (!this.watching) {
      this.watching = true;
      void this.index.startWatch(resourceVersion);
    }
    const records: StoredAttachment[] = [];
    for (const entry of this.index.entries()) {
      if (!isValidVolumeId(entry.volumeHandle)) continue;
      const record = this.decode(entry.volumeHandle as VolumeId, entry);
      if (record) records.push(record);
    }
    return records;
  }

  close(): void {
    this.index.stop();
  }

  private decode(volumeId: VolumeId, entry: PvEntry): StoredAttachment | undefined {
    const result = decodeAnnotations(this.settings.driverName, volumeId, entry.annotations, entry.hint);
    if (result.warning) this.logger.warn(result.warning, { volumeId, persistentVolume: entry.name });
    if (result.kind === 'none') return undefined;
    return { state: result.state, version: fingerprint(this.settings.driverName, entry.annotations) };
  }

  private unpersisted(volumeId: VolumeId): string {
    this.logger.warn('no PersistentVolume found for volume; its attachment is kept in memory only', { volumeId });
    return UNPERSISTED;
  }
}

/** Tests that our present annotations are unchanged, then sets or removes each of them. */
function jsonPatchOps(current: Readonly<Record<string, string>>, desired: Record<string, string | null>): object[] {
  const path = (key: string) => `/metadata/annotations/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  const ops: object[] = Object.entries(current).map(([key, value]) => ({ op: 'test', path: path(key), value }));
  for (const [key, value] of Object.entries(desired)) {
    if (value !== null) ops.push({ op: 'add', path: path(key), value });
    else if (key in current) ops.push({ op: 'remove', path: path(key) });
  }
  return ops;
}

/** Exponential backoff with full jitter: up to 10, 20, 40 … ms, capped at 500 ms. */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(500, 10 * 2 ** (attempt - 1));
}
