import type { AttachmentState } from '../../domain/attachment.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import { NO_RECORD_VERSION } from '../../ports/attachment-repository.js';
import type { AttachmentRepository, VersionedAttachment } from '../../ports/attachment-repository.js';
import type { Logger } from '../../ports/logger.js';
import { AttachmentCache } from './attachment-cache.js';
import type { AttachmentRecordSource, SourceRecord } from './attachment-record-source.js';

/**
 * AttachmentRepository over any record source: a cache that follows the store, written through
 * by this replica's saves and refreshed by every fresh read. The cache is never trusted for a
 * write: a save is conditional on the version the caller decided on, and the store refuses it if
 * the record moved on.
 */
export class CachedAttachmentRepository implements AttachmentRepository {
  private readonly cache = new AttachmentCache();
  private syncing: Promise<void> | undefined;
  private ready = false;
  private readonly readyWaiters: (() => void)[] = [];

  constructor(
    private readonly source: AttachmentRecordSource,
    private readonly logger: Logger,
  ) {}

  sync(): Promise<void> {
    this.syncing ??= this.source.follow(this.cache).then(() => {
      this.ready = true;
      this.logger.info('attachment records loaded', { attachedVolumes: this.cache.attached().length });
      for (const wake of this.readyWaiters.splice(0)) wake();
    });
    return this.syncing;
  }

  isReady(): boolean {
    return this.ready;
  }

  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async load(volumeId: VolumeId, options: { readonly fresh?: boolean } = {}): Promise<VersionedAttachment> {
    if (options.fresh || !this.ready) {
      const record = await this.source.read(volumeId);
      this.cache.put(record);
      return view(record);
    }
    const cached = this.cache.get(volumeId);
    return cached ? view(cached) : { state: { volumeId, nodes: [] }, version: NO_RECORD_VERSION };
  }

  async save(volumeId: VolumeId, state: AttachmentState, expectedVersion: string): Promise<VersionedAttachment> {
    const release = this.cache.reserve(volumeId, state);
    try {
      const record = await this.source.write(volumeId, state, expectedVersion);
      this.cache.put(record);
      return view(record);
    } finally {
      release();
    }
  }

  volumesOnNode(nodeId: NodeId, except?: VolumeId): number {
    return this.cache.countOnNode(nodeId, except);
  }

  list(): VersionedAttachment[] {
    return this.cache.attached().map(view);
  }

  close(): void {
    this.source.stop();
  }
}

function view(record: SourceRecord): VersionedAttachment {
  return { state: structuredClone(record.state), version: record.version };
}
