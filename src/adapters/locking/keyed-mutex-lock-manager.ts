import { Mutex } from 'async-mutex';
import type { MutexInterface } from 'async-mutex';
import { inject, injectable } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import { AbortedByCallerError, VolumeBusyError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import type { LockManager, LockOptions } from '../../ports/lock-manager.js';

export interface LockSettings {
  /** Default wait budget for a volume lock, in milliseconds. */
  readonly waitMs: number;
}
export const LockSettings = Symbol.for('rds-csi.LockSettings') as ServiceIdentifier<LockSettings>;

interface Entry {
  readonly mutex: Mutex;
  /** Holders plus waiters; the entry is dropped when it reaches zero. */
  refs: number;
}

/**
 * One async-mutex per volume, created on first use and dropped as soon as nobody holds or waits for
 * it, so the table stays as small as the number of volumes in flight.
 */
@injectable()
export class KeyedMutexLockManager implements LockManager {
  private readonly entries = new Map<string, Entry>();

  constructor(@inject(LockSettings) private readonly settings: LockSettings) {}

  async withVolumeLock<T>(volumeId: VolumeId, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    const entry = this.enter(volumeId);
    let release: MutexInterface.Releaser | undefined;
    try {
      release = await this.acquire(entry.mutex, volumeId, options.waitMs ?? this.settings.waitMs, options.signal);
      return await work();
    } finally {
      release?.();
      this.leave(volumeId, entry);
    }
  }

  activeEntries(): number {
    return this.entries.size;
  }

  private enter(volumeId: string): Entry {
    let entry = this.entries.get(volumeId);
    if (!entry) {
      entry = { mutex: new Mutex(), refs: 0 };
      this.entries.set(volumeId, entry);
    }
    entry.refs += 1;
    return entry;
  }

  private leave(volumeId: string, entry: Entry): void {
    entry.refs -= 1;
    if (entry.refs === 0 && this.entries.get(volumeId) === entry) this.entries.delete(volumeId);
  }

  private acquire(
    mutex: Mutex,
    volumeId: VolumeId,
    waitMs: number,
    signal: AbortSignal | undefined,
  ): Promise<MutexInterface.Releaser> {
    if (signal?.aborted) return Promise.reject(aborted(volumeId));
    if (!mutex.isLocked()) return mutex.acquire();
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error);
      };
      const timer = setTimeout(() => finish(new VolumeBusyError(volumeId, waitMs)), waitMs);
      const onAbort = () => finish(aborted(volumeId));
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void mutex.acquire().then((release) => {
        // A waiter that gave up still gets the lock eventually; hand it straight back.
        if (settled) return release();
        settled = true;
        cleanup();
        resolve(release);
      });
    });
  }
}

function aborted(volumeId: VolumeId): AbortedByCallerError {
  return new AbortedByCallerError(`gave up waiting for the lock of volume ${volumeId}: the call was cancelled`);
}
