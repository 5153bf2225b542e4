import { read } from 'node:fs';
import { open } from 'node:fs/promises';
import { HostCommandTimeoutError, HostPreconditionError } from '../../domain/errors.js';

export interface ReadBounds {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/** The first buffer of a read; readWhole grows it for a larger file. */
export const READ_BUFFER_BYTES = 256 * 1024;

/**
 * Reads a (proc) file whole, giving up after `timeoutMs` (HostCommandTimeoutError) or beyond
 * `maxBytes` (HostPreconditionError). A mount storm makes /proc/self/mountinfo huge and slow to
 * read; an unbounded read would stall every node operation behind it.
 */
export async function readBoundedFile(path: string, bounds: ReadBounds): Promise<string> {
  const deadline = readDeadline(path, bounds.timeoutMs);
  const work = readUpTo(path, bounds.maxBytes, deadline.expired);
  work.catch(() => undefined); // settled later than the deadline: nobody waits for it any more
  try {
    return await Promise.race([work, deadline.passed]);
  } finally {
    deadline.clear();
  }
}

/** Rejects `passed` with HostCommandTimeoutError once `timeoutMs` are over, unless cleared first. */
export function readDeadline(path: string, timeoutMs: number): { readonly passed: Promise<never>; expired(): boolean; clear(): void } {
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new HostCommandTimeoutError(`reading ${path}`, timeoutMs));
    }, timeoutMs);
  });
  return { passed, expired: () => expired, clear: () => clearTimeout(timer) };
}

async function readUpTo(path: string, maxBytes: number, expired: () => boolean): Promise<string> {
  const handle = await open(path, 'r');
  try {
    return await readWhole(handle.fd, Buffer.allocUnsafe(READ_BUFFER_BYTES), path, maxBytes, expired);
  } finally {
    await handle.close();
  }
}

/**
 * Reads `fd` from offset 0 to its end with pread(2), into `buffer` (grown as needed, up to one byte
 * past `maxBytes`); refuses beyond `maxBytes`. Returns '' once `expired()` says nobody waits any more.
 */
export async function readWhole(fd: number, buffer: Buffer, path: string, maxBytes: number, expired: () => boolean): Promise<string> {
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
      buffer.copy(bigger, 0, 0, total);
      buffer = bigger;
    }
    const bytesRead = await readAt(fd, buffer, total);
    if (expired()) return '';
    if (bytesRead === 0) return buffer.toString('utf8', 0, total);
    total += bytesRead;
    if (total > maxBytes) {
      throw new HostPreconditionError(`${path} is larger than ${maxBytes} bytes (a mount storm?); refusing to read it`);
    }
  }
}

/** pread(2) into `buffer` from `offset` on, at the same offset of the file. */
function readAt(fd: number, buffer: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, offset, buffer.length - offset, offset, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)));
  });
}
