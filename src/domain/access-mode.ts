import { InvalidArgumentError } from './errors.js';

/** CSI access modes by their spec names (csi.proto VolumeCapability.AccessMode.Mode). */
export const ACCESS_MODES = [
  'SINGLE_NODE_WRITER',
  'SINGLE_NODE_READER_ONLY',
  'MULTI_NODE_READER_ONLY',
  'MULTI_NODE_SINGLE_WRITER',
  'MULTI_NODE_MULTI_WRITER',
  'SINGLE_NODE_SINGLE_WRITER',
  'SINGLE_NODE_MULTI_WRITER',
] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

/** How a volume is consumed: as a raw block device or through a filesystem. */
export type VolumeMode = 'block' | 'filesystem';

export function isSingleNodeMode(mode: AccessMode): boolean {
  return mode.startsWith('SINGLE_NODE_');
}

export function isAccessMode(value: string): value is AccessMode {
  return (ACCESS_MODES as readonly string[]).includes(value);
}

/**
 * The modes this driver serves. Single-node modes for both volume modes; MULTI_NODE_MULTI_WRITER
 * only for block volumes (KubeVirt live migration), because a local filesystem mounted on two nodes
 * is corrupted. Other multi-node modes have no safe meaning for an NVMe/TCP disk.
 */
export function assertSupportedAccessMode(mode: AccessMode, volumeMode: VolumeMode): void {
  if (isSingleNodeMode(mode)) return;
  if (mode === 'MULTI_NODE_MULTI_WRITER' && volumeMode === 'block') return;
  if (mode === 'MULTI_NODE_MULTI_WRITER') {
    throw new InvalidArgumentError(
      'access mode MULTI_NODE_MULTI_WRITER is supported only for block volumes (volumeMode: Block); ' +
        'a filesystem volume must use a single-node access mode such as ReadWriteOnce',
    );
  }
  throw new InvalidArgumentError(
    `access mode ${mode} is not supported: use a single-node mode, or MULTI_NODE_MULTI_WRITER with a block volume`,
  );
}
