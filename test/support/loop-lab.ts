import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * Real loop devices and mounts for node tests, all under one temp dir. `cleanup()` undoes
 * everything even after a failed test: lazily unmounts whatever is mounted under the dir (deepest
 * first), detaches every loop device backed by a file in it, then removes the dir.
 */
export class LoopLab {
  private constructor(readonly dir: string) {}

  static async create(prefix: string): Promise<LoopLab> {
    return new LoopLab(await mkdtemp(join(tmpdir(), `rds-csi-${prefix}-`)));
  }

  /** True when this machine can attach loop devices (root, loop driver present). */
  static async available(): Promise<boolean> {
    return exec('losetup', ['-f']).then(() => process.getuid?.() === 0, () => false);
  }

  async sparseFile(name: string, bytes: number): Promise<string> {
    const path = join(this.dir, name);
    await exec('truncate', ['-s', String(bytes), path]);
    return path;
  }

  async attach(file: string): Promise<string> {
    const { stdout } = await exec('losetup', ['--find', '--show', file]);
    return stdout.trim();
  }

  /** A sparse file of `bytes` attached to a fresh loop device. */
  async device(name: string, bytes: number): Promise<{ file: string; device: string }> {
    const file = await this.sparseFile(name, bytes);
    return { file, device: await this.attach(file) };
  }

  async grow(file: string, bytes: number): Promise<void> {
    await truncate(file, bytes);
  }

  async directory(name: string): Promise<string> {
    const path = join(this.dir, name);
    await mkdir(path, { recursive: true });
    return path;
  }

  async cleanup(): Promise<void> {
    const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
    const points = mountinfo
      .split('\n')
      .map((l) => l.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
      .filter((p): p is string => p !== undefined && (p === this.dir || p.startsWith(`${this.dir}/`)))
      .sort((a, b) => b.length - a.length);
    for (const point of points) await exec('umount', ['-l', point]).catch(() => undefined);
    await LoopLab.detachUnder(this.dir);
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Detaches every loop device backed by a file under `dir` (read-only views of them first). */
  static async detachUnder(dir: string): Promise<void> {
    const { stdout } = await exec('losetup', ['--list', '--json', '--output', 'NAME,BACK-FILE']);
    const devices = (JSON.parse(stdout || '{"loopdevices":[]}') as { loopdevices: { name: string; 'back-file': string | null }[] }).loopdevices;
    const ours = new Set(devices.filter((d) => d['back-file']?.startsWith(`${dir}/`)).map((d) => `/dev/${d.name.replace(/^\/dev\//, '')}`));
    // Read-only views are loop devices backed by our loop devices: detach them first.
    const views = devices.filter((d) => d['back-file'] !== null && ours.has(d['back-file']));
    for (const d of [...views, ...devices.filter((d) => d['back-file']?.startsWith(`${dir}/`))]) {
      await exec('losetup', ['-d', d.name]).catch(() => undefined);
    }
  }
}
