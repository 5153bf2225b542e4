import type { Semaphore } from 'async-mutex';
import { AbortedByCallerError } from '../../domain/errors.js';
import type { Clock } from '../../ports/clock.js';

/** Cancellation helpers: every wait in the adapter stops when the caller's signal aborts. */

export function abortedError(signal?: AbortSignal): AbortedByCallerError {
  const reason: unknown = signal?.reason;
  if (reason instanceof AbortedByCallerError) return reason;
  return new AbortedByCallerError('the caller cancelled the RouterOS operation', { cause: reason });
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortedError(signal);
}

/** Settles like `promise`, or rejects with AbortedByCallerError as soon as `signal` aborts. */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortedError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Takes a permit; if the signal aborts first, the permit is released as soon as it is granted. */
export async function acquireAbortable(semaphore: Semaphore, signal?: AbortSignal): Promise<() => void> {
  throwIfAborted(signal);
  const pending = semaphore.acquire();
  try {
    const [, release] = await raceAbort(pending, signal);
    return release;
  } catch (error) {
    void pending.then(([, release]) => release());
    throw error;
  }
}

export async function sleepAbortable(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal);
    throw error;
  }
}
