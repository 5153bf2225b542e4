import { InvalidArgumentError } from '../../domain/errors.js';
import { describeValue } from '../../domain/ids.js';

// nqn.yyyy-mm.reverse-domain: followed by an optional identifier start. The ':' is required so that a
// prefix can never cover a whole naming authority by accident (e.g. "nqn." or "nqn.2000-02.com").
const PREFIX_PATTERN = /^nqn\.[0-9]{4}-[0-9]{2}\.[a-z0-9.-]+:[a-z0-9._:-]*$/;

/**
 * The managed-NQN prefix: the only subsystems the node may ever connect or disconnect. Mandatory —
 * an unfiltered disconnect once took down diskless nodes whose root disk is NVMe-oF.
 */
export function parseManagedNqnPrefix(value: string | undefined): string {
  if (value !== undefined && value.length <= 223 && PREFIX_PATTERN.test(value)) return value;
  throw new InvalidArgumentError(
    `managed NQN prefix ${describeValue(value ?? '')} is missing or invalid: expected nqn.yyyy-mm.domain: ` +
      'plus an optional identifier start, e.g. nqn.2000-02.com.mikrotik:pvc-',
  );
}

export function isManagedNqn(nqn: string, prefix: string): boolean {
  return nqn.startsWith(prefix) && nqn.length > prefix.length;
}

export function assertManagedNqn(nqn: string, prefix: string, action: string): void {
  if (isManagedNqn(nqn, prefix)) return;
  throw new InvalidArgumentError(`refusing to ${action} ${describeValue(nqn)}: it is outside the managed NQN prefix ${prefix}`);
}
