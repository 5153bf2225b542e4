import type { ServiceIdentifier } from 'inversify';
import type { VolumeId } from '../domain/ids.js';

export interface LockOptions {
  /** How long to wait for the lock; defaults to the manager's configured budget. */
  readonly waitMs?: number;
  /** Stops waiting when aborted; the work is then never started. */
  readonly signal?: AbortSignal;
}

/**
 * Serialises work per volume. Work on different volumes never waits on each other.
 * - `withVolumeLock` runs `work` while holding the volume's lock and releases it when `work` settles,
 *   whatever the outcome; `work`'s result or error is passed through.
 * - Throws VolumeBusyError when the lock is not obtained within the wait budget, and
 *   AbortedByCallerError when `signal` aborts while waiting.
 * - Locks are not re-entrant: taking the same volume's lock inside `work` waits for itself.
 * - Memory is bounded: an entry exists only while someone holds or waits for the lock.
 */
export interface LockManager {
  withVolumeLock<T>(volumeId: VolumeId, work: () => Promise<T>, options?: LockOptions): Promise<T>;
  /** Number of volumes that currently have a holder or waiter (for tests and metrics). */
  activeEntries(): number;
}
export const LockManager = Symbol.for('rds-csi.LockManager') as ServiceIdentifier<LockManager>;
