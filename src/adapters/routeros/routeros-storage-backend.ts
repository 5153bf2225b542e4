import { inject, injectable } from 'inversify';
import {
  BackendRejectedError,
  InsufficientCapacityError,
  SnapshotNotFoundError,
  VolumeAlreadyExistsError,
  VolumeNotFoundError,
} from '../../domain/errors.js';
import { parseVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { MiB, roundUpToAllocationUnit } from '../../domain/size.js';
import { parseBasePath, poolOf } from '../../domain/storage-path.js';
import type { BasePath } from '../../domain/storage-path.js';
import { Logger } from '../../ports/logger.js';
import type {
  BackendProbe,
  CallOptions,
  ContentSource,
  EnsuredVolume,
  PoolCapacity,
  SnapshotInfo,
  SnapshotSpec,
  StorageBackend,
  VolumeInfo,
  VolumeSpec,
} from '../../ports/storage-backend.js';
import * as cmd from './routeros-commands.js';
import type { ExportedDiskSpec } from './routeros-commands.js';
import { RouterOsCommandRunner } from './routeros-command-runner.js';
import { capacityOf, isDriverSnapshot, isDriverVolume, toSnapshotInfo, toVolumeInfo } from './routeros-disk-mapping.js';
import { RouterOsDiskRemover } from './routeros-disk-remover.js';
import { snapshotFilePath, volumeFilePath } from './routeros-file-names.js';
import { parseDiskListing, parseDiskPrint, parseKeyColonLines } from './routeros-output.js';
import type { DiskRecord } from './routeros-output.js';
import type { CommandOutcome } from './routeros-result-classification.js';
import { RouterOsSession } from './routeros-session.js';

/**
 * StorageBackend on a RouterOS (ROSE Data Server) appliance. Command sequences (a read that the
 * result of a write answers is not sent):
 * - ensureVolume: print where NQN → add (2; 1 when the volume exists); createVolume: add;
 *   createVolumeFrom: print source → add; createSnapshot: print source → add → print;
 * - resizeVolume: print → set → print (print only when no growth is needed);
 * - deleteVolume: disk remove → file remove (2; real RouterOS keeps the file); deleteSnapshot, and
 *   deleteVolume of a `snap-` ID: print → disk remove → file remove;
 * - capacity: print where mount-point; probe: /system resource print.
 * Every value is validated and every command built before the first one is sent. Retry policy: see
 * RouterOsCommandRunner.
 */
@injectable()
export class RouterOsStorageBackend implements StorageBackend {
  private readonly runner: RouterOsCommandRunner;
  private readonly remover: RouterOsDiskRemover;
  private readonly log: Logger;

  constructor(@inject(RouterOsSession) private readonly session: RouterOsSession, @inject(Logger) logger: Logger) {
    this.log = logger.child({ component: 'routeros-backend' });
    this.runner = new RouterOsCommandRunner(session, this.log);
    this.remover = new RouterOsDiskRemover(this.runner, (id, signal) => this.readDisk(id, signal));
  }

  async createVolume(spec: VolumeSpec, options: CallOptions = {}): Promise<VolumeInfo> {
    const sizeBytes = roundUpToAllocationUnit(spec.sizeBytes);
    const outcome = await this.addVolume(cmd.addVolumeCommand(exportedDisk(spec, sizeBytes)), spec, options.signal);
    failOn(outcome, `RouterOS refused to create volume ${spec.id}`);
    return createdVolume(spec, sizeBytes);
  }

  /**
   * One read (the disks holding the NQN: this volume's own when it exists, or another that would share
   * the NQN), then the add; the add's success is the read-back (the disk is exactly what was asked).
   * Only when the add is refused for another reason than space is the disk read by slot: it may exist
   * under another NQN (made by hand, or by the Go driver with another prefix).
   */
  async ensureVolume(spec: VolumeSpec, options: CallOptions = {}): Promise<EnsuredVolume> {
    const { signal } = options;
    const sizeBytes = roundUpToAllocationUnit(spec.sizeBytes);
    const add = cmd.addVolumeCommand(exportedDisk(spec, sizeBytes)); // validates every value before anything is sent
    const holders = await this.runner.readParsed(cmd.printDisksByNqnCommand(spec.nvme.nqn), parseDiskPrint, signal);
    const own = holders.find((d) => d.slot === spec.id);
    if (own) return { volume: volumeInfoOf(own), created: false };
    const other = holders.find((d) => d.exported);
    if (other) {
      throw new VolumeAlreadyExistsError(`volume ${other.slot} is already exported under NQN ${spec.nvme.nqn}, which ${spec.id} would also get`);
    }
    const outcome = await this.addVolume(add, spec, signal);
    if (outcome.kind === 'ok') return { volume: createdVolume(spec, sizeBytes), created: true };
    if (outcome.reason !== 'not-enough-space') {
      const existing = await this.readDisk(spec.id, signal);
      if (existing) return { volume: volumeInfoOf(existing), created: false };
    }
    throw refusal(outcome, `RouterOS refused to create volume ${spec.id}`);
  }

  async createVolumeFrom(spec: VolumeSpec, source: ContentSource, options: CallOptions = {}): Promise<VolumeInfo> {
    const { signal } = options;
    const requested = roundUpToAllocationUnit(spec.sizeBytes);
    cmd.addVolumeFromCommand(exportedDisk(spec, Math.max(requested, MiB)), source.id); // validates all values
    const notFound = () =>
      source.kind === 'snapshot' ? new SnapshotNotFoundError(source.id) : new VolumeNotFoundError(source.id);
    const origin = await this.readDisk(source.id, signal);
    if (!origin || origin.exported !== (source.kind === 'volume')) throw notFound();
    const size = Math.max(requested, roundUpToAllocationUnit(origin.sizeBytes ?? 0), MiB);
    const outcome = await this.addVolume(cmd.addVolumeFromCommand(exportedDisk(spec, size), source.id), spec, signal);
    if (outcome.kind === 'failed' && outcome.reason === 'no-such-item') throw notFound();
    failOn(outcome, `RouterOS refused to create volume ${spec.id} from ${source.kind} ${source.id}`);
    return createdVolume(spec, size);
  }

  async getVolume(id: VolumeId, options: CallOptions = {}): Promise<VolumeInfo | undefined> {
    const disk = await this.readDisk(parseVolumeId(id), options.signal);
    return disk ? volumeInfoOf(disk) : undefined;
  }

  async listVolumes(basePath?: BasePath, options: CallOptions = {}): Promise<VolumeInfo[]> {
    const base = basePath === undefined ? undefined : parseBasePath(basePath);
    const { disks, skipped } = await this.runner.readParsed(cmd.printAllDisksCommand(), parseDiskListing, options.signal);
    if (skipped > 0) this.log.debug('disk entries skipped while listing volumes (not file disks)', { skipped });
    return disks.filter((d) => isDriverVolume(d, base)).flatMap((d) => toVolumeInfo(d) ?? []);
  }

  async resizeVolume(id: VolumeId, sizeBytes: number, options: CallOptions = {}): Promise<VolumeInfo> {
    const { signal } = options;
    const target = roundUpToAllocationUnit(sizeBytes);
    const command = cmd.resizeDiskCommand(id, Math.max(target, MiB));
    const current = await this.readDisk(id, signal);
    if (!current) throw new VolumeNotFoundError(id);
    const info = volumeInfoOf(current);
    if (target <= info.sizeBytes) return info;
    const outcome = await this.runner.write(
      command,
      async () => ((await this.readDisk(id, signal))?.sizeBytes ?? 0) >= target,
      signal,
    );
    if (outcome.kind === 'failed' && outcome.reason === 'no-such-item') throw new VolumeNotFoundError(id);
    failOn(outcome, `RouterOS refused to resize volume ${id}`);
    const resized = await this.readDisk(id, signal);
    if (!resized) throw new VolumeNotFoundError(id, 'it disappeared during the resize');
    return volumeInfoOf(resized);
  }

  async deleteVolume(id: VolumeId, basePath: BasePath, options: CallOptions = {}): Promise<void> {
    await this.remover.removeVolume(parseVolumeId(id), parseBasePath(basePath), options.signal);
  }

  async createSnapshot(spec: SnapshotSpec, options: CallOptions = {}): Promise<SnapshotInfo> {
    const { signal } = options;
    const command = cmd.addSnapshotCommand(spec);
    const path = snapshotFilePath(spec.basePath, spec.id, spec.sourceVolumeId, spec.createdAt);
    const origin = await this.readDisk(spec.sourceVolumeId, signal);
    if (!origin?.exported) throw new VolumeNotFoundError(spec.sourceVolumeId);
    const outcome = await this.runner.write(command, () => this.hasDiskWithFile(spec.id, path, signal), signal);
    if (outcome.kind === 'failed' && outcome.reason === 'no-such-item') throw new VolumeNotFoundError(spec.sourceVolumeId);
    failOn(outcome, `RouterOS refused to create snapshot ${spec.id} of volume ${spec.sourceVolumeId}`);
    const created = await this.readDisk(spec.id, signal);
    const info = created && toSnapshotInfo(created);
    if (!info) throw new BackendRejectedError(`snapshot ${spec.id} cannot be read back after it was created`, '');
    return info;
  }

  async getSnapshot(id: VolumeId, options: CallOptions = {}): Promise<SnapshotInfo | undefined> {
    const disk = await this.readDisk(parseVolumeId(id, 'snapshot ID'), options.signal);
    if (!disk || disk.exported) return undefined;
    const info = toSnapshotInfo(disk);
    if (!info) throw new BackendRejectedError(`snapshot ${id} has an unreadable disk entry`, describeDisk(disk));
    return info;
  }

  async listSnapshots(basePath?: BasePath, options: CallOptions = {}): Promise<SnapshotInfo[]> {
    const base = basePath === undefined ? undefined : parseBasePath(basePath);
    const disks = await this.runner.readParsed(cmd.printSnapshotDisksCommand(), parseDiskPrint, options.signal);
    return disks.filter((d) => isDriverSnapshot(d, base)).flatMap((d) => toSnapshotInfo(d) ?? []);
  }

  async deleteSnapshot(id: VolumeId, basePath: BasePath, options: CallOptions = {}): Promise<void> {
    await this.remover.removeSnapshot(parseVolumeId(id, 'snapshot ID'), parseBasePath(basePath), options.signal);
  }

  async capacity(basePath: BasePath, options: CallOptions = {}): Promise<PoolCapacity> {
    const pool = poolOf(parseBasePath(basePath));
    const disks = await this.runner.readParsed(cmd.printPoolCommand(basePath), parseDiskPrint, options.signal);
    const capacity = capacityOf(disks, pool);
    if (!capacity) throw new BackendRejectedError(`RouterOS reports no pool mounted at "${pool}"`, `${disks.length} entries`);
    return capacity;
  }

  async probe(options: CallOptions = {}): Promise<BackendProbe> {
    try {
      const values = await this.runner.readParsed(cmd.systemResourceCommand(), parseKeyColonLines, options.signal);
      const version = values.get('version')?.split(' ')[0];
      return version ? { reachable: true, version } : { reachable: true, detail: 'RouterOS did not report a version' };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (error instanceof BackendRejectedError) return { reachable: true, detail };
      this.log.debug('RouterOS probe failed', { detail, state: this.session.state });
      return { reachable: false, detail };
    }
  }

  private async readDisk(id: VolumeId, signal?: AbortSignal): Promise<DiskRecord | undefined> {
    const disks = await this.runner.readParsed(cmd.printDiskCommand(id), parseDiskPrint, signal);
    return disks.find((d) => d.slot === id);
  }

  /** Sends an add; after a lost answer, the add took effect if the disk exists with its file. */
  private addVolume(command: string, spec: VolumeSpec, signal?: AbortSignal): Promise<CommandOutcome> {
    return this.runner.write(command, () => this.hasDiskWithFile(spec.id, volumeFilePath(spec.basePath, spec.id), signal), signal);
  }

  private async hasDiskWithFile(id: VolumeId, filePath: string, signal?: AbortSignal): Promise<boolean> {
    return (await this.readDisk(id, signal))?.filePath === filePath;
  }
}

function exportedDisk(spec: VolumeSpec, sizeBytes: number): ExportedDiskSpec {
  return { id: spec.id, basePath: spec.basePath, sizeBytes, port: spec.nvme.port, nqn: spec.nvme.nqn };
}

/** What RouterOS holds after a successful add: exactly the disk the command described. */
function createdVolume(spec: VolumeSpec, sizeBytes: number): VolumeInfo {
  return { id: spec.id, sizeBytes, filePath: volumeFilePath(spec.basePath, spec.id), nvme: { port: spec.nvme.port, nqn: spec.nvme.nqn } };
}

function volumeInfoOf(disk: DiskRecord): VolumeInfo {
  const info = toVolumeInfo(disk);
  if (!info) throw new BackendRejectedError(`disk ${disk.slot} has an unreadable entry`, describeDisk(disk));
  return info;
}

function describeDisk(disk: DiskRecord): string {
  return `file-path=${disk.filePath ?? '(none)'} size=${disk.sizeBytes ?? '(none)'}`;
}

/** Maps a failed write to the port's errors; "no such item" here is a refusal (callers handle it first). */
function failOn(outcome: CommandOutcome, what: string): void {
  if (outcome.kind !== 'ok') throw refusal(outcome, what);
}

function refusal(outcome: Extract<CommandOutcome, { kind: 'failed' }>, what: string): Error {
  if (outcome.reason === 'not-enough-space') {
    return new InsufficientCapacityError(`${what}: the pool has not enough space (${outcome.text})`);
  }
  return new BackendRejectedError(what, outcome.text);
}
