import { inject, injectable } from 'inversify';
import { ExpandVolume } from '../../app/use-cases/expand-volume.js';
import { GetCapacity } from '../../app/use-cases/get-capacity.js';
import { InspectVolumes } from '../../app/use-cases/inspect-volumes.js';
import type { VolumeStatus } from '../../app/use-cases/inspect-volumes.js';
import { InvalidArgumentError } from '../../domain/errors.js';
import {
  ControllerServiceCapability_RPC_Type as Rpc,
  type ControllerExpandVolumeRequest,
  type ControllerExpandVolumeResponse,
  type ControllerGetCapabilitiesResponse,
  type ControllerGetVolumeRequest,
  type ControllerGetVolumeResponse,
  type GetCapacityRequest,
  type GetCapacityResponse,
  type ListVolumesRequest,
  type ListVolumesResponse,
  type ValidateVolumeCapabilitiesRequest,
  type ValidateVolumeCapabilitiesResponse,
  type VolumeCondition,
} from '../../generated/csi/csi.js';
import { maxEntries, requireField, toCapabilities, toCapability, toCapacityRange } from './csi-mapping.js';
import type { RpcContext } from './unary-rpc.js';

/** The RPCs this controller advertises. */
export const CONTROLLER_CAPABILITIES: readonly Rpc[] = [
  Rpc.CREATE_DELETE_VOLUME,
  Rpc.PUBLISH_UNPUBLISH_VOLUME,
  Rpc.LIST_VOLUMES,
  Rpc.GET_CAPACITY,
  Rpc.CREATE_DELETE_SNAPSHOT,
  Rpc.LIST_SNAPSHOTS,
  Rpc.CLONE_VOLUME,
  Rpc.EXPAND_VOLUME,
  Rpc.LIST_VOLUMES_PUBLISHED_NODES,
  Rpc.VOLUME_CONDITION,
  Rpc.GET_VOLUME,
  Rpc.SINGLE_NODE_MULTI_WRITER,
];

/** ValidateVolumeCapabilities, ListVolumes, GetCapacity, ControllerGetVolume, ControllerExpandVolume. */
@injectable()
export class ControllerQueryRpcs {
  constructor(
    @inject(InspectVolumes) private readonly inspect: InspectVolumes,
    @inject(GetCapacity) private readonly getCapacity: GetCapacity,
    @inject(ExpandVolume) private readonly expandVolume: ExpandVolume,
  ) {}

  async capabilities(): Promise<ControllerGetCapabilitiesResponse> {
    return { capabilities: CONTROLLER_CAPABILITIES.map((type) => ({ type: { $case: 'rpc', value: { type } } })) };
  }

  async validate(request: ValidateVolumeCapabilitiesRequest, { signal }: RpcContext): Promise<ValidateVolumeCapabilitiesResponse> {
    const volumeId = requireField(request.volumeId, 'volume_id');
    const capabilities = toCapabilities(request.volumeCapabilities);
    const verdict = await this.inspect.validate(volumeId, capabilities, { signal });
    if (!verdict.confirmed) return { message: verdict.message };
    return {
      confirmed: {
        volumeContext: request.volumeContext,
        volumeCapabilities: request.volumeCapabilities,
        parameters: request.parameters,
        mutableParameters: request.mutableParameters,
      },
      message: '',
    };
  }

  async list(request: ListVolumesRequest, { signal }: RpcContext): Promise<ListVolumesResponse> {
    const page = await this.inspect.list(maxEntries(request.maxEntries), request.startingToken, { signal });
    return {
      entries: page.entries.map((v) => ({
        volume: { volumeId: v.volumeId, capacityBytes: BigInt(v.capacityBytes), volumeContext: {}, accessibleTopology: [] },
        status: { publishedNodeIds: [...v.publishedNodeIds], volumeCondition: condition(v) },
      })),
      nextToken: page.nextToken ?? '',
    };
  }

  async get(request: ControllerGetVolumeRequest, { signal }: RpcContext): Promise<ControllerGetVolumeResponse> {
    const v = await this.inspect.get(requireField(request.volumeId, 'volume_id'), { signal });
    return {
      volume: { volumeId: v.volumeId, capacityBytes: BigInt(v.capacityBytes), volumeContext: {}, accessibleTopology: [] },
      status: { publishedNodeIds: [...v.publishedNodeIds], volumeCondition: condition(v) },
    };
  }

  async capacity(request: GetCapacityRequest, { signal }: RpcContext): Promise<GetCapacityResponse> {
    const capabilities = request.volumeCapabilities.map((c, i) => toCapability(c, `volume_capabilities[${i}]`));
    const answer = await this.getCapacity.execute(capabilities, request.parameters, { signal });
    return { availableCapacity: BigInt(answer.availableBytes), maximumVolumeSize: BigInt(answer.maximumVolumeBytes) };
  }

  async expand(request: ControllerExpandVolumeRequest, { signal }: RpcContext): Promise<ControllerExpandVolumeResponse> {
    const volumeId = requireField(request.volumeId, 'volume_id');
    if (!request.capacityRange) throw new InvalidArgumentError('capacity_range is required');
    const capability = request.volumeCapability ? toCapability(request.volumeCapability) : undefined;
    const result = await this.expandVolume.execute({
      volumeId,
      capacity: toCapacityRange(request.capacityRange),
      block: capability?.accessType.kind === 'block',
      signal,
    });
    return { capacityBytes: BigInt(result.capacityBytes), nodeExpansionRequired: result.nodeExpansionRequired };
  }
}

function condition(v: VolumeStatus): VolumeCondition {
  return v.abnormal ? { abnormal: true, message: v.abnormal } : { abnormal: false, message: 'volume is exported and healthy' };
}
