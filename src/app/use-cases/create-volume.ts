import { inject, injectable } from 'inversify';
import { resolveCapacity, satisfiesRange } from '../../domain/capacity-range.js';
import type { CapacityRange } from '../../domain/capacity-range.js';
import { SnapshotNotFoundError, VolumeAlreadyExistsError, VolumeNotFoundError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import { nqnForVolume } from '../../domain/nqn.js';
import { assertSupportedCapabilities } from '../../domain/volume-capability.js';
import type { VolumeCapability } from '../../domain/volume-capability.js';
import { EventRecorder, pvcOf } from '../../ports/event-recorder.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import type { ContentSource, VolumeInfo, VolumeSpec } from '../../ports/storage-backend.js';
import { ControllerSettings } from '../volumes/controller-settings.js';
import { describeIgnored } from '../volumes/go-legacy-parameters.js';
import { volumeContext } from '../volumes/volume-context.js';
import { volumeIdForName } from '../volumes/volume-naming.js';
import { parseVolumeParameters } from '../volumes/volume-parameters.js';
import type { VolumeParameters } from '../volumes/volume-parameters.js';

export interface CreateVolumeCommand {
  readonly name: string;
  readonly capabilities: readonly VolumeCapability[];
  readonly capacity: CapacityRange;
  readonly parameters: Readonly<Record<string, string>>;
  readonly source?: ContentSource;
  readonly signal?: AbortSignal;
}

export interface CreatedVolume {
  readonly volumeId: VolumeId;
  readonly capacityBytes: number;
  readonly volumeContext: Record<string, string>;
  readonly source?: ContentSource;
}

/**
 * Creates a volume, idempotently by name: a retry with a compatible request returns the volume that
 * exists; an incompatible one is refused with VolumeAlreadyExistsError. Runs under the volume's lock.
 */
@injectable()
export class CreateVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
    @inject(Logger) private readonly logger: Logger,
    @inject(EventRecorder) private readonly events: EventRecorder,
  ) {}

  async execute(command: CreateVolumeCommand): Promise<CreatedVolume> {
    assertSupportedCapabilities(command.capabilities);
    const params = parseVolumeParameters(command.parameters, this.settings.defaults, this.settings.rdsAddress);
    const id = volumeIdForName(command.name);
    const options = { signal: command.signal };
    return this.locks.withVolumeLock(id, async () => {
      if (!command.source) {
        // One backend call: it reports an existing volume (compared below) or creates the volume.
        const sizeBytes = resolveCapacity(command.capacity, this.settings.capacity, 0);
        const { volume, created } = await this.backend.ensureVolume(this.spec(id, sizeBytes, params), options);
        return created ? this.created(volume, command, params) : this.existing(volume, command, params);
      }
      const existing = await this.backend.getVolume(id, options);
      if (existing) return this.existing(existing, command, params);
      const minimum = await this.sourceSize(command.source, command.signal);
      const spec = this.spec(id, resolveCapacity(command.capacity, this.settings.capacity, minimum), params);
      await this.refuseSharedNqn(spec.nvme.nqn, id, command.signal);
      return this.created(await this.backend.createVolumeFrom(spec, command.source, options), command, params);
    }, options);
  }

  private spec(id: VolumeId, sizeBytes: number, params: VolumeParameters): VolumeSpec {
    return { id, sizeBytes, basePath: params.basePath, nvme: { port: params.nvmePort, nqn: nqnForVolume(id) } };
  }

  private created(volume: VolumeInfo, command: CreateVolumeCommand, params: VolumeParameters): CreatedVolume {
    this.logger.info('volume created', { volumeId: volume.id, sizeBytes: volume.sizeBytes, source: command.source });
    this.reportIgnored(volume.id, params, command.parameters);
    return this.result(volume, params, command.source);
  }

  private existing(volume: VolumeInfo, command: CreateVolumeCommand, params: VolumeParameters): CreatedVolume {
    const problems: string[] = [];
    if (!satisfiesRange(volume.sizeBytes, command.capacity)) {
      problems.push(`its size ${volume.sizeBytes} bytes is outside the requested range`);
    }
    if (volume.filePath !== `${params.basePath}/${volume.id}.img`) problems.push(`it lives at ${volume.filePath}`);
    if (volume.nvme?.port !== params.nvmePort) problems.push(`it is exported on port ${volume.nvme?.port ?? 'none'}`);
    if (problems.length > 0) {
      throw new VolumeAlreadyExistsError(
        `volume ${volume.id} for name ${JSON.stringify(command.name)} already exists and does not match the request: ${problems.join('; ')}`,
      );
    }
    return this.result(volume, params, command.source);
  }

  /**
   * NQNs are the ID in lower case (the Go driver's rule), so IDs differing only in case share one:
   * the second of such a pair is refused rather than exported under another volume's NQN. (For a
   * volume without a content source, ensureVolume makes this check in the same read.)
   */
  private async refuseSharedNqn(nqn: string, id: VolumeId, signal?: AbortSignal): Promise<void> {
    const holder = (await this.backend.listVolumes(undefined, { signal })).find((v) => v.id !== id && v.nvme?.nqn === nqn);
    if (holder) throw new VolumeAlreadyExistsError(`volume ${holder.id} is already exported under NQN ${nqn}, which ${id} would also get`);
  }

  /** One warning event per created volume naming the Go driver's keys that had no effect, and why. */
  private reportIgnored(id: VolumeId, params: VolumeParameters, parameters: Readonly<Record<string, string>>): void {
    if (params.ignored.length === 0) return;
    const pvc = pvcOf(parameters);
    const message = describeIgnored(params.ignored);
    this.logger.warn(message, { volumeId: id });
    this.events.record({ ...(pvc ? { pvc } : { volumeId: id }), type: 'Warning', reason: 'StorageClassParametersIgnored', message });
  }

  private async sourceSize(source: ContentSource, signal?: AbortSignal): Promise<number> {
    if (source.kind === 'snapshot') {
      const snapshot = await this.backend.getSnapshot(source.id, { signal });
      if (!snapshot) throw new SnapshotNotFoundError(source.id);
      return snapshot.sizeBytes;
    }
    const volume = await this.backend.getVolume(source.id, { signal });
    if (!volume) throw new VolumeNotFoundError(source.id, 'the volume to clone is missing');
    return volume.sizeBytes;
  }

  private result(volume: VolumeInfo, params: VolumeParameters, source?: ContentSource): CreatedVolume {
    const base = { volumeId: volume.id, capacityBytes: volume.sizeBytes, volumeContext: volumeContext(volume, params, this.settings.rdsAddress) };
    return source ? { ...base, source } : base;
  }
}
