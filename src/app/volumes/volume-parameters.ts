import { InvalidArgumentError } from '../../domain/errors.js';
import { describeValue } from '../../domain/ids.js';
import { parseHostAddress } from '../../domain/network-address.js';
import { parseBasePath } from '../../domain/storage-path.js';
import type { BasePath } from '../../domain/storage-path.js';
import { SUPPORTED_FS_TYPES } from '../../domain/volume-capability.js';
import type { FsType } from '../../domain/volume-capability.js';
import { optionalField } from '../optional-field.js';
import { GO_LEGACY_KEYS, readLegacyParameters } from './go-legacy-parameters.js';
import type { IgnoredParameter } from './go-legacy-parameters.js';
import { goInteger, goMigrationTimeoutSeconds, goPort } from './go-numbers.js';

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
  /** Keys of the Go driver that were accepted but have no effect here, with the reason. */
  readonly ignored: readonly IgnoredParameter[];
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
/**
 * Every StorageClass parameter the driver reads (the chart's values.schema.json accepts exactly these);
 * the Go driver's keys it does not need are accepted too, and ignored with a warning (GO_LEGACY_KEYS).
 */
export const KNOWN_VOLUME_PARAMETERS: readonly string[] = ['volumePath', 'nvmeAddress', 'nvmePort', 'ctrlLossTmo', 'reconnectDelay', 'keepAliveTmo', 'migrationTimeoutSeconds', 'fsType'];

/**
 * Validates StorageClass parameters: every key the Go driver knew is accepted with the meaning it had
 * there (go-legacy-parameters.ts for the keys this driver does not need; go-numbers.ts for how numbers
 * are read and clamped). Every problem is reported at once, naming the key and value. Keys the Go
 * driver never knew are refused (a typo must not silently fall back to a default); reserved
 * csi.storage.k8s.io/ keys are ignored, except the PVC name and namespace, which are kept.
 * `rdsAddress` is the controller's --rds-address.
 */
export function parseVolumeParameters(
  parameters: Readonly<Record<string, string>>,
  defaults: ParameterDefaults,
  rdsAddress = '',
): VolumeParameters {
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
  const known = [...KNOWN_VOLUME_PARAMETERS, ...GO_LEGACY_KEYS];
  for (const key of Object.keys(parameters)) {
    if (!key.startsWith(RESERVED_PREFIX) && !known.includes(key)) {
      problems.push(`unknown parameter ${describeValue(key)}: known parameters are ${known.join(', ')}`);
    }
  }
  const basePath = take('volumePath', defaults.basePath, (v) => withinBase(parseBasePath(v, 'volumePath'), defaults.basePath));
  const nvmeAddress = take('nvmeAddress', defaults.nvmeAddress, (v) => parseHostAddress(v, 'nvmeAddress'));
  const legacy = readLegacyParameters(parameters, {
    rdsAddress,
    nvmeAddress,
    nvmeAddressGiven: parameters.nvmeAddress !== undefined,
    basePath,
  });
  problems.push(...legacy.problems);
  const result: VolumeParameters = {
    basePath,
    nvmeAddress: legacy.nvmeAddress ?? nvmeAddress,
    nvmePort: take('nvmePort', defaults.nvmePort, (v) => goPort(v) ?? defaults.nvmePort),
    ctrlLossTmo: take('ctrlLossTmo', -1, (v) => goInteger(v, -1)),
    reconnectDelay: take('reconnectDelay', 5, (v) => goInteger(v, 1)),
    keepAliveTmo: take('keepAliveTmo', 0, (v) => goInteger(v, 0)),
    migrationTimeoutSeconds: goMigrationTimeoutSeconds(parameters.migrationTimeoutSeconds),
    ignored: legacy.ignored,
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
  throw new InvalidArgumentError(
    `${describeValue(path)} is outside the controller's --volume-base-path ${base}, which wins (volumes live only under ` +
      `it); set volumePath to a directory within it, or change --volume-base-path (Helm: rds.volumeBasePath)`,
  );
}

function fsType(value: string): FsType {
  if ((SUPPORTED_FS_TYPES as readonly string[]).includes(value)) return value as FsType;
  throw new InvalidArgumentError(`${describeValue(value)} is not one of ${SUPPORTED_FS_TYPES.join(', ')}`);
}
