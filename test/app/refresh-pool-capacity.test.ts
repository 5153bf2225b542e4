import { describe, expect, it } from 'vitest';
import { InMemoryStorageBackend } from '../../src/adapters/memory/in-memory-storage-backend.js';
import { RecordingMetrics } from '../../src/adapters/memory/recording-metrics.js';
import { ManualClock } from '../../src/adapters/time/manual-clock.js';
import { poolReadDue, RefreshPoolCapacity } from '../../src/app/use-cases/refresh-pool-capacity.js';
import { TEST_SETTINGS } from '../support/controller-harness.js';
import { RecordingLogger } from '../support/recording-logger.js';

const MINUTE = 60_000;

describe('poolReadDue', () => {
  const base = { lastAttemptAt: undefined, running: false, connected: true, now: 1_000_000, intervalMs: MINUTE };
  it.each([
    ['first read while connected', base, true],
    ['not while the connection is down', { ...base, connected: false }, false],
    ['not while a read runs', { ...base, running: true }, false],
    ['not before the interval has passed', { ...base, lastAttemptAt: base.now - MINUTE + 1 }, false],
    ['again once the interval has passed', { ...base, lastAttemptAt: base.now - MINUTE }, true],
    ['never while disconnected, however long ago', { ...base, lastAttemptAt: 0, connected: false }, false],
  ])('%s', (_name, state, due) => {
    expect(poolReadDue(state)).toBe(due);
  });
});

describe('RefreshPoolCapacity', () => {
  const setup = () => {
    const backend = new InMemoryStorageBackend(10 * 1024 ** 4);
    const metrics = new RecordingMetrics();
    const clock = new ManualClock();
    const logger = new RecordingLogger();
    return { backend, metrics, clock, logger, refresh: new RefreshPoolCapacity(backend, TEST_SETTINGS, metrics, clock, logger) };
  };

  it('reports the pool behind the default base path under its mount-point name, once per interval', async () => {
    const { backend, metrics, clock, refresh } = setup();
    expect(await refresh.execute(true, MINUTE)).toBe('read');
    expect(metrics.pools.get('storage-pool')).toEqual({ totalBytes: 10 * 1024 ** 4, freeBytes: 10 * 1024 ** 4 });
    const commands = backend.commands;
    clock.advance(MINUTE - 1);
    expect(await refresh.execute(true, MINUTE)).toBe('not-due');
    expect(backend.commands).toBe(commands);
    backend.setPoolSize(4 * 1024 ** 4);
    clock.advance(1);
    expect(await refresh.execute(true, MINUTE)).toBe('read');
    expect(metrics.pools.get('storage-pool')?.totalBytes).toBe(4 * 1024 ** 4);
  });

  it('sends nothing while disconnected and keeps the last values when a read fails', async () => {
    const { backend, metrics, clock, logger, refresh } = setup();
    expect(await refresh.execute(false, MINUTE)).toBe('not-due');
    expect(backend.commands).toBe(0);
    expect(metrics.pools.size).toBe(0);
    await refresh.execute(true, MINUTE);
    backend.setReachable(false);
    clock.advance(MINUTE);
    expect(await refresh.execute(true, MINUTE)).toBe('failed');
    expect(metrics.pools.get('storage-pool')?.totalBytes).toBe(10 * 1024 ** 4);
    expect(logger.lines.some((l) => l.level === 'debug' && /pool capacity/.test(l.message))).toBe(true);
    clock.advance(MINUTE - 1);
    expect(await refresh.execute(true, MINUTE)).toBe('not-due');
  });
});
