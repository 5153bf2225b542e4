import type { ServiceIdentifier } from 'inversify';
import type { Nqn } from '../domain/nqn.js';

/** An NVMe/TCP subsystem to attach, as published in the volume context. */
export interface NvmeTarget {
  /** IP literal or host name of the target. */
  readonly address: string;
  /** TCP port of the target, 1-65535. */
  readonly port: number;
  readonly nqn: Nqn;
  /** Seconds the kernel keeps retrying a lost controller before failing I/O; -1 = forever. */
  readonly ctrlLossTmo?: number;
  /** Seconds between reconnect attempts. */
  readonly reconnectDelay?: number;
  /** Keep-alive timeout in seconds. */
  readonly keepAliveTmo?: number;
}

export interface NvmeConnection {
  /** The namespace's block device, e.g. /dev/nvme1n1 (or /dev/loop3 for the loop initiator). */
  readonly devicePath: string;
}

export interface ConnectedSubsystem {
  /** As the kernel reports it; foreign subsystems may not be valid lower-case NQNs. */
  readonly nqn: string;
  /** Absent when the subsystem is connected but exposes no block device (an orphan). */
  readonly devicePath?: string;
}

export interface OrphanCleanupReport {
  /** Managed NQNs (or, for the loop initiator, loop devices) that were disconnected. */
  readonly disconnected: readonly string[];
  readonly failed: readonly { readonly nqn: string; readonly reason: string }[];
}

/**
 * The node's storage initiator: attaches NVMe/TCP subsystems and finds their block devices.
 *
 * Managed prefix: every implementation is configured with a mandatory managed-NQN prefix and refuses
 * to construct without one. `connect`, `disconnect` and `rescan` of an NQN outside it throw
 * InvalidArgumentError without running any host command, so subsystems the driver does not own
 * (for example a diskless host's root disk) are never touched.
 *
 * Errors: InvalidArgumentError (invalid or unmanaged target), BackendUnavailableError (the target
 * could not be connected), DeviceNotReadyError (connected but no block device appeared in time, or
 * not connected where a connection is required), HostCommandError / HostCommandTimeoutError (a host
 * tool failed), AbortedByCallerError (signal).
 *
 * Concurrency: safe to call concurrently; calls for the same NQN are serialised inside the adapter,
 * calls for different NQNs run in parallel.
 */
export interface NvmeInitiator {
  /**
   * Attaches the subsystem and resolves its block device. Idempotent: already connected with a block
   * device → that device, nothing is run. Connected without a block device → disconnected and
   * connected again. If no device appears in time the fresh connection is removed again.
   */
  connect(target: NvmeTarget, signal?: AbortSignal): Promise<NvmeConnection>;
  /** Detaches the subsystem. Idempotent: not connected → resolves without doing anything. */
  disconnect(nqn: Nqn, signal?: AbortSignal): Promise<void>;
  /** Every connected subsystem this initiator can see, managed or not. */
  list(signal?: AbortSignal): Promise<ConnectedSubsystem[]>;
  /** The block device of a connected subsystem, or undefined when it is not connected or has none. */
  resolveDevice(nqn: Nqn): Promise<string | undefined>;
  /**
   * Makes the kernel re-read the namespace size after the volume grew on the target. Throws
   * DeviceNotReadyError when the subsystem is not connected.
   */
  rescan(nqn: Nqn, signal?: AbortSignal): Promise<void>;
  /**
   * Disconnects managed subsystems that are connected but have no block device (left over from a
   * crash or reboot). Foreign subsystems are never touched. Meant to run once at node start.
   */
  cleanupOrphans(signal?: AbortSignal): Promise<OrphanCleanupReport>;
}
export const NvmeInitiator = Symbol.for('rds-csi.NvmeInitiator') as ServiceIdentifier<NvmeInitiator>;
