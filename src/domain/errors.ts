/**
 * Every error the core can raise. Each carries a stable `code`; the CSI adapter owns the single table
 * that maps codes to gRPC status. Constructors have no side effects and messages name the offending
 * value, so an operator can act on them without reading logs.
 */
export type DomainErrorCode =
  | 'INVALID_ARGUMENT'
  | 'VOLUME_NOT_FOUND'
  | 'SNAPSHOT_NOT_FOUND'
  | 'NODE_NOT_FOUND'
  | 'VOLUME_ALREADY_EXISTS'
  | 'INCOMPATIBLE_ATTACHMENT'
  | 'MAX_VOLUMES_PER_NODE'
  | 'INSUFFICIENT_CAPACITY'
  | 'VOLUME_ATTACHED_ELSEWHERE'
  | 'VOLUME_BUSY'
  | 'CONCURRENT_MODIFICATION'
  | 'ATTACHMENT_NOT_RECORDABLE'
  | 'CAPACITY_OUT_OF_RANGE'
  | 'BACKEND_UNAVAILABLE'
  | 'BACKEND_REJECTED'
  | 'NOT_READY'
  | 'VOLUME_IN_USE'
  | 'INVALID_PAGE_TOKEN'
  | 'ABORTED_BY_CALLER'
  | 'DEVICE_NOT_READY'
  | 'HOST_COMMAND_FAILED'
  | 'HOST_COMMAND_TIMEOUT'
  | 'HOST_PRECONDITION_FAILED';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidArgumentError extends DomainError {
  readonly code = 'INVALID_ARGUMENT';
}

export class VolumeNotFoundError extends DomainError {
  readonly code = 'VOLUME_NOT_FOUND';
  constructor(readonly volumeId: string, detail?: string) {
    super(`volume ${volumeId} does not exist${detail ? `: ${detail}` : ''}`);
  }
}

export class SnapshotNotFoundError extends DomainError {
  readonly code = 'SNAPSHOT_NOT_FOUND';
  constructor(readonly snapshotId: string) {
    super(`snapshot ${snapshotId} does not exist`);
  }
}

export class NodeNotFoundError extends DomainError {
  readonly code = 'NODE_NOT_FOUND';
  constructor(readonly nodeId: string) {
    super(`node ${nodeId} is not known to the driver`);
  }
}

/** A create request names an existing volume or snapshot that is incompatible with it. */
export class VolumeAlreadyExistsError extends DomainError {
  readonly code = 'VOLUME_ALREADY_EXISTS';
}

export class IncompatibleAttachmentError extends DomainError {
  readonly code = 'INCOMPATIBLE_ATTACHMENT';
  constructor(readonly volumeId: string, readonly nodeId: string, detail: string) {
    super(`volume ${volumeId} is already attached to node ${nodeId} ${detail}`);
  }
}

export class MaxVolumesPerNodeError extends DomainError {
  readonly code = 'MAX_VOLUMES_PER_NODE';
  constructor(readonly nodeId: string, readonly limit: number) {
    super(`node ${nodeId} already has the maximum of ${limit} attached volumes`);
  }
}

export class InsufficientCapacityError extends DomainError {
  readonly code = 'INSUFFICIENT_CAPACITY';
}

export class VolumeAttachedElsewhereError extends DomainError {
  readonly code = 'VOLUME_ATTACHED_ELSEWHERE';
  constructor(readonly volumeId: string, readonly holders: readonly string[], detail = '') {
    super(
      `volume ${volumeId} is attached to node ${holders.join(' and node ')}` +
        (detail ? `; ${detail}` : '; detach it there first'),
    );
  }
}

/** The volume's lock could not be taken within the wait budget: another operation is in flight. */
export class VolumeBusyError extends DomainError {
  readonly code = 'VOLUME_BUSY';
  constructor(readonly volumeId: string, readonly waitedMs: number) {
    super(`volume ${volumeId} is busy with another operation (waited ${waitedMs} ms); retry later`);
  }
}

/** A versioned write lost a race with another writer. Re-read and retry. */
export class ConcurrentModificationError extends DomainError {
  readonly code = 'CONCURRENT_MODIFICATION';
}

/**
 * An attachment cannot be recorded because its record has no home (with the Kubernetes store: no
 * PersistentVolume carries the volume's handle). Granting it anyway would fence in one process only.
 */
export class AttachmentNotRecordableError extends DomainError {
  readonly code = 'ATTACHMENT_NOT_RECORDABLE';
}

export class CapacityOutOfRangeError extends DomainError {
  readonly code = 'CAPACITY_OUT_OF_RANGE';
}

/** The storage appliance or an API the driver depends on could not be reached in time. */
export class BackendUnavailableError extends DomainError {
  readonly code = 'BACKEND_UNAVAILABLE';
}

/** The storage appliance answered and refused the request; `backendText` is its own words. */
export class BackendRejectedError extends DomainError {
  readonly code = 'BACKEND_REJECTED';
  constructor(message: string, readonly backendText: string) {
    super(`${message}: ${backendText}`);
  }
}

/** The service is still starting (for example rebuilding attachment state). */
export class NotReadyError extends DomainError {
  readonly code = 'NOT_READY';
}

/** The volume cannot be deleted or changed while nodes hold it. */
export class VolumeInUseError extends DomainError {
  readonly code = 'VOLUME_IN_USE';
  constructor(readonly volumeId: string, readonly holders: readonly string[]) {
    super(`volume ${volumeId} is still attached to node ${holders.join(', ')}; detach it before deleting it`);
  }
}

/** A list call's starting token is not one this driver handed out (or no longer applies). */
export class InvalidPageTokenError extends DomainError {
  readonly code = 'INVALID_PAGE_TOKEN';
  constructor(readonly token: string) {
    super(`starting token ${JSON.stringify(token.slice(0, 40))} is not valid; start the listing again without a token`);
  }
}

/** The caller cancelled the operation or its deadline passed. */
export class AbortedByCallerError extends DomainError {
  readonly code = 'ABORTED_BY_CALLER';
}

/**
 * A block device is absent or not usable yet: it did not appear after connecting, its NVMe target is
 * not connected, or probing it kept failing. Safe to retry later.
 */
export class DeviceNotReadyError extends DomainError {
  readonly code = 'DEVICE_NOT_READY';
}

/** A host tool (mkfs, mount, nvme, losetup, …) exited unsuccessfully; the message carries its own words. */
export class HostCommandError extends DomainError {
  readonly code = 'HOST_COMMAND_FAILED';
  constructor(readonly tool: string, readonly exitCode: number, detail: string) {
    super(`${tool} failed with exit code ${exitCode}${detail ? `: ${detail}` : ''}`);
  }
}

/** A host command or kernel read did not finish within its time limit; the process group was killed. */
export class HostCommandTimeoutError extends DomainError {
  readonly code = 'HOST_COMMAND_TIMEOUT';
  constructor(readonly tool: string, readonly timeoutMs: number) {
    super(`${tool} did not finish within ${timeoutMs} ms and was stopped`);
  }
}

/**
 * The node's current state forbids the operation (for example: the device already holds data and
 * would be formatted, the target is mounted from another device, or a mount storm is in progress).
 * Retrying without changing that state gives the same answer.
 */
export class HostPreconditionError extends DomainError {
  readonly code = 'HOST_PRECONDITION_FAILED';
}
