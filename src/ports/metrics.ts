import type { ServiceIdentifier } from 'inversify';

export type CommandOutcome = 'ok' | 'failed' | 'unavailable';

/**
 * What the driver counts and times, in its own vocabulary; an adapter turns it into Prometheus
 * series. Label values are bounded (RPC method names, command verbs, outcomes), never volume IDs.
 * Every method is synchronous, never throws and is safe to call concurrently.
 */
export interface Metrics {
  rpcCompleted(method: string, code: string, seconds: number): void;
  /** A RouterOS command by its verb (e.g. "/disk add"). */
  routerOsCommand(verb: string, outcome: CommandOutcome, seconds: number): void;
  routerOsReconnected(count: number): void;
  /** Reads the SSH connection state whenever metrics are collected. */
  observeRouterOsConnection(read: () => boolean): void;
  /** Reads the number of attached volumes whenever metrics are collected. */
  observeAttachments(read: () => number): void;
  fencingConflict(): void;
  /** A dual attachment outlived its volume's live-migration window (counted once per window, by the leader). */
  migrationTimedOut(): void;
  mountOperation(operation: 'mount' | 'bind' | 'unmount', outcome: 'ok' | 'failed', seconds: number): void;
}
export const Metrics = Symbol.for('rds-csi.Metrics') as ServiceIdentifier<Metrics>;
