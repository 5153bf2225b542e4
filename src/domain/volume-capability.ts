import { assertSupportedAccessMode } from './access-mode.js';
import type { AccessMode, VolumeMode } from './access-mode.js';
import { InvalidArgumentError } from './errors.js';

/** Filesystems the node service can create and grow. */
export const SUPPORTED_FS_TYPES = ['ext4', 'xfs', 'ext3'] as const;
export type FsType = (typeof SUPPORTED_FS_TYPES)[number];

export type AccessType =
  | { readonly kind: 'block' }
  | { readonly kind: 'mount'; readonly fsType?: string; readonly mountFlags: readonly string[] };

/** A CSI VolumeCapability in domain terms. */
export interface VolumeCapability {
  readonly accessMode: AccessMode;
  readonly accessType: AccessType;
}

export function volumeModeOf(capability: VolumeCapability): VolumeMode {
  return capability.accessType.kind === 'block' ? 'block' : 'filesystem';
}

/** Why a capability cannot be served, or undefined when it can. */
export function unsupportedReason(capability: VolumeCapability): string | undefined {
  try {
    assertSupportedAccessMode(capability.accessMode, volumeModeOf(capability));
  } catch (error) {
    return (error as Error).message;
  }
  const type = capability.accessType;
  if (type.kind === 'mount' && type.fsType && !(SUPPORTED_FS_TYPES as readonly string[]).includes(type.fsType)) {
    return `filesystem type ${JSON.stringify(type.fsType)} is not supported: use one of ${SUPPORTED_FS_TYPES.join(', ')}`;
  }
  return undefined;
}

export function assertSupportedCapabilities(capabilities: readonly VolumeCapability[]): void {
  for (const capability of capabilities) {
    const reason = unsupportedReason(capability);
    if (reason) throw new InvalidArgumentError(reason);
  }
}
