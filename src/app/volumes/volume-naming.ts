import { parseVolumeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { MIKROTIK_NQN_PREFIX, NQN_MAX_BYTES } from '../../domain/nqn.js';
import { uuid5 } from './uuid5.js';

/**
 * Names of volumes and snapshots, derived exactly as the Go driver derived them, so a volume or
 * snapshot keeps its ID across a switch in either direction.
 */

// The Go driver's volume-ID rule (its ValidateVolumeID): the provisioner's pvc-<lower-case uuid>, or
// letters, digits and '-' that neither start with "pvc-" nor look like a bare UUID, at most 250 long.
const GO_PVC_ID = /^pvc-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;
const GO_SAFE = /^[a-zA-Z0-9-]+$/;
const UUID_LIKE = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/;

/** Whether the Go driver accepts `id` as a volume ID (it refuses every call naming any other). */
export function isGoVolumeId(id: string): boolean {
  if (GO_PVC_ID.test(id)) return true;
  return GO_SAFE.test(id) && !id.startsWith('pvc-') && !UUID_LIKE.test(id) && id.length <= 250;
}

/**
 * The volume ID for a CreateVolume name: the name itself when the Go driver would have used it
 * (verbatim, when it passes the Go rule and its NQN fits in 223 bytes), otherwise pvc-<uuid5(name)>
 * (the Go driver's own derivation for names, an ID it accepts), so every volume this driver makes
 * can be handled by the Go driver after a rollback, and retries of a name map to the same ID.
 */
export function volumeIdForName(name: string): VolumeId {
  const nqnFits = MIKROTIK_NQN_PREFIX.length + name.length <= NQN_MAX_BYTES;
  if (isGoVolumeId(name) && nqnFits) return parseVolumeId(name);
  return parseVolumeId(`pvc-${uuid5(name)}`);
}

/**
 * The snapshot ID for a CreateSnapshot name, the Go driver's: snap-<uuid5(name)>-at-<its first ten
 * hex digits>. It depends on the name only, so the same name for another source is a conflict.
 */
export function snapshotIdForName(name: string): VolumeId {
  const id = uuid5(name);
  return parseVolumeId(`snap-${id}-at-${id.replaceAll('-', '').slice(0, 10)}`, 'snapshot ID');
}
