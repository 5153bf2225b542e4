import { inject, injectable } from 'inversify';
import { Attachment } from '../../domain/attachment.js';
import { VolumeNotFoundError } from '../../domain/errors.js';
import { isValidVolumeId } from '../../domain/ids.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import { paginate } from '../../domain/pagination.js';
import type { Page } from '../../domain/pagination.js';
import { unsupportedReason } from '../../domain/volume-capability.js';
import type { VolumeCapability } from '../../domain/volume-capability.js';
import { Clock } from '../../ports/clock.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import type { CallOptions } from '../../ports/storage-backend.js';
import { AttachmentRegistry } from '../attachments/attachment-registry.js';
import { AttachmentSettings } from '../attachments/attachment-settings.js';
import { ControllerSettings } from '../volumes/controller-settings.js';

export interface VolumeStatus {
  readonly volumeId: VolumeId;
  readonly capacityBytes: number;
  readonly publishedNodeIds: readonly NodeId[];
  /** Why the volume is not healthy; undefined when it is. */
  readonly abnormal?: string;
}

export type CapabilityVerdict = { readonly confirmed: true } | { readonly confirmed: false; readonly message: string };

/** Read-only controller queries: ListVolumes, ControllerGetVolume, ValidateVolumeCapabilities. */
@injectable()
export class InspectVolumes {
  constructor(
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(AttachmentRegistry) private readonly attachments: AttachmentRegistry,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
    @inject(AttachmentSettings) private readonly attachmentSettings: AttachmentSettings,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  async list(maxEntries: number, startingToken: string, options: CallOptions = {}): Promise<Page<VolumeStatus>> {
    const volumes = await this.backend.listVolumes(this.settings.defaults.basePath, options);
    const sorted = [...volumes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const page = paginate(sorted, maxEntries, startingToken);
    return { ...page, entries: page.entries.map((v) => this.status(v.id, v.sizeBytes, v.nvme !== undefined)) };
  }

  async get(volumeId: string, options: CallOptions = {}): Promise<VolumeStatus> {
    const volume = isValidVolumeId(volumeId) ? await this.backend.getVolume(volumeId as VolumeId, options) : undefined;
    if (!volume?.nvme) throw new VolumeNotFoundError(volumeId, volume ? 'it is a snapshot, not a volume' : undefined);
    return this.status(volume.id, volume.sizeBytes, volume.nvme !== undefined);
  }

  async validate(volumeId: string, capabilities: readonly VolumeCapability[], options: CallOptions = {}): Promise<CapabilityVerdict> {
    await this.get(volumeId, options);
    const reasons = capabilities.map(unsupportedReason).filter((r): r is string => r !== undefined);
    return reasons.length === 0 ? { confirmed: true } : { confirmed: false, message: reasons.join('; ') };
  }

  private status(volumeId: VolumeId, capacityBytes: number, exported: boolean): VolumeStatus {
    const state = this.attachments.get(volumeId)?.state;
    const publishedNodeIds = state?.nodes.map((n) => n.nodeId) ?? [];
    let abnormal: string | undefined;
    if (!exported) abnormal = 'the disk is not exported over NVMe/TCP on the RDS';
    else if (state && Attachment.restore(state).isDualAttachOverdue(this.clock.now(), this.attachmentSettings.policy)) {
      abnormal = `attached to ${publishedNodeIds.join(' and ')} for longer than the live-migration timeout`;
    }
    return abnormal ? { volumeId, capacityBytes, publishedNodeIds, abnormal } : { volumeId, capacityBytes, publishedNodeIds };
  }
}
