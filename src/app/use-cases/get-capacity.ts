import { inject, injectable } from 'inversify';
import { ALLOCATION_UNIT } from '../../domain/size.js';
import { unsupportedReason } from '../../domain/volume-capability.js';
import type { VolumeCapability } from '../../domain/volume-capability.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import type { CallOptions } from '../../ports/storage-backend.js';
import { ControllerSettings } from '../volumes/controller-settings.js';
import { parseVolumeParameters } from '../volumes/volume-parameters.js';

export interface CapacityAnswer {
  readonly availableBytes: number;
  readonly maximumVolumeBytes: number;
}

/** GetCapacity: free space of the pool behind the requested volumePath; 0 for unservable capabilities. */
@injectable()
export class GetCapacity {
  constructor(
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
  ) {}

  async execute(
    capabilities: readonly VolumeCapability[],
    parameters: Readonly<Record<string, string>>,
    options: CallOptions = {},
  ): Promise<CapacityAnswer> {
    if (capabilities.some((c) => unsupportedReason(c) !== undefined)) return { availableBytes: 0, maximumVolumeBytes: 0 };
    const params = parseVolumeParameters(parameters, this.settings.defaults, this.settings.rdsAddress);
    const pool = await this.backend.capacity(params.basePath, options);
    const largest = Math.floor(Math.min(pool.freeBytes, this.settings.capacity.maxBytes) / ALLOCATION_UNIT) * ALLOCATION_UNIT;
    return { availableBytes: pool.freeBytes, maximumVolumeBytes: largest };
  }
}
