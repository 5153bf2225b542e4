import { InvalidArgumentError } from './errors.js';

declare const volumeIdBrand: unique symbol;
declare const nodeIdBrand: unique symbol;

/** A volume identifier safe to place in a RouterOS command and a file name. */
export type VolumeId = string & { readonly [volumeIdBrand]: true };
/** A node identifier as reported by the node plugin (a Kubernetes node name in practice). */
export type NodeId = string & { readonly [nodeIdBrand]: true };

/**
 * The longest volume ID whose NQN (nqn.2000-02.com.mikrotik:<id>) fits the 223 bytes NVMe allows:
 * the longest the Go driver could create, so every volume it made is addressable here.
 */
export const VOLUME_ID_MAX_LENGTH = 198;
export const NODE_ID_MAX_LENGTH = 256;

// Letters, digits, '-', '.', '_' only; must not start with '.' or '-' so it can never read as a
// relative path component or a command-line option.
const VOLUME_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
// Kubernetes node names are DNS subdomains; ':' is admitted for IDs that embed a host NQN or port.
const NODE_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._:-]*$/;

/** Shows an offending value safely in an error message: quoted, control characters escaped, bounded. */
export function describeValue(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(shown);
}

export function isValidVolumeId(value: string): boolean {
  return value.length > 0 && value.length <= VOLUME_ID_MAX_LENGTH && VOLUME_ID_PATTERN.test(value);
}

export function parseVolumeId(value: string, field = 'volume ID'): VolumeId {
  if (isValidVolumeId(value)) return value as VolumeId;
  if (value.length === 0) throw new InvalidArgumentError(`${field} is required`);
  throw new InvalidArgumentError(
    `${field} ${describeValue(value)} is invalid: use 1 to ${VOLUME_ID_MAX_LENGTH} letters, digits, ` +
      `'-', '.' or '_', not starting with '-' or '.'`,
  );
}

export function parseNodeId(value: string, field = 'node ID'): NodeId {
  if (value.length > 0 && value.length <= NODE_ID_MAX_LENGTH && NODE_ID_PATTERN.test(value)) {
    return value as NodeId;
  }
  if (value.length === 0) throw new InvalidArgumentError(`${field} is required`);
  throw new InvalidArgumentError(
    `${field} ${describeValue(value)} is invalid: use 1 to ${NODE_ID_MAX_LENGTH} letters, digits, ` +
      `'-', '.', '_' or ':', not starting with '-', '.' or ':'`,
  );
}
