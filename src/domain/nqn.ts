import { InvalidArgumentError } from './errors.js';
import { describeValue } from './ids.js';
import type { VolumeId } from './ids.js';

declare const nqnBrand: unique symbol;
/** An NVMe Qualified Name, validated: nqn.yyyy-mm.reverse-domain:identifier. */
export type Nqn = string & { readonly [nqnBrand]: true };

/** The prefix the Go driver and RouterOS use for exported file disks. */
export const MIKROTIK_NQN_PREFIX = 'nqn.2000-02.com.mikrotik:';
export const NQN_MAX_BYTES = 223;
const NQN_PATTERN = /^nqn\.[0-9]{4}-[0-9]{2}\.[a-z0-9.-]+:[a-z0-9._:-]+$/;

export function parseNqn(value: string, field = 'NQN'): Nqn {
  if (value.length <= NQN_MAX_BYTES && NQN_PATTERN.test(value)) return value as Nqn;
  throw new InvalidArgumentError(
    `${field} ${describeValue(value)} is invalid: expected nqn.yyyy-mm.domain:name in lower case, ` +
      `at most ${NQN_MAX_BYTES} bytes`,
  );
}

/**
 * The NQN a volume is exported under: the prefix and the ID in lower case, as the Go driver derives
 * it (NQNs are lower case), so volumes it created keep their NQN. IDs that differ only in case share
 * an NQN, as they did there; CreateVolume refuses the second of such a pair (the provisioner's names,
 * pvc-<uuid>, are lower case and never meet this).
 */
export function nqnForVolume(volumeId: VolumeId, prefix = MIKROTIK_NQN_PREFIX): Nqn {
  return parseNqn(`${prefix}${volumeId.toLowerCase()}`);
}
