import type { Container } from 'inversify';
import { RouterOsSession } from '../adapters/routeros/routeros-session.js';
import { RefreshPoolCapacity } from './use-cases/refresh-pool-capacity.js';

/** How often the pool's size and free space are read from the RDS for metrics. */
export const POOL_REFRESH_MS = 60_000;
/** How often the timer looks whether a read is due (a cheap, local check). */
export const POOL_CHECK_MS = 5_000;

/**
 * Runs on every controller replica (each one's /metrics is scraped on its own): every few seconds,
 * read the pool when the last read is POOL_REFRESH_MS old and the SSH connection is up, so the first
 * values arrive within seconds of the first connection and a down RDS sees no extra commands. With
 * an injected backend and no session (tests, benchmarks) the backend counts as connected.
 */
export function startPoolCapacityRefresh(container: Container): { stop(): void } {
  const refresh = container.get(RefreshPoolCapacity);
  const session = container.isBound(RouterOsSession) ? container.get(RouterOsSession) : undefined;
  const connected = () => session === undefined || session.state === 'connected';
  const timer = setInterval(() => void refresh.execute(connected(), POOL_REFRESH_MS), POOL_CHECK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
