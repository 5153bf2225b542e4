import { describe, expect, it } from 'vitest';
import { KeyedMutexLockManager } from '../../../src/adapters/locking/keyed-mutex-lock-manager.js';
import { AbortedByCallerError, VolumeBusyError } from '../../../src/domain/errors.js';
import { vol } from '../../support/mothers.js';

const manager = (waitMs = 5_000) => new KeyedMutexLockManager({ waitMs });

/** A promise plus the function that settles it: lets a test hold a lock as long as it likes. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('KeyedMutexLockManager', () => {
  it('runs work under the lock, passes its result through and frees the entry', async () => {
    const locks = manager();
    await expect(locks.withVolumeLock(vol('v1'), async () => 42)).resolves.toBe(42);
    expect(locks.activeEntries()).toBe(0);
  });

  it('releases after the work throws, passing the error through', async () => {
    const locks = manager();
    await expect(locks.withVolumeLock(vol('v1'), async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(locks.withVolumeLock(vol('v1'), async () => 'again')).resolves.toBe('again');
    expect(locks.activeEntries()).toBe(0);
  });

  it('never makes different volumes wait on each other', async () => {
    const locks = manager(50);
    const held = gate();
    const first = locks.withVolumeLock(vol('v1'), () => held.promise);
    await expect(locks.withVolumeLock(vol('v2'), async () => 'free')).resolves.toBe('free');
    expect(locks.activeEntries()).toBe(1);
    held.open();
    await first;
  });

  it('serialises N concurrent lockers of one volume', async () => {
    const locks = manager();
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        locks.withVolumeLock(vol('v1'), async () => {
          inside += 1;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setImmediate(r));
          order.push(i);
          inside -= 1;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(locks.activeEntries()).toBe(0);
  });

  it('gives up after the wait budget with VolumeBusyError and stays usable', async () => {
    const locks = manager(30);
    const held = gate();
    const first = locks.withVolumeLock(vol('v1'), () => held.promise);
    const waiter = locks.withVolumeLock(vol('v1'), async () => 'never');
    await expect(waiter).rejects.toBeInstanceOf(VolumeBusyError);
    await expect(waiter).rejects.toThrow(/volume v1 is busy/);
    held.open();
    await first;
    expect(locks.activeEntries()).toBe(0);
    await expect(locks.withVolumeLock(vol('v1'), async () => 'next')).resolves.toBe('next');
  });

  it('stops waiting when the caller aborts, without running the work', async () => {
    const locks = manager();
    const held = gate();
    const first = locks.withVolumeLock(vol('v1'), () => held.promise);
    const controller = new AbortController();
    let ran = false;
    const waiter = locks.withVolumeLock(vol('v1'), async () => void (ran = true), { signal: controller.signal });
    controller.abort();
    await expect(waiter).rejects.toBeInstanceOf(AbortedByCallerError);
    held.open();
    await first;
    expect(ran).toBe(false);
    await expect(locks.withVolumeLock(vol('v1'), async () => 1, { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedByCallerError,
    );
  });

  it('has no entry for a volume nobody locked, and keeps none after many volumes', async () => {
    const locks = manager();
    expect(locks.activeEntries()).toBe(0);
    await Promise.all(Array.from({ length: 10_000 }, (_, i) => locks.withVolumeLock(vol(`v-${i}`), async () => i)));
    expect(locks.activeEntries()).toBe(0);
  });
});
