import { inject, injectable } from 'inversify';
import { CreateVolume } from '../../app/use-cases/create-volume.js';
import type { CreatedVolume } from '../../app/use-cases/create-volume.js';
import { DeleteVolume } from '../../app/use-cases/delete-volume.js';
import { PublishVolume } from '../../app/use-cases/publish-volume.js';
import { UnpublishVolume } from '../../app/use-cases/unpublish-volume.js';
import { VolumeAttachedElsewhereError } from '../../domain/errors.js';
import { parseNodeId, parseVolumeId } from '../../domain/ids.js';
import type {
  ControllerPublishVolumeRequest,
  ControllerPublishVolumeResponse,
  ControllerUnpublishVolumeRequest,
  ControllerUnpublishVolumeResponse,
  CreateVolumeRequest,
  CreateVolumeResponse,
  DeleteVolumeRequest,
  DeleteVolumeResponse,
  VolumeContentSource,
} from '../../generated/csi/csi.js';
import { Metrics } from '../../ports/metrics.js';
import type { ContentSource } from '../../ports/storage-backend.js';
import { requireField, toCapabilities, toCapability, toCapacityRange } from './csi-mapping.js';
import type { RpcContext } from './unary-rpc.js';

/** CreateVolume, DeleteVolume, ControllerPublishVolume, ControllerUnpublishVolume: fields first, then use cases. */
@injectable()
export class ControllerVolumeRpcs {
  constructor(
    @inject(CreateVolume) private readonly createVolume: CreateVolume,
    @inject(DeleteVolume) private readonly deleteVolume: DeleteVolume,
    @inject(PublishVolume) private readonly publishVolume: PublishVolume,
    @inject(UnpublishVolume) private readonly unpublishVolume: UnpublishVolume,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {}

  async create(request: CreateVolumeRequest, { signal }: RpcContext): Promise<CreateVolumeResponse> {
    const name = requireField(request.name, 'name');
    const capabilities = toCapabilities(request.volumeCapabilities);
    const source = toSource(request.volumeContentSource);
    const created = await this.createVolume.execute({
      name,
      capabilities,
      capacity: toCapacityRange(request.capacityRange),
      parameters: request.parameters,
      ...(source ? { source } : {}),
      signal,
    });
    return { volume: toVolume(created) };
  }

  async delete(request: DeleteVolumeRequest, { signal }: RpcContext): Promise<DeleteVolumeResponse> {
    await this.deleteVolume.execute({ volumeId: requireField(request.volumeId, 'volume_id'), signal });
    return {};
  }

  async publish(request: ControllerPublishVolumeRequest, { signal }: RpcContext): Promise<ControllerPublishVolumeResponse> {
    requireField(request.volumeId, 'volume_id');
    requireField(request.nodeId, 'node_id');
    const capability = toCapability(request.volumeCapability);
    try {
      const publishContext = await this.publishVolume.execute({
        volumeId: parseVolumeId(request.volumeId, 'volume_id'),
        nodeId: parseNodeId(request.nodeId, 'node_id'),
        capability,
        readonly: request.readonly,
        volumeContext: request.volumeContext,
        signal,
      });
      return { publishContext };
    } catch (error) {
      if (error instanceof VolumeAttachedElsewhereError) this.metrics.fencingConflict();
      throw error;
    }
  }

  async unpublish(request: ControllerUnpublishVolumeRequest, { signal }: RpcContext): Promise<ControllerUnpublishVolumeResponse> {
    const volumeId = requireField(request.volumeId, 'volume_id');
    const nodeId = request.nodeId === '' ? undefined : parseNodeId(request.nodeId, 'node_id');
    await this.unpublishVolume.execute({ volumeId, ...(nodeId ? { nodeId } : {}), signal });
    return {};
  }
}

function toSource(source: VolumeContentSource | undefined): ContentSource | undefined {
  const type = source?.type;
  if (!type) return undefined;
  if (type.$case === 'snapshot') return { kind: 'snapshot', id: parseVolumeId(requireField(type.value.snapshotId, 'volume_content_source.snapshot.snapshot_id'), 'snapshot_id') };
  return { kind: 'volume', id: parseVolumeId(requireField(type.value.volumeId, 'volume_content_source.volume.volume_id'), 'source volume_id') };
}

function toVolume(created: CreatedVolume): CreateVolumeResponse['volume'] {
  const source = created.source;
  return {
    volumeId: created.volumeId,
    capacityBytes: BigInt(created.capacityBytes),
    volumeContext: created.volumeContext,
    accessibleTopology: [],
    ...(source
      ? {
          contentSource: {
            type: source.kind === 'snapshot'
              ? { $case: 'snapshot' as const, value: { snapshotId: source.id } }
              : { $case: 'volume' as const, value: { volumeId: source.id } },
          },
        }
      : {}),
  };
}
