import { inject, injectable } from 'inversify';
import { BackendUnavailableError } from '../../domain/errors.js';
import { poolOf } from '../../domain/storage-path.js';
import { Clock } from '../../ports/clock.js';
import { Logger } from '../../ports/logger.js';
import { Metrics } from '../../ports/metrics.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import { ControllerSettings } from '../volumes/controller-settings.js';

export interface PoolReadState {
  /** When the last read started (successful or not); undefined before the first. */
  readonly lastAttemptAt: number | undefined;
  readonly running: boolean;
  readonly connected: boolean;
  readonly now: number;
  readonly intervalMs: number;
}

/**
 * Whether to read the pool now: never while a read runs or while the RDS connection is down (a
 * metric must not be what wakes or hammers an RDS that is away), else at most once per interval.
 */
export function poolReadDue(state: PoolReadState): boolean {
  if (state.running || !state.connected) return false;
  return state.lastAttemptAt === undefined || state.now - state.lastAttemptAt >= state.intervalMs;
}

export type PoolRefreshResult = 'read' | 'not-due' | 'failed';

/**
 * Reports the size and free space of the pool behind the default volume base path
 * (rds_csi_pool_size_bytes / rds_csi_pool_free_bytes), one RouterOS capacity read per interval at
 * most. A failed read keeps the last values (the RDS-unreachable alert covers an outage) and is
 * retried after the next interval. Call `execute` from one timer; it never rejects.
 */
@injectable()
export class RefreshPoolCapacity {
  private lastAttemptAt: number | undefined;
  private running = false;

  constructor(
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
    @inject(Metrics) private readonly metrics: Metrics,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async execute(connected: boolean, intervalMs: number): Promise<PoolRefreshResult> {
    const now = this.clock.now();
    if (!poolReadDue({ lastAttemptAt: this.lastAttemptAt, running: this.running, connected, now, intervalMs })) return 'not-due';
    this.lastAttemptAt = now;
    this.running = true;
    const basePath = this.settings.defaults.basePath;
    try {
      const pool = await this.backend.capacity(basePath);
      this.metrics.poolCapacity(poolOf(basePath), pool.totalBytes, pool.freeBytes);
      return 'read';
    } catch (error) {
      const log = error instanceof BackendUnavailableError ? this.logger.debug : this.logger.warn;
      log.call(this.logger, 'could not read the pool capacity for metrics; keeping the last values', { basePath, error });
      return 'failed';
    } finally {
      this.running = false;
    }
  }
}
