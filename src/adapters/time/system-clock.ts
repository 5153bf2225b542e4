import { injectable } from 'inversify';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../ports/clock.js';

@injectable()
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return delay(ms, undefined, signal ? { signal } : undefined);
  }
}
