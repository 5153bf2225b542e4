import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBoundedFile } from '../../../src/adapters/mount/bounded-file-read.js';
import { parseMountinfo } from '../../../src/adapters/mount/mountinfo-parser.js';
import { HostCommandTimeoutError, HostPreconditionError } from '../../../src/domain/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rds-csi-mountinfo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A mount storm: 100,000 bind entries of one device, as the Go driver's incident produced. */
function stormTable(lines: number): string {
  const out: string[] = ['22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw'];
  for (let i = 0; i < lines - 1; i += 1) {
    out.push(`${100 + i} 22 0:5 / /var/lib/kubelet/pods/p${i}/volumeDevices/kubernetes.io~csi/pvc-${i} rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=8123456k,mode=755`);
  }
  return `${out.join('\n')}\n`;
}

describe('readBoundedFile + parseMountinfo', () => {
  it('reads and parses a 100,000-line mount table within a generous bound', async () => {
    const path = join(dir, 'storm');
    await writeFile(path, stormTable(100_000));
    const entries = parseMountinfo(await readBoundedFile(path, { timeoutMs: 20_000, maxBytes: 64 * 1024 * 1024 }));
    expect(entries).toHaveLength(100_000);
    expect(entries.filter((e) => e.source === 'udev')).toHaveLength(99_999);
  }, 30_000);

  it('refuses a table larger than the byte bound instead of reading it all', async () => {
    const path = join(dir, 'big');
    await writeFile(path, stormTable(10_000));
    await expect(readBoundedFile(path, { timeoutMs: 20_000, maxBytes: 100_000 })).rejects.toBeInstanceOf(HostPreconditionError);
  });

  it('gives up on a read that does not finish in time', async () => {
    // A FIFO with no writer blocks open(2) forever: the stand-in for a stalled /proc read.
    const fifo = join(dir, 'stalled');
    execFileSync('mkfifo', [fifo]);
    await expect(readBoundedFile(fifo, { timeoutMs: 200, maxBytes: 1024 })).rejects.toBeInstanceOf(HostCommandTimeoutError);
    // Unblock the pending open so the worker thread is released.
    await writeFile(fifo, '');
  });

  it('reads the real /proc/self/mountinfo', async () => {
    const text = await readBoundedFile('/proc/self/mountinfo', { timeoutMs: 10_000, maxBytes: 64 * 1024 * 1024 });
    expect(parseMountinfo(text).length).toBeGreaterThan(0);
  });
});
