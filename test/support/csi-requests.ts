import {
  ControllerExpandVolumeRequest,
  ControllerGetVolumeRequest,
  ControllerPublishVolumeRequest,
  ControllerUnpublishVolumeRequest,
  CreateSnapshotRequest,
  CreateVolumeRequest,
  DeleteSnapshotRequest,
  DeleteVolumeRequest,
  GetCapacityRequest,
  ListSnapshotsRequest,
  ListVolumesRequest,
  NodeExpandVolumeRequest,
  NodeGetVolumeStatsRequest,
  NodePublishVolumeRequest,
  NodeStageVolumeRequest,
  NodeUnpublishVolumeRequest,
  NodeUnstageVolumeRequest,
  ValidateVolumeCapabilitiesRequest,
  VolumeCapability_AccessMode_Mode as Mode,
  type VolumeCapability,
} from '../../src/generated/csi/csi.js';

export { Mode };
export const GiB = 1024n ** 3n;

export function mountCapability(mode: Mode = Mode.SINGLE_NODE_WRITER, fsType = 'ext4'): VolumeCapability {
  return { accessMode: { mode }, accessType: { $case: 'mount', value: { fsType, mountFlags: [], volumeMountGroup: '' } } };
}

export function blockCapability(mode: Mode = Mode.SINGLE_NODE_WRITER): VolumeCapability {
  return { accessMode: { mode }, accessType: { $case: 'block', value: {} } };
}

/** Request builders: complete messages from the fields a test cares about. */
export const req = {
  create: (name: string, over: Partial<CreateVolumeRequest> = {}) =>
    CreateVolumeRequest.fromPartial({ name, volumeCapabilities: [mountCapability()], capacityRange: { requiredBytes: GiB, limitBytes: 0n }, ...over }),
  delete: (volumeId: string) => DeleteVolumeRequest.fromPartial({ volumeId }),
  publish: (volumeId: string, nodeId: string, over: Partial<ControllerPublishVolumeRequest> = {}) =>
    ControllerPublishVolumeRequest.fromPartial({ volumeId, nodeId, volumeCapability: mountCapability(), readonly: false, ...over }),
  unpublish: (volumeId: string, nodeId = '') => ControllerUnpublishVolumeRequest.fromPartial({ volumeId, nodeId }),
  validate: (volumeId: string, caps: VolumeCapability[] = [mountCapability()]) =>
    ValidateVolumeCapabilitiesRequest.fromPartial({ volumeId, volumeCapabilities: caps }),
  list: (maxEntries = 0, startingToken = '') => ListVolumesRequest.fromPartial({ maxEntries, startingToken }),
  capacity: (over: Partial<GetCapacityRequest> = {}) => GetCapacityRequest.fromPartial(over),
  expand: (volumeId: string, requiredBytes: bigint, over: Partial<ControllerExpandVolumeRequest> = {}) =>
    ControllerExpandVolumeRequest.fromPartial({ volumeId, capacityRange: { requiredBytes, limitBytes: 0n }, ...over }),
  get: (volumeId: string) => ControllerGetVolumeRequest.fromPartial({ volumeId }),
  snapshot: (name: string, sourceVolumeId: string) => CreateSnapshotRequest.fromPartial({ name, sourceVolumeId }),
  deleteSnapshot: (snapshotId: string) => DeleteSnapshotRequest.fromPartial({ snapshotId }),
  listSnapshots: (over: Partial<ListSnapshotsRequest> = {}) => ListSnapshotsRequest.fromPartial(over),
};

export const nodeReq = {
  stage: (volumeId: string, stagingTargetPath: string, volumeCapability: VolumeCapability, contexts: { volumeContext: Record<string, string>; publishContext: Record<string, string> }) =>
    NodeStageVolumeRequest.fromPartial({ volumeId, stagingTargetPath, volumeCapability, ...contexts }),
  unstage: (volumeId: string, stagingTargetPath: string) => NodeUnstageVolumeRequest.fromPartial({ volumeId, stagingTargetPath }),
  publish: (volumeId: string, stagingTargetPath: string, targetPath: string, volumeCapability: VolumeCapability, readonly = false) =>
    NodePublishVolumeRequest.fromPartial({ volumeId, stagingTargetPath, targetPath, volumeCapability, readonly }),
  unpublish: (volumeId: string, targetPath: string) => NodeUnpublishVolumeRequest.fromPartial({ volumeId, targetPath }),
  stats: (volumeId: string, volumePath: string) => NodeGetVolumeStatsRequest.fromPartial({ volumeId, volumePath }),
  expand: (volumeId: string, volumePath: string, requiredBytes: bigint) =>
    NodeExpandVolumeRequest.fromPartial({ volumeId, volumePath, capacityRange: { requiredBytes, limitBytes: 0n } }),
};
