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
import { EventRecorder, pvcOf } from '../../ports/event-recorder.js';
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
    @inject(EventRecorder) private readonly events: EventRecorder,
  ) {}

  async create(request: CreateVolumeRequest, { signal }: RpcContext): Promise<CreateVolumeResponse> {
    const name = requireField(request.name, 'name');
    const capabilities = toCapabilities(request.volumeCapabilities);
    const source = toSource(request.volumeContentSource);
    const started = performance.now();
    const created = await this.createVolume.execute({
      name,
      capabilities,
      capacity: toCapacityRange(request.capacityRange),
      parameters: request.parameters,
      ...(source ? { source } : {}),
      signal,
    });
    this.reportIfSlow(pvcOf(request.parameters), 'creating the volume', started);
    return { volume: toVolume(created) };
  }

  private reportIfSlow(pvc: ReturnType<typeof pvcOf>, what: string, started: number): void {
    const ms = performance.now() - started;
    if (pvc && ms > SLOW_MS) {
      this.events.record({ pvc, type: 'Warning', reason: 'SlowStorage', message: `${what} took ${(ms / 1000).toFixed(1)} s: the RDS is answering slowly` });
    }
  }

  async delete(request: DeleteVolumeRequest, { signal }: RpcContext): Promise<DeleteVolumeResponse> {
    await this.deleteVolume.execute({ volumeId: requireField(request.volumeId, 'volume_id'), signal });
    return {};
  }

  async publish(request: ControllerPublishVolumeRequest, { signal }: RpcContext): Promise<ControllerPublishVolumeResponse> {
    requireField(request.volumeId, 'volume_id');
    requireField(request.nodeId, 'node_id');
    const capability = toCapability(request.volumeCapability);
    const pvc = pvcOf(request.volumeContext);
    const started = performance.now();
    try {
      const publishContext = await this.publishVolume.execute({
        volumeId: parseVolumeId(request.volumeId, 'volume_id'),
        nodeId: parseNodeId(request.nodeId, 'node_id'),
        capability,
        readonly: request.readonly,
        volumeContext: request.volumeContext,
        signal,
      });
      this.reportIfSlow(pvc, 'attaching the volume', started);
      return { publishContext };
    } catch (error) {
      if (error instanceof VolumeAttachedElsewhereError) {
        this.metrics.fencingConflict();
        if (pvc) {
          const message = `attach to node ${request.nodeId} refused: ${error.message}. Delete the pod that uses the volume there, or wait for it to move.`;
          this.events.record({ pvc, type: 'Warning', reason: 'AttachmentConflict', message });
        }
      }
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

/** RouterOS answers slower than this make a SlowStorage event: users see why provisioning lags. */
const SLOW_MS = 5_000;

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
