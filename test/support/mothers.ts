import type { PublishVolumeCommand } from '../../src/app/use-cases/publish-volume.js';
import type { AccessMode, VolumeMode } from '../../src/domain/access-mode.js';
import type { AttachRequest } from '../../src/domain/attachment.js';
import { parseNodeId, parseVolumeId } from '../../src/domain/ids.js';
import type { NodeId, VolumeId } from '../../src/domain/ids.js';

export const vol = (id: string): VolumeId => parseVolumeId(id);
export const node = (id: string): NodeId => parseNodeId(id);

/** An attach request with RWO-on-filesystem defaults. */
export function request(
  nodeId: string,
  overrides: Partial<{ accessMode: AccessMode; volumeMode: VolumeMode; readonly: boolean }> = {},
): AttachRequest {
  return {
    nodeId: node(nodeId),
    accessMode: overrides.accessMode ?? 'SINGLE_NODE_WRITER',
    volumeMode: overrides.volumeMode ?? 'filesystem',
    readonly: overrides.readonly ?? false,
  };
}

export const migration = (nodeId: string): AttachRequest =>
  request(nodeId, { accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block' });

/**
 * A ControllerPublish command with RWO-on-filesystem defaults; `migration` makes it a KubeVirt
 * multi-writer block request, `window` sets the StorageClass's migrationTimeoutSeconds.
 */
export const publishCommand = (
  volumeId: string,
  nodeId: string,
  over: Partial<{ accessMode: AccessMode; volumeMode: VolumeMode; readonly: boolean; migration: boolean; window: number }> = {},
): PublishVolumeCommand => {
  const accessMode = over.migration ? 'MULTI_NODE_MULTI_WRITER' : (over.accessMode ?? 'SINGLE_NODE_WRITER');
  const volumeMode = over.migration ? 'block' : (over.volumeMode ?? 'filesystem');
  return {
    volumeId: vol(volumeId),
    nodeId: node(nodeId),
    capability: { accessMode, accessType: volumeMode === 'block' ? { kind: 'block' } : { kind: 'mount', mountFlags: [] } },
    readonly: over.readonly ?? false,
    volumeContext: over.window === undefined ? {} : { migrationTimeoutSeconds: String(over.window) },
  };
};
