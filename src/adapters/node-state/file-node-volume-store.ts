import { inject, injectable } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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

/** One `<volume-id>.json` per volume, written to a temporary file and renamed, so a crash never leaves half a record. */
@injectable()
export class FileNodeVolumeStore implements NodeVolumeStore {
  constructor(@inject(NodeStateSettings) private readonly settings: NodeStateSettings) {}

  async load(volumeId: VolumeId): Promise<NodeVolumeRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.path(volumeId), 'utf8')) as NodeVolumeRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async save(record: NodeVolumeRecord): Promise<void> {
    await mkdir(this.settings.directory, { recursive: true, mode: 0o700 });
    const path = this.path(record.volumeId);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
    await rename(temporary, path);
  }

  async remove(volumeId: VolumeId): Promise<void> {
    await rm(this.path(volumeId), { force: true });
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
