import type { ServiceIdentifier } from 'inversify';

/** Wall-clock time and waiting, injectable so tests control time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
export const Clock = Symbol.for('rds-csi.Clock') as ServiceIdentifier<Clock>;
