import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { copyFile, mkdir, open, rmdir, stat, truncate, unlink } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CHUNK = 4 * 1024 * 1024;

/**
 * The real files behind the simulated pool: RouterOS name `storage-pool/x/y.img` lives at
 * `<filesRoot>/storage-pool/x/y.img`. Disk files are sparse (ftruncate), copies stay sparse.
 */
export class SimBackingFiles {
  private readonly root: string;

  constructor(filesRoot: string) {
    this.root = resolve(filesRoot);
  }

  /** Local path of a RouterOS file name; refuses anything that would resolve outside the root. */
  localPath(name: string): string {
    const path = resolve(this.root, name);
    if (!path.startsWith(this.root + sep)) throw new Error('path escapes the simulator data dir');
    return path;
  }

  async exists(name: string): Promise<boolean> {
    return stat(this.localPath(name)).then(() => true, () => false);
  }

  async ensureDirectory(name: string): Promise<void> {
    await mkdir(this.localPath(name), { recursive: true });
  }

  /** Creates a new sparse file of exactly `size` bytes; fails if it exists. */
  async createSparse(name: string, size: number): Promise<void> {
    const handle = await open(this.localPath(name), 'wx');
    try {
      await handle.truncate(size);
    } finally {
      await handle.close();
    }
  }

  async grow(name: string, size: number): Promise<void> {
    await truncate(this.localPath(name), size);
  }

  /**
   * Copies `from` to the new file `to`: a reflink where the file system can (btrfs, xfs), else
   * `cp --sparse=always` (skips holes via SEEK_HOLE), else a chunked copy that leaves zero chunks as holes.
   */
  async copy(from: string, to: string): Promise<void> {
    const src = this.localPath(from);
    const dst = this.localPath(to);
    try {
      await copyFile(src, dst, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE_FORCE);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    }
    try {
      await run('cp', ['--sparse=always', '--reflink=auto', '--', src, dst]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await chunkedSparseCopy(src, dst);
    }
  }

  async removeFile(name: string): Promise<void> {
    await unlink(this.localPath(name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async removeDirectory(name: string): Promise<void> {
    await rmdir(this.localPath(name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}

async function chunkedSparseCopy(src: string, dst: string): Promise<void> {
  const input = await open(src, 'r');
  const output = await open(dst, 'wx');
  try {
    const { size } = await input.stat();
    const buffer = Buffer.alloc(CHUNK);
    for (let offset = 0; offset < size; offset += CHUNK) {
      const { bytesRead } = await input.read(buffer, 0, CHUNK, offset);
      const chunk = buffer.subarray(0, bytesRead);
      if (chunk.some((b) => b !== 0)) await output.write(chunk, 0, bytesRead, offset);
    }
    await output.truncate(size);
  } finally {
    await Promise.all([input.close(), output.close()]);
  }
}
