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
 * The NQN a volume is exported under. NQNs are lower case: a lower-case ID maps as the Go driver maps
 * it (prefix + ID). An ID with capitals gets a ':'-separated digest of its exact spelling appended, so
 * IDs that differ only in case never share an NQN; ':' never occurs in a volume ID, so these NQNs never
 * collide with a lower-case ID's.
 */
export function nqnForVolume(volumeId: VolumeId, prefix = MIKROTIK_NQN_PREFIX): Nqn {
  const lower = volumeId.toLowerCase();
  return parseNqn(lower === volumeId ? `${prefix}${lower}` : `${prefix}${lower}:${caseDigest(volumeId)}`);
}

/** Two FNV-1a 32-bit hashes with different offsets: 16 hex digits, pure and deterministic. */
function caseDigest(text: string): string {
  const fnv = (seed: number) => {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i += 1) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, '0');
  };
  return fnv(0x811c9dc5) + fnv(0x050c5d1f);
}
