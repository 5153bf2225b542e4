import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxPublishTargets } from '../../../src/adapters/mount/linux-publish-targets.js';
import { SpawnCommandRunner } from '../../../src/adapters/process/spawn-command-runner.js';
import { HostPreconditionError, InvalidArgumentError } from '../../../src/domain/errors.js';

const exec = promisify(execFile);
const targets = new LinuxPublishTargets(new SpawnCommandRunner({ maxOutputBytes: 1024 * 1024 }));
const present = async (path: string) => lstat(path).then(() => true, () => false);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rds-csi-targets-'));
});
afterAll(async () => {
  await exec('umount', [join(dir, 'mounted')]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('LinuxPublishTargets.removeTarget on a real file system', () => {
  it('removes what a publish made: an empty directory, a block node, an empty file; a missing path is done', async () => {
    await mkdir(join(dir, 'empty'));
    await exec('mknod', [join(dir, 'block'), 'b', '7', '200']);
    await writeFile(join(dir, 'file'), '');
    for (const name of ['empty', 'block', 'file', 'missing']) {
      await targets.removeTarget(join(dir, name));
      expect(await present(join(dir, name))).toBe(false);
    }
  });

  it('refuses a directory with something in it and deletes nothing', async () => {
    await mkdir(join(dir, 'full'));
    await writeFile(join(dir, 'full/data'), 'keep');
    await expect(targets.removeTarget(join(dir, 'full'))).rejects.toThrow(new HostPreconditionError(`target ${join(dir, 'full')} is not empty; refusing to delete it (is it still mounted?)`));
    expect(await present(join(dir, 'full/data'))).toBe(true);
  });

  it('refuses a mount point, even an empty one, and leaves it mounted', async () => {
    const path = join(dir, 'mounted');
    await mkdir(path);
    await exec('mount', ['-t', 'tmpfs', 'tmpfs', path]);
    await expect(targets.removeTarget(path)).rejects.toThrow(/is a mount point; refusing to delete it/);
    expect((await exec('findmnt', ['-n', '-o', 'TARGET', path])).stdout.trim()).toBe(path);
  });

  it('refuses a file with content and a symbolic link, and leaves both', async () => {
    await writeFile(join(dir, 'written'), 'data');
    await symlink(join(dir, 'elsewhere'), join(dir, 'link'));
    await expect(targets.removeTarget(join(dir, 'written'))).rejects.toThrow(/is a file with content; refusing to delete it/);
    await expect(targets.removeTarget(join(dir, 'link'))).rejects.toThrow(/is not a directory, block device or regular file \(a symbolic link\?\); refusing/);
    expect(await present(join(dir, 'written'))).toBe(true);
    expect(await present(join(dir, 'link'))).toBe(true);
  });

  it('validates the path before touching anything', async () => {
    await expect(targets.removeTarget(`${dir}/../escape`)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(targets.removeTarget('relative/path')).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
