import { inject, injectable } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidVolumeId, parseVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import type { NodeVolumeRecord } from '../../domain/node-volume.js';
import type { NodeVolumeStore } from '../../ports/node-volume-store.js';

export interface NodeStateSettings {
  /** Directory for one JSON record per volume; on a node, under the kubelet directory or /var/lib. */
  readonly directory: string;
}
export const NodeStateSettings = Symbol.for('rds-csi.NodeStateSettings') as ServiceIdentifier<NodeStateSettings>;

/**
 * One `<volume-id>.json` per volume, written to a temporary file and renamed, so a crash never leaves
 * half a record. This process is the directory's only writer, so records it has read or written are
 * kept in memory (write-through) and loads after the first one cost no file access.
 *
 * Writes and removals are synchronous: a record is a few hundred bytes in a directory on the node's
 * own disk, so the write is a page-cache copy, while each asynchronous step (open, write, close,
 * rename) is a thread-pool round trip that cost more than the work, three or four per node RPC.
 */
@injectable()
export class FileNodeVolumeStore implements NodeVolumeStore {
  private readonly cache = new Map<string, string | null>();
  private directoryReady = false;

  constructor(@inject(NodeStateSettings) private readonly settings: NodeStateSettings) {}

  async load(volumeId: VolumeId): Promise<NodeVolumeRecord | undefined> {
    let text = this.cache.get(volumeId);
    if (text === undefined) {
      try {
        text = await readFile(this.path(volumeId), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        text = null;
      }
      this.cache.set(volumeId, text);
    }
    return text === null ? undefined : (JSON.parse(text) as NodeVolumeRecord);
  }

  async save(record: NodeVolumeRecord): Promise<void> {
    if (!this.directoryReady) {
      mkdirSync(this.settings.directory, { recursive: true, mode: 0o700 });
      this.directoryReady = true;
    }
    const path = this.path(record.volumeId);
    const temporary = `${path}.${process.pid}.tmp`;
    const text = JSON.stringify(record);
    this.cache.delete(record.volumeId);
    writeFileSync(temporary, text, { mode: 0o600 });
    renameSync(temporary, path);
    this.cache.set(record.volumeId, text);
  }

  async remove(volumeId: VolumeId): Promise<void> {
    this.cache.delete(volumeId);
    try {
      unlinkSync(this.path(volumeId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.cache.set(volumeId, null);
  }

  async list(): Promise<NodeVolumeRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.settings.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter(isValidVolumeId);
    const records = await Promise.all(ids.map((id) => this.load(id as VolumeId)));
    return records.filter((r): r is NodeVolumeRecord => r !== undefined);
  }

  private path(volumeId: VolumeId): string {
    return join(this.settings.directory, `${parseVolumeId(volumeId)}.json`);
  }
}
