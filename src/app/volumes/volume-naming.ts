import { createHash } from 'node:crypto';
import { isValidVolumeId, parseVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';

/**
 * The volume ID for a CreateVolume name: the name itself when it is a valid volume ID (the
 * provisioner's pvc-<uuid>, as the Go driver does), otherwise `csi-` and a digest of the name, so any
 * name the spec allows maps to the same safe ID on every retry.
 */
export function volumeIdForName(name: string): VolumeId {
  if (isValidVolumeId(name)) return name as VolumeId;
  return parseVolumeId(`csi-${digest(name)}`);
}

/** Snapshot IDs are always derived: `snap-` and a digest of the CreateSnapshot name. */
export function snapshotIdForName(name: string): VolumeId {
  return parseVolumeId(`snap-${digest(name)}`);
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
}
