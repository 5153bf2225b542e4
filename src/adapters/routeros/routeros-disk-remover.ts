import { BackendRejectedError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import type { BasePath } from '../../domain/storage-path.js';
import {
  printFileCommand,
  printFilesWithPrefixCommand,
  printVolumeFilesCommand,
  removeDiskCommand,
  removeFileCommand,
  removeVolumeFileCommand,
} from './routeros-commands.js';
import type { RouterOsCommandRunner } from './routeros-command-runner.js';
import { directoryOf, fileNameOf, isSafeAppliancePath, parseSnapshotLineage, volumeFilePath } from './routeros-file-names.js';
import { parseFilePrint } from './routeros-output.js';
import type { DiskRecord } from './routeros-output.js';
import type { CommandOutcome } from './routeros-result-classification.js';

/** Snapshot IDs start with this (ours and the Go driver's); no other ID can name a snapshot disk. */
const SNAPSHOT_PREFIX = 'snap-';

type ReadDisk = (id: VolumeId, signal?: AbortSignal) => Promise<DiskRecord | undefined>;

/**
 * Idempotent deletion: remove the disk entry, then its backing file (real RouterOS keeps the file after
 * `/disk remove`). An absent disk or file is success, whether RouterOS answers an empty `[find]` silently
 * or with "no such item".
 * - A volume is removed without reading it first (2 commands): `[find slot=…]`, then the file named
 *   `<id>.img` in the base path's tree, where every volume is created. This is safe because only a
 *   `snap-` ID can name a snapshot disk (both drivers name snapshots so).
 * - A snapshot, and a volume whose ID starts with `snap-`, is read first: the file removed is the one
 *   the disk reports (a snapshot's name carries its lineage), and a disk of the other kind (a volume
 *   when deleting a snapshot and vice versa) is refused, never removed. When the disk is already gone
 *   (an earlier delete stopped half-way) the file is found by name.
 */
export class RouterOsDiskRemover {
  constructor(
    private readonly runner: RouterOsCommandRunner,
    private readonly readDisk: ReadDisk,
  ) {}

  async removeVolume(id: VolumeId, basePath: BasePath, signal?: AbortSignal): Promise<void> {
    if (id.startsWith(SNAPSHOT_PREFIX)) return this.removeVolumeCheckingKind(id, basePath, signal);
    await this.removeDisk(id, signal);
    const outcome = await this.runner.write(
      removeVolumeFileCommand(basePath, id),
      async () => (await this.runner.readParsed(printVolumeFilesCommand(basePath, id), parseFilePrint, signal)).length === 0,
      signal,
    );
    acceptAbsent(outcome, `RouterOS refused to remove the file of volume ${id}`);
  }

  private async removeVolumeCheckingKind(id: VolumeId, basePath: BasePath, signal?: AbortSignal): Promise<void> {
    const fallback = volumeFilePath(basePath, id);
    const disk = await this.readDisk(id, signal);
    if (disk && !disk.exported) {
      throw new BackendRejectedError(`refusing to delete ${id} as a volume`, 'it is an unexported disk (a snapshot)');
    }
    if (disk) await this.removeDisk(id, signal);
    await this.removeFile(disk?.filePath !== undefined && isSafeAppliancePath(disk.filePath) ? disk.filePath : fallback, signal);
  }

  async removeSnapshot(id: VolumeId, basePath: BasePath, signal?: AbortSignal): Promise<void> {
    const disk = await this.readDisk(id, signal);
    if (disk?.exported) {
      throw new BackendRejectedError(`refusing to delete ${id} as a snapshot`, 'it is an exported disk (a volume)');
    }
    if (disk) {
      await this.removeDisk(id, signal);
      if (disk.filePath !== undefined && isSafeAppliancePath(disk.filePath)) await this.removeFile(disk.filePath, signal);
      return;
    }
    const files = await this.runner.readParsed(printFilesWithPrefixCommand(basePath, id), parseFilePrint, signal);
    const leftovers = files
      .map((f) => f.name)
      .filter((name) => directoryOf(name) === basePath && isSafeAppliancePath(name))
      .filter((name) => fileNameOf(name) === `${id}.img` || parseSnapshotLineage(id, name) !== undefined);
    for (const name of leftovers) await this.removeFile(name, signal);
  }

  private async removeDisk(id: VolumeId, signal?: AbortSignal): Promise<void> {
    const outcome = await this.runner.write(
      removeDiskCommand(id),
      async () => (await this.readDisk(id, signal)) === undefined,
      signal,
    );
    acceptAbsent(outcome, `RouterOS refused to remove disk ${id}`);
  }

  private async removeFile(path: string, signal?: AbortSignal): Promise<void> {
    const outcome = await this.runner.write(
      removeFileCommand(path),
      async () => (await this.runner.readParsed(printFileCommand(path), parseFilePrint, signal)).every((f) => f.name !== path),
      signal,
    );
    acceptAbsent(outcome, `RouterOS refused to remove file ${path}`);
  }
}

function acceptAbsent(outcome: CommandOutcome, what: string): void {
  if (outcome.kind === 'ok' || outcome.reason === 'no-such-item') return;
  throw new BackendRejectedError(what, outcome.text);
}
