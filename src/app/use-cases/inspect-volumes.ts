import { inject, injectable } from 'inversify';
import { Attachment } from '../../domain/attachment.js';
import { VolumeNotFoundError } from '../../domain/errors.js';
import { isValidVolumeId } from '../../domain/ids.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import { paginate } from '../../domain/pagination.js';
import type { Page } from '../../domain/pagination.js';
import { unsupportedReason } from '../../domain/volume-capability.js';
import type { VolumeCapability } from '../../domain/volume-capability.js';
import { AttachmentRepository } from '../../ports/attachment-repository.js';
import { Clock } from '../../ports/clock.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import type { CallOptions } from '../../ports/storage-backend.js';
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
    @inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
    @inject(AttachmentSettings) private readonly attachmentSettings: AttachmentSettings,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  async list(maxEntries: number, startingToken: string, options: CallOptions = {}): Promise<Page<VolumeStatus>> {
    const volumes = await this.backend.listVolumes(this.settings.defaults.basePath, options);
    const sorted = [...volumes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const page = paginate(sorted, maxEntries, startingToken);
    const entries = await Promise.all(page.entries.map((v) => this.status(v.id, v.sizeBytes, v.nvme !== undefined)));
    return { ...page, entries };
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

  /** Holders come from this replica's view of the records: what it last saw, within seconds of the store. */
  private async status(volumeId: VolumeId, capacityBytes: number, exported: boolean): Promise<VolumeStatus> {
    const attachment = Attachment.restore((await this.attachments.load(volumeId)).state);
    const publishedNodeIds = attachment.holders();
    const policy = this.attachmentSettings.policy;
    let abnormal: string | undefined;
    if (!exported) abnormal = 'the disk is not exported over NVMe/TCP on the RDS';
    else if (attachment.isDualAttachOverdue(this.clock.now(), policy)) {
      const since = new Date(attachment.dualAttachSince!).toISOString();
      const windowS = Math.round((attachment.migrationDeadline(policy)! - attachment.dualAttachSince!) / 1000);
      abnormal = `attached to ${publishedNodeIds.join(' and ')} since ${since}, longer than its live-migration window of ${windowS} s`;
    }
    return abnormal ? { volumeId, capacityBytes, publishedNodeIds, abnormal } : { volumeId, capacityBytes, publishedNodeIds };
  }
}
