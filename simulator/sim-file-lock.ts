import { open, readFile, rename, stat, unlink } from 'node:fs/promises';

/**
 * Cross-process exclusive lock: `<path>` created with O_EXCL holding the owner's pid.
 * A lock whose pid is no longer alive is stale: it is renamed away (so only one waiter wins) and
 * removed. A lock file still empty after 5 s (owner died between create and write) is stale too.
 */
export class FileLock {
  constructor(
    private readonly path: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async acquire(): Promise<() => Promise<void>> {
    const deadline = Date.now() + this.timeoutMs;
    let delay = 1;
    for (;;) {
      try {
        const handle = await open(this.path, 'wx');
        try {
          await handle.writeFile(String(process.pid));
        } finally {
          await handle.close();
        }
        return () => unlink(this.path).catch(() => undefined);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (await this.removeIfStale()) continue;
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${this.path}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 20);
    }
  }

  private async removeIfStale(): Promise<boolean> {
    try {
      const [content, info] = await Promise.all([readFile(this.path, 'utf8'), stat(this.path)]);
      const pid = Number.parseInt(content, 10);
      const stale = Number.isInteger(pid) && pid > 0 ? !isAlive(pid) : Date.now() - info.mtimeMs > 5_000;
      if (!stale) return false;
      const aside = `${this.path}.stale.${process.pid}.${Date.now()}`;
      await rename(this.path, aside);
      await unlink(aside);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT';
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
