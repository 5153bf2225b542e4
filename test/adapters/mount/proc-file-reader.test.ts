import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMountinfo } from '../../../src/adapters/mount/mountinfo-parser.js';
import { ProcFileReader } from '../../../src/adapters/mount/proc-file-reader.js';
import { HostCommandTimeoutError, HostPreconditionError } from '../../../src/domain/errors.js';

/** Real files, a real FIFO and a real tmpfs mount: the reader's one promise is the kernel's behaviour. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rds-csi-proc-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const BOUNDS = { timeoutMs: 10_000, maxBytes: 64 * 1024 * 1024 };

/** How many descriptors this process has open on `path`. */
async function descriptorsOn(path: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    try {
      if ((await readlink(`/proc/self/fd/${fd}`)) === path) count += 1;
    } catch {
      // closed meanwhile
    }
  }
  return count;
}

describe('ProcFileReader', () => {
  it('sees a mount made and removed between two reads of /proc/self/mountinfo through one descriptor', async () => {
    const reader = new ProcFileReader('/proc/self/mountinfo', BOUNDS);
    const target = join(dir, 'tmpfs-target');
    await mkdir(target);
    // Each read is the whole table (the root mount first), not what was added since the last one.
    const mounted = async () => {
      const table = parseMountinfo(await reader.read());
      expect(table.some((e) => e.mountPoint === '/')).toBe(true);
      return table.some((e) => e.mountPoint === target);
    };
    expect(await mounted()).toBe(false);
    execFileSync('mount', ['-t', 'tmpfs', 'proc-reader-test', target]);
    try {
      expect(await mounted()).toBe(true);
    } finally {
      execFileSync('umount', [target]);
    }
    expect(await mounted()).toBe(false);
    expect(await descriptorsOn(`/proc/${process.pid}/mountinfo`)).toBe(1);
  });

  it('reads a file rewritten in place anew each time, keeping one descriptor', async () => {
    const path = join(dir, 'in-place');
    await writeFile(path, 'first\n');
    const reader = new ProcFileReader(path, BOUNDS);
    expect(await reader.read()).toBe('first\n');
    await writeFile(path, 'second, longer\n');
    expect(await reader.read()).toBe('second, longer\n');
    await writeFile(path, '');
    expect(await reader.read()).toBe('');
    expect(await descriptorsOn(path)).toBe(1);
  });

  it('reads a file larger than its first buffer whole', async () => {
    const path = join(dir, 'large');
    const text = 'x'.repeat(1_000_000) + '\n';
    await writeFile(path, text);
    expect(await new ProcFileReader(path, BOUNDS).read()).toBe(text);
  });

  it('refuses a file beyond the byte bound, naming it, and reads again once it is small', async () => {
    const path = join(dir, 'bounded');
    await writeFile(path, 'y'.repeat(5000));
    const reader = new ProcFileReader(path, { ...BOUNDS, maxBytes: 4096 });
    const error = await reader.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostPreconditionError);
    expect((error as Error).message).toContain(`${path} is larger than 4096 bytes`);
    await writeFile(path, 'small\n');
    expect(await reader.read()).toBe('small\n');
    expect(await descriptorsOn(path)).toBe(1);
  });

  it('gives every one of concurrent reads the whole file', async () => {
    const path = join(dir, 'concurrent');
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n');
    await writeFile(path, text);
    const reader = new ProcFileReader(path, BOUNDS);
    const results = await Promise.all(Array.from({ length: 8 }, () => reader.read()));
    expect(results.every((r) => r === text)).toBe(true);
  });

  it('fails on a missing file and opens it once it exists', async () => {
    const path = join(dir, 'appears-later');
    const reader = new ProcFileReader(path, BOUNDS);
    await expect(reader.read()).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFile(path, 'here\n');
    expect(await reader.read()).toBe('here\n');
  });

  it('gives up on a stalled read in time, and the next read does not wait behind it', async () => {
    // A FIFO without a writer blocks open(2): the stand-in for a /proc read stalled by a mount storm.
    const fifo = join(dir, 'stalled');
    execFileSync('mkfifo', [fifo]);
    const reader = new ProcFileReader(fifo, { ...BOUNDS, timeoutMs: 200 });
    const first = reader.read();
    const second = reader.read();
    await expect(first).rejects.toBeInstanceOf(HostCommandTimeoutError);
    await expect(second).rejects.toThrow(`reading ${fifo}`);
    // A writer releases both pending opens; the retired descriptors are closed once they return.
    await writeFile(fifo, '');
    await expect.poll(() => descriptorsOn(fifo), { timeout: 5000 }).toBe(0);
  });

  it('times a read from the call, so reads queued behind a stalled one end with it, not one limit later each', async () => {
    const fifo = join(dir, 'queued');
    execFileSync('mkfifo', [fifo]);
    const reader = new ProcFileReader(fifo, { ...BOUNDS, timeoutMs: 500 });
    const ended = await Promise.all(
      [reader.read(), reader.read(), reader.read()].map((p) =>
        p.then(
          () => Number.NaN,
          (error: unknown) => (error instanceof HostCommandTimeoutError ? Date.now() : Number.NaN),
        ),
      ),
    );
    expect(ended.every((at) => !Number.isNaN(at))).toBe(true);
    // Timed from when each was dequeued, they would end about 500 ms apart.
    expect(Math.max(...ended) - Math.min(...ended)).toBeLessThan(250);
    await writeFile(fifo, '');
  });
});
