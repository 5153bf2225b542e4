import { open } from 'node:fs/promises';
import { HostCommandTimeoutError, HostPreconditionError } from '../../domain/errors.js';

export interface ReadBounds {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

const CHUNK = 256 * 1024;

/**
 * Reads a (proc) file whole, giving up after `timeoutMs` (HostCommandTimeoutError) or beyond
 * `maxBytes` (HostPreconditionError). A mount storm makes /proc/self/mountinfo huge and slow to
 * read; an unbounded read would stall every node operation behind it.
 */
export async function readBoundedFile(path: string, bounds: ReadBounds): Promise<string> {
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  const work = readUpTo(path, bounds.maxBytes, () => expired);
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new HostCommandTimeoutError(`reading ${path}`, bounds.timeoutMs));
    }, bounds.timeoutMs);
  });
  work.catch(() => undefined); // settled later than the deadline: nobody waits for it any more
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function readUpTo(path: string, maxBytes: number, expired: () => boolean): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    const chunks: Buffer[] = [];
    let total = 0;
    while (!expired()) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total).toString('utf8');
      total += bytesRead;
      if (total > maxBytes) {
        throw new HostPreconditionError(`${path} is larger than ${maxBytes} bytes (a mount storm?); refusing to read it`);
      }
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
    return '';
  } finally {
    await handle.close();
  }
}
