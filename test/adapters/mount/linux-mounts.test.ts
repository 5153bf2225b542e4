import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxMounts } from '../../../src/adapters/mount/linux-mounts.js';
import { DEFAULT_MOUNT_SETTINGS } from '../../../src/adapters/mount/mount-settings.js';
import { SpawnCommandRunner } from '../../../src/adapters/process/spawn-command-runner.js';
import { HostPreconditionError, InvalidArgumentError } from '../../../src/domain/errors.js';
import { LoopLab } from '../../support/loop-lab.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const exec = promisify(execFile);
const MiB = 1024 * 1024;
const mounts = new LinuxMounts(new SpawnCommandRunner({ maxOutputBytes: MiB }), new RecordingLogger(), DEFAULT_MOUNT_SETTINGS);

let lab: LoopLab;
let ext4: string;
let other: string;
beforeAll(async () => {
  lab = await LoopLab.create('mounts');
  ext4 = (await lab.device('a.img', 64 * MiB)).device;
  other = (await lab.device('b.img', 64 * MiB)).device;
  for (const d of [ext4, other]) await exec('mkfs.ext4', ['-q', '-F', d]);
});
afterAll(async () => {
  await lab?.cleanup();
});

const entriesAt = async (path: string) => (await mounts.listMounts()).filter((e) => e.mountPoint === path);

describe('LinuxMounts on real loop devices', () => {
  it('mounts a device, finds it in the mount table, and treats a repeated mount as done', async () => {
    const staging = await lab.directory('stage-1');
    await mounts.mount(ext4, staging, 'ext4', ['noatime']);
    const found = await mounts.findMount(staging);
    expect(found).toMatchObject({ source: ext4, fsType: 'ext4', mountPoint: staging, root: '/' });
    expect(found!.options).toContain('noatime');
    await mounts.mount(ext4, staging, 'ext4', ['noatime']);
    expect(await entriesAt(staging)).toHaveLength(1);
  });

  it('refuses to stack another device, or the other access mode, on a mounted target', async () => {
    const staging = await lab.directory('stage-2');
    await mounts.mount(ext4, staging, 'ext4', []);
    await expect(mounts.mount(other, staging, 'ext4', [])).rejects.toBeInstanceOf(HostPreconditionError);
    await expect(mounts.mount(ext4, staging, 'ext4', ['ro'])).rejects.toThrow(/already mounted read-write/);
    expect(await entriesAt(staging)).toHaveLength(1);
  });

  it('bind-mounts read-write and read-only; writing through the read-only bind fails with EROFS', async () => {
    const staging = await lab.directory('stage-3');
    const rw = await lab.directory('pod-rw');
    const ro = await lab.directory('pod-ro');
    await mounts.mount(ext4, staging, 'ext4', []);
    await mounts.bind(staging, rw, false);
    await mounts.bind(staging, ro, true, ['nosuid', 'nodev']);
    await writeFile(join(rw, 'hello.txt'), 'from the pod');
    expect(await readFile(join(ro, 'hello.txt'), 'utf8')).toBe('from the pod');
    await expect(writeFile(join(ro, 'nope.txt'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    const roEntry = await mounts.findMount(ro);
    expect(roEntry!.options).toEqual(expect.arrayContaining(['ro', 'nosuid', 'nodev']));
    expect(roEntry!.options).not.toContain('noexec');
    await mounts.bind(staging, ro, true, ['nosuid', 'nodev']);
    expect(await entriesAt(ro)).toHaveLength(1);
    await expect(mounts.bind(staging, ro, false)).rejects.toBeInstanceOf(HostPreconditionError);
  });

  it('refuses to bind a directory that is not a mount point (an unstaged volume)', async () => {
    const empty = await lab.directory('never-staged');
    const target = await lab.directory('pod-x');
    await expect(mounts.bind(empty, target, false)).rejects.toThrow(/not a mount point/);
    expect(await mounts.findMount(target)).toBeUndefined();
  });

  it('unmounts idempotently, including missing paths and stacked mounts', async () => {
    const staging = await lab.directory('stage-4');
    await mounts.mount(other, staging, 'ext4', []);
    await exec('mount', ['--bind', staging, staging]); // a stacked mount, as a buggy earlier stage could leave
    expect(await entriesAt(staging)).toHaveLength(2);
    await mounts.unmount(staging);
    expect(await entriesAt(staging)).toHaveLength(0);
    await mounts.unmount(staging);
    await mounts.unmount(join(lab.dir, 'does-not-exist'));
  });

  it('reports capacity and inode usage through statfs', async () => {
    const staging = await lab.directory('stage-5');
    await mounts.mount(ext4, staging, 'ext4', []);
    const before = await mounts.usage(staging);
    expect(before.totalBytes).toBeGreaterThan(40 * MiB);
    expect(before.totalBytes).toBeLessThanOrEqual(64 * MiB);
    expect(before.availableBytes).toBeLessThanOrEqual(before.totalBytes - before.usedBytes);
    expect(before.totalInodes).toBeGreaterThan(1000);
    expect(before.usedInodes).toBe(before.totalInodes - before.freeInodes);
    await writeFile(join(staging, 'blob'), Buffer.alloc(8 * MiB, 1));
    await exec('sync');
    const after = await mounts.usage(staging);
    expect(after.usedBytes - before.usedBytes).toBeGreaterThanOrEqual(8 * MiB);
    expect(after.usedInodes).toBe(before.usedInodes + 1);
  });

  it('validates every argument before running a command', async () => {
    const staging = await lab.directory('stage-6');
    await expect(mounts.mount(ext4, staging, 'ext4', ['suid'])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(mounts.mount('/tmp/not-a-device', staging, 'ext4', [])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(mounts.mount(ext4, 'relative/dir', 'ext4', [])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(mounts.bind(staging, '/a/../b', false)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await mounts.findMount(staging)).toBeUndefined();
  });
});
