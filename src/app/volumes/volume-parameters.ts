import { InvalidArgumentError } from '../../domain/errors.js';
import { describeValue } from '../../domain/ids.js';
import { parseHostAddress, parsePort } from '../../domain/network-address.js';
import { parseBasePath } from '../../domain/storage-path.js';
import type { BasePath } from '../../domain/storage-path.js';
import { SUPPORTED_FS_TYPES } from '../../domain/volume-capability.js';
import type { FsType } from '../../domain/volume-capability.js';
import { optionalField } from '../optional-field.js';
import { MIGRATION_TIMEOUT_RANGE_S } from './volume-context.js';

/** What a StorageClass may set, with the Go driver's parameter names. */
export interface VolumeParameters {
  readonly basePath: BasePath;
  readonly nvmeAddress: string;
  readonly nvmePort: number;
  /** nvme connect --ctrl-loss-tmo; -1 = retry forever (I/O waits out an RDS outage). */
  readonly ctrlLossTmo: number;
  readonly reconnectDelay: number;
  /** 0 = kernel default. */
  readonly keepAliveTmo: number;
  readonly migrationTimeoutSeconds: number;
  readonly fsType?: FsType;
  /** From the provisioner's --extra-create-metadata, for events. */
  readonly pvcName?: string;
  readonly pvcNamespace?: string;
}

export interface ParameterDefaults {
  /** The configured base path; a StorageClass volumePath must lie within it. */
  readonly basePath: BasePath;
  readonly nvmeAddress: string;
  readonly nvmePort: number;
}

const RESERVED_PREFIX = 'csi.storage.k8s.io/';
/** Every StorageClass parameter the driver reads (the chart's values.schema.json accepts exactly these). */
export const KNOWN_VOLUME_PARAMETERS: readonly string[] = ['volumePath', 'nvmeAddress', 'nvmePort', 'ctrlLossTmo', 'reconnectDelay', 'keepAliveTmo', 'migrationTimeoutSeconds', 'fsType'];

/**
 * Validates StorageClass parameters. Every problem is reported at once, naming the key and value;
 * unknown keys are refused (a typo must not silently fall back to a default); reserved
 * csi.storage.k8s.io/ keys are ignored, except the PVC name and namespace, which are kept.
 */
export function parseVolumeParameters(parameters: Readonly<Record<string, string>>, defaults: ParameterDefaults): VolumeParameters {
  const problems: string[] = [];
  const take = <T>(key: string, fallback: T, parse: (v: string) => T): T => {
    const raw = parameters[key];
    if (raw === undefined) return fallback;
    try {
      return parse(raw);
    } catch (error) {
      problems.push(`parameter ${key}: ${(error as Error).message}`);
      return fallback;
    }
  };
  for (const key of Object.keys(parameters)) {
    if (!key.startsWith(RESERVED_PREFIX) && !KNOWN_VOLUME_PARAMETERS.includes(key)) {
      problems.push(`unknown parameter ${describeValue(key)}: known parameters are ${KNOWN_VOLUME_PARAMETERS.join(', ')}`);
    }
  }
  const basePath = take('volumePath', defaults.basePath, (v) => withinBase(parseBasePath(v, 'volumePath'), defaults.basePath));
  const result: VolumeParameters = {
    basePath,
    nvmeAddress: take('nvmeAddress', defaults.nvmeAddress, (v) => parseHostAddress(v, 'nvmeAddress')),
    nvmePort: take('nvmePort', defaults.nvmePort, (v) => parsePort(v, 'nvmePort')),
    ctrlLossTmo: take('ctrlLossTmo', -1, (v) => integer(v, -1, 86_400)),
    reconnectDelay: take('reconnectDelay', 5, (v) => integer(v, 1, 3_600)),
    keepAliveTmo: take('keepAliveTmo', 0, (v) => integer(v, 0, 3_600)),
    migrationTimeoutSeconds: take('migrationTimeoutSeconds', 300, (v) => integer(v, MIGRATION_TIMEOUT_RANGE_S.min, MIGRATION_TIMEOUT_RANGE_S.max)),
    ...optionalField('fsType', take<FsType | undefined>('fsType', undefined, fsType)),
    ...optionalField('pvcName', parameters[`${RESERVED_PREFIX}pvc/name`]),
    ...optionalField('pvcNamespace', parameters[`${RESERVED_PREFIX}pvc/namespace`]),
  };
  if (problems.length > 0) throw new InvalidArgumentError(`invalid StorageClass parameters: ${problems.join('; ')}`);
  return result;
}

/** VolumeSnapshotClass parameters: only volumePath; reserved keys ignored. */
export function parseSnapshotParameters(parameters: Readonly<Record<string, string>>, defaultBase: BasePath): BasePath {
  const unknown = Object.keys(parameters).filter((k) => !k.startsWith(RESERVED_PREFIX) && k !== 'volumePath');
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown VolumeSnapshotClass parameter ${unknown.map(describeValue).join(', ')}: only volumePath is known`);
  }
  const raw = parameters.volumePath;
  return raw === undefined ? defaultBase : withinBase(parseBasePath(raw, 'volumePath'), defaultBase);
}

function withinBase(path: BasePath, base: BasePath): BasePath {
  if (path === base || path.startsWith(`${base}/`)) return path;
  throw new InvalidArgumentError(`${describeValue(path)} is outside the configured volume base path ${base}`);
}

function integer(value: string, min: number, max: number): number {
  const n = /^-?\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  throw new InvalidArgumentError(`${describeValue(value)} is not a whole number from ${min} to ${max}`);
}

function fsType(value: string): FsType {
  if ((SUPPORTED_FS_TYPES as readonly string[]).includes(value)) return value as FsType;
  throw new InvalidArgumentError(`${describeValue(value)} is not one of ${SUPPORTED_FS_TYPES.join(', ')}`);
}
