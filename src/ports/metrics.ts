import type { ServiceIdentifier } from 'inversify';

export type CommandOutcome = 'ok' | 'failed' | 'unavailable';
export type MountOperation = 'mount' | 'bind' | 'unmount';
export type MountOutcome = 'ok' | 'failed';

/** Every mount operation and outcome: their series start at zero (see `countMountOperations`). */
export const MOUNT_OPERATIONS: readonly MountOperation[] = ['mount', 'bind', 'unmount'];
export const MOUNT_OUTCOMES: readonly MountOutcome[] = ['ok', 'failed'];

/**
 * What the driver counts and times, in its own vocabulary; an adapter turns it into Prometheus
 * series. Label values are bounded (RPC method names, command verbs, outcomes, pool names), never
 * volume IDs. A series that only some processes can report (the RDS connection, the leader, the
 * pool) appears only once its observer or first value is given, so a node plugin does not report a
 * controller's state as 0. Every method is synchronous, never throws and is safe to call concurrently.
 */
export interface Metrics {
  /** Which build runs and in which mode (controller, node, all); called once at start. */
  buildInfo(version: string, mode: string): void;
  rpcCompleted(method: string, code: string, seconds: number): void;
  /** A RouterOS command by its verb (e.g. "/disk add"). */
  routerOsCommand(verb: string, outcome: CommandOutcome, seconds: number): void;
  routerOsReconnected(count: number): void;
  /** Reads the SSH connection state whenever metrics are collected. */
  observeRouterOsConnection(read: () => boolean): void;
  /** Reads the number of attached volumes whenever metrics are collected. */
  observeAttachments(read: () => number): void;
  /** Reads whether this replica holds the leader Lease whenever metrics are collected. */
  observeLeadership(read: () => boolean): void;
  /** The last size and free space read from the RDS for the pool (RouterOS mount point) `pool`. */
  poolCapacity(pool: string, totalBytes: number, freeBytes: number): void;
  fencingConflict(): void;
  /** A dual attachment outlived its volume's live-migration window (counted once per window, by the leader). */
  migrationTimedOut(): void;
  /**
   * Mount operations are counted in this process: every operation and outcome starts at zero (and
   * every operation's duration with no observations), so the first failure is an increase that
   * rate() and increase() can see.
   */
  countMountOperations(): void;
  mountOperation(operation: MountOperation, outcome: MountOutcome, seconds: number): void;
}
export const Metrics = Symbol.for('rds-csi.Metrics') as ServiceIdentifier<Metrics>;
