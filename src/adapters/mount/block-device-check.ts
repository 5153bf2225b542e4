import { open, stat } from 'node:fs/promises';

/**
 * True when `device` is a block device whose first 4 KiB can be read; otherwise why not, in words.
 * Used to confirm blkid's "nothing found", which blkid also reports for devices it could not read.
 */
export async function readableBlockDevice(device: string): Promise<true | string> {
  try {
    if (!(await stat(device)).isBlockDevice()) return `${device} is not a block device`;
    const handle = await open(device, 'r');
    try {
      const { bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
      return bytesRead > 0 ? true : `${device} reads as empty (size 0)`;
    } finally {
      await handle.close();
    }
  } catch (error) {
    return `${device} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}
