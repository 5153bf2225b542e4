import { close, open } from 'node:fs';
import { READ_BUFFER_BYTES, readDeadline, readWhole } from './bounded-file-read.js';
import type { ReadBounds } from './bounded-file-read.js';

interface Descriptor {
  readonly fd: number;
  /** Only this descriptor's reads write into it, so a read abandoned on its time limit never corrupts a later one. */
  readonly buffer: Buffer;
}

/**
 * Reads a proc file whole, again and again, through one descriptor kept open. A read from offset 0
 * makes the kernel generate a proc file anew (seq_file restarts its iterator there), so each read
 * sees the current table. Opening /proc/self/mountinfo costs more than reading it: under QEMU a
 * fresh open, read and close took about 4 ms, a read on the open descriptor under 1 ms, and the node
 * RPCs read the mount table three or four times a stage-publish cycle. A regular file (a test
 * fixture) reads the same way as long as it is rewritten in place.
 *
 * Reads run one at a time, each bounded like readBoundedFile: its time limit counts from the call,
 * waiting included, and a read that passes it, or fails, retires the descriptor (closed once that
 * read returns), so the next read opens a fresh one instead of queueing behind a stalled one.
 */
export class ProcFileReader {
  private current: Promise<Descriptor> | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly bounds: ReadBounds,
  ) {}

  async read(): Promise<string> {
    const deadline = readDeadline(this.path, this.bounds.timeoutMs);
    let used: Promise<Descriptor> | undefined;
    const previous = this.queue;
    const work = (async () => {
      await previous;
      if (deadline.expired()) return '';
      used = this.current ??= openDescriptor(this.path);
      const { fd, buffer } = await used;
      return readWhole(fd, buffer, this.path, this.bounds.maxBytes, deadline.expired);
    })();
    // Retired before the next read is let through, so it cannot pick up this descriptor.
    const outcome = Promise.race([work, deadline.passed]).catch((error: unknown) => {
      if (used) this.retire(used, work);
      throw error;
    });
    this.queue = outcome.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await outcome;
    } finally {
      deadline.clear();
    }
  }

  private retire(descriptor: Promise<Descriptor>, work: Promise<unknown>): void {
    if (this.current === descriptor) this.current = undefined;
    // Closed only after its read has returned: a number closed under a pending read may be reused
    // by the next open, and the late read would land in another file.
    void work
      .catch(() => undefined)
      .then(() => descriptor)
      .then(
        (d) => close(d.fd, () => undefined),
        () => undefined,
      );
  }
}

function openDescriptor(path: string): Promise<Descriptor> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (error, fd) => (error ? reject(error) : resolve({ fd, buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES) })));
  });
}
