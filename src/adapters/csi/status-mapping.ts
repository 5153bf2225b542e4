import { status } from '@grpc/grpc-js';
import { DomainError } from '../../domain/errors.js';
import type { DomainErrorCode } from '../../domain/errors.js';

/**
 * The one table from domain errors to gRPC status codes (CSI spec error tables). A Record makes a
 * new domain code that is missing here a compile error.
 */
const STATUS: Record<DomainErrorCode, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  VOLUME_NOT_FOUND: status.NOT_FOUND,
  SNAPSHOT_NOT_FOUND: status.NOT_FOUND,
  NODE_NOT_FOUND: status.NOT_FOUND,
  VOLUME_ALREADY_EXISTS: status.ALREADY_EXISTS,
  INCOMPATIBLE_ATTACHMENT: status.ALREADY_EXISTS,
  MAX_VOLUMES_PER_NODE: status.RESOURCE_EXHAUSTED,
  INSUFFICIENT_CAPACITY: status.RESOURCE_EXHAUSTED,
  VOLUME_ATTACHED_ELSEWHERE: status.FAILED_PRECONDITION,
  VOLUME_IN_USE: status.FAILED_PRECONDITION,
  VOLUME_BUSY: status.ABORTED,
  CONCURRENT_MODIFICATION: status.ABORTED,
  ATTACHMENT_NOT_RECORDABLE: status.FAILED_PRECONDITION,
  INVALID_PAGE_TOKEN: status.ABORTED,
  CAPACITY_OUT_OF_RANGE: status.OUT_OF_RANGE,
  BACKEND_UNAVAILABLE: status.UNAVAILABLE,
  NOT_READY: status.UNAVAILABLE,
  BACKEND_REJECTED: status.INTERNAL,
  ABORTED_BY_CALLER: status.CANCELLED,
  DEVICE_NOT_READY: status.UNAVAILABLE,
  HOST_COMMAND_FAILED: status.INTERNAL,
  // Kubelet treats DEADLINE_EXCEEDED from NodeStage/NodePublish as "maybe still in progress" and
  // keeps the volume in an uncertain state, so it cleans up instead of assuming nothing happened.
  HOST_COMMAND_TIMEOUT: status.DEADLINE_EXCEEDED,
  HOST_PRECONDITION_FAILED: status.FAILED_PRECONDITION,
};

export interface GrpcFailure {
  readonly code: status;
  readonly details: string;
}

/** Domain errors keep their message; anything unexpected is INTERNAL with a generic message. */
export function toGrpcFailure(error: unknown): GrpcFailure {
  if (error instanceof DomainError) return { code: STATUS[error.code], details: error.message };
  return { code: status.INTERNAL, details: 'internal error; see the driver log for the cause' };
}

export function statusName(code: status): string {
  return status[code] ?? String(code);
}
