import type { AttachVolumeCommand } from '../../src/app/use-cases/attach-volume.js';
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

/** An AttachVolume command with RWO-on-filesystem defaults. */
export const attachCommand = (volumeId: string, nodeId: string, over: Partial<AttachVolumeCommand> = {}): AttachVolumeCommand => ({
  volumeId: vol(volumeId),
  nodeId: node(nodeId),
  accessMode: 'SINGLE_NODE_WRITER',
  volumeMode: 'filesystem',
  readonly: false,
  ...over,
});
