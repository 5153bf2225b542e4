import type { ServiceIdentifier } from 'inversify';

/**
 * Which controller replica runs the driver's own background work (reconciling attachment records),
 * so two replicas never act twice. CSI calls are not gated by it: they are answered by whichever
 * replica the sidecars' own leader talks to.
 * - `isLeader` is cheap and synchronous; it turns false as soon as leadership may have been lost.
 * - `start` begins campaigning in the background and never throws; `stop` releases leadership.
 */
export interface LeaderElection {
  isLeader(): boolean;
  start(): void;
  stop(): Promise<void>;
}
export const LeaderElection = Symbol.for('rds-csi.LeaderElection') as ServiceIdentifier<LeaderElection>;
