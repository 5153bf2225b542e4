import { ACCESS_MODES } from '../../domain/access-mode.js';
import type { AccessMode } from '../../domain/access-mode.js';
import type { CapacityRange } from '../../domain/capacity-range.js';
import { CapacityOutOfRangeError, InvalidArgumentError } from '../../domain/errors.js';
import type { VolumeCapability } from '../../domain/volume-capability.js';
import {
  VolumeCapability_AccessMode_Mode as Mode,
  type CapacityRange as CsiCapacityRange,
  type VolumeCapability as CsiVolumeCapability,
} from '../../generated/csi/csi.js';

/** CSI messages to domain values and back. Everything that can be wrong is an InvalidArgumentError. */
export function requireField(value: string, field: string): string {
  if (value === '') throw new InvalidArgumentError(`${field} is required`);
  return value;
}

export function toCapability(capability: CsiVolumeCapability | undefined, field = 'volume_capability'): VolumeCapability {
  if (!capability) throw new InvalidArgumentError(`${field} is required`);
  const mode = capability.accessMode?.mode;
  if (mode === undefined || mode === Mode.UNKNOWN || mode === Mode.UNRECOGNIZED) {
    throw new InvalidArgumentError(`${field}.access_mode is required and must be a known mode`);
  }
  const accessMode = Mode[mode] as AccessMode;
  if (!(ACCESS_MODES as readonly string[]).includes(accessMode)) throw new InvalidArgumentError(`${field}.access_mode ${mode} is unknown`);
  const type = capability.accessType;
  if (!type) throw new InvalidArgumentError(`${field} must say block or mount`);
  if (type.$case === 'block') return { accessMode, accessType: { kind: 'block' } };
  const fsType = type.value.fsType;
  return { accessMode, accessType: { kind: 'mount', ...(fsType ? { fsType } : {}), mountFlags: type.value.mountFlags } };
}

export function toCapabilities(capabilities: readonly CsiVolumeCapability[], field = 'volume_capabilities'): VolumeCapability[] {
  if (capabilities.length === 0) throw new InvalidArgumentError(`${field} is required (at least one)`);
  return capabilities.map((c, i) => toCapability(c, `${field}[${i}]`));
}

export function fromCapability(capability: VolumeCapability): CsiVolumeCapability {
  const accessMode = { mode: Mode[capability.accessMode] };
  if (capability.accessType.kind === 'block') return { accessMode, accessType: { $case: 'block', value: {} } };
  const { fsType, mountFlags } = capability.accessType;
  return { accessMode, accessType: { $case: 'mount', value: { fsType: fsType ?? '', mountFlags: [...mountFlags], volumeMountGroup: '' } } };
}

export function toCapacityRange(range: CsiCapacityRange | undefined): CapacityRange {
  if (!range) return { requiredBytes: 0, limitBytes: 0 };
  return { requiredBytes: bytes(range.requiredBytes, 'required_bytes'), limitBytes: bytes(range.limitBytes, 'limit_bytes') };
}

export function bytes(value: bigint, field: string): number {
  if (value < 0n) throw new InvalidArgumentError(`${field} ${value} must not be negative`);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CapacityOutOfRangeError(`${field} ${value} is larger than any volume this driver can make`);
  return Number(value);
}

export function maxEntries(value: number): number {
  if (value < 0) throw new InvalidArgumentError(`max_entries ${value} must not be negative`);
  return value;
}
