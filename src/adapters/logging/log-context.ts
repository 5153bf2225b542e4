import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogFields } from '../../ports/logger.js';

const storage = new AsyncLocalStorage<LogFields>();

/**
 * Runs `work` with `fields` (the request ID of a CSI call) added to every line any Logger writes while
 * it runs, including lines from promises and timers it starts. Nested calls add to the outer fields.
 */
export function runWithLogContext<T>(fields: LogFields, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/** The fields of the innermost runWithLogContext around the caller; empty outside any. */
export function currentLogContext(): LogFields {
  return storage.getStore() ?? {};
}
