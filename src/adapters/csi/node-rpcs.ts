import { inject, injectable } from 'inversify';
import { NodePublishVolume } from '../../app/use-cases/node-publish-volume.js';
import { NodeStageVolume } from '../../app/use-cases/node-stage-volume.js';
import { NodeUnpublishVolume } from '../../app/use-cases/node-unpublish-volume.js';
import { NodeUnstageVolume } from '../../app/use-cases/node-unstage-volume.js';
import { NodeVolumeHealth } from '../../app/use-cases/node-volume-health.js';
import { AbortedByCallerError, HostPreconditionError, InvalidArgumentError } from '../../domain/errors.js';
import { parseVolumeId } from '../../domain/ids.js';
import { unsupportedReason } from '../../domain/volume-capability.js';
import { EventRecorder, pvcOf } from '../../ports/event-recorder.js';
import type { VolumeEvent } from '../../ports/event-recorder.js';
import type { VolumeCapability } from '../../domain/volume-capability.js';
import {
  VolumeUsage_Unit as Unit,
  type NodeExpandVolumeRequest,
  type NodeExpandVolumeResponse,
  type NodeGetVolumeStatsRequest,
  type NodeGetVolumeStatsResponse,
  type NodePublishVolumeRequest,
  type NodePublishVolumeResponse,
  type NodeStageVolumeRequest,
  type NodeStageVolumeResponse,
  type NodeUnpublishVolumeRequest,
  type NodeUnpublishVolumeResponse,
  type NodeUnstageVolumeRequest,
  type NodeUnstageVolumeResponse,
  type VolumeCapability as CsiVolumeCapability,
} from '../../generated/csi/csi.js';
import { assertHostPath } from '../mount/host-paths.js';
import { requireField, toCapability, toCapacityRange } from './csi-mapping.js';
import type { RpcContext } from './unary-rpc.js';

/** The Node RPCs that act on volumes: required fields first, then the node use cases. */
@injectable()
export class NodeRpcs {
  constructor(
    @inject(NodeStageVolume) private readonly stageVolume: NodeStageVolume,
    @inject(NodeUnstageVolume) private readonly unstageVolume: NodeUnstageVolume,
    @inject(NodePublishVolume) private readonly publishVolume: NodePublishVolume,
    @inject(NodeUnpublishVolume) private readonly unpublishVolume: NodeUnpublishVolume,
    @inject(NodeVolumeHealth) private readonly health: NodeVolumeHealth,
    @inject(EventRecorder) private readonly events: EventRecorder,
  ) {}

  async stage(request: NodeStageVolumeRequest, { signal }: RpcContext): Promise<NodeStageVolumeResponse> {
    const volumeId = parseVolumeId(requireField(request.volumeId, 'volume_id'), 'volume_id');
    // Checked before the use case connects anything: the path is first used after the connect.
    const stagingPath = assertHostPath(requireField(request.stagingTargetPath, 'staging_target_path'), 'staging_target_path');
    const capability = servable(request.volumeCapability);
    const pvc = pvcOf(request.volumeContext);
    const { repaired } = await this.reportFailure(pvc, 'staging', () =>
      this.stageVolume.execute({ volumeId, stagingPath, capability, publishContext: request.publishContext, volumeContext: request.volumeContext, signal }),
    );
    if (repaired && pvc) {
      this.events.record({ pvc, type: 'Warning', reason: 'StaleMountRepaired', message: `volume ${volumeId}: the staging mount pointed at a device that had gone (after a reconnect); it was replaced by the volume's current device` });
    }
    return {};
  }

  private async reportFailure<T>(pvc: VolumeEvent['pvc'] | undefined, what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (pvc && worthAnEvent(error)) {
        this.events.record({ pvc, type: 'Warning', reason: 'MountFailure', message: `${what} the volume on this node failed: ${error instanceof Error ? error.message : String(error)}` });
      }
      throw error;
    }
  }

  async unstage(request: NodeUnstageVolumeRequest, { signal }: RpcContext): Promise<NodeUnstageVolumeResponse> {
    const volumeId = parseVolumeId(requireField(request.volumeId, 'volume_id'), 'volume_id');
    await this.unstageVolume.execute({ volumeId, stagingPath: requireField(request.stagingTargetPath, 'staging_target_path'), signal });
    return {};
  }

  async publish(request: NodePublishVolumeRequest, { signal }: RpcContext): Promise<NodePublishVolumeResponse> {
    const volumeId = parseVolumeId(requireField(request.volumeId, 'volume_id'), 'volume_id');
    const targetPath = requireField(request.targetPath, 'target_path');
    const capability = servable(request.volumeCapability);
    if (request.stagingTargetPath === '') throw new HostPreconditionError('staging_target_path is required: this driver stages volumes before publishing them');
    await this.reportFailure(pvcOf(request.volumeContext), 'publishing', () =>
      this.publishVolume.execute({ volumeId, stagingPath: request.stagingTargetPath, targetPath, capability, readonly: request.readonly, signal }),
    );
    return {};
  }

  async unpublish(request: NodeUnpublishVolumeRequest, { signal }: RpcContext): Promise<NodeUnpublishVolumeResponse> {
    const volumeId = parseVolumeId(requireField(request.volumeId, 'volume_id'), 'volume_id');
    await this.unpublishVolume.execute({ volumeId, targetPath: requireField(request.targetPath, 'target_path'), signal });
    return {};
  }

  async stats(request: NodeGetVolumeStatsRequest, { signal }: RpcContext): Promise<NodeGetVolumeStatsResponse> {
    const volumeId = parseVolumeId(requireField(request.volumeId, 'volume_id'), 'volume_id');
    const stats = await this.health.stats(volumeId, requireField(request.volumePath, 'volume_path'), signal);
    const usage = stats.usage === undefined
      ? []
      : stats.usage.kind === 'block'
        ? [{ total: BigInt(stats.usage.totalBytes), available: 0n, used: 0n, unit: Unit.BYTES }]
        : [
            { total: BigInt(stats.usage.usage.totalBytes), available: BigInt(stats.usage.usage.availableBytes), used: BigInt(stats.usage.usage.usedBytes), unit: Unit.BYTES },
            { total: BigInt(stats.usage.usage.totalInodes), available: BigInt(stats.usage.usage.freeInodes), used: BigInt(stats.usage.usage.usedInodes), unit: Unit.INODES },
          ];
    return { usage, volumeCondition: stats.abnormal ? { abnormal: true, message: stats.abnormal } : { abnormal: false, message: 'volume is healthy' } };
  }

  async expand(request: NodeExpandVolumeRequest, { signal }: RpcContext): Promise<NodeExpandVolumeResponse> {
    const volumeId = parseVolumeId(requireField(request.volumeId, 'volume_id'), 'volume_id');
    const path = requireField(request.volumePath, 'volume_path');
    if (request.volumeCapability) servable(request.volumeCapability);
    const capacityBytes = await this.health.expand(volumeId, path, toCapacityRange(request.capacityRange).requiredBytes, signal);
    return { capacityBytes: BigInt(capacityBytes) };
  }
}

/** Errors worth an operator's attention (not bad requests or cancellations) become MountFailure events. */
function worthAnEvent(error: unknown): boolean {
  return !(error instanceof InvalidArgumentError || error instanceof AbortedByCallerError);
}

/** A capability the node can serve; one it cannot is FAILED_PRECONDITION (the Node tables' code). */
function servable(capability: CsiVolumeCapability | undefined): VolumeCapability {
  const parsed = toCapability(capability);
  const reason = unsupportedReason(parsed);
  if (reason) throw new HostPreconditionError(reason);
  return parsed;
}
