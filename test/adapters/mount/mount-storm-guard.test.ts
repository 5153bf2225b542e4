import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxMounts } from '../../../src/adapters/mount/linux-mounts.js';
import { DEFAULT_MOUNT_SETTINGS } from '../../../src/adapters/mount/mount-settings.js';
import { HostPreconditionError } from '../../../src/domain/errors.js';
import { ScriptedCommandRunner } from '../../fakes/scripted-command-runner.js';
import { RecordingLogger } from '../../support/recording-logger.js';

/** Mount tables are generated files here; mount(8) is scripted, so nothing is really mounted. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rds-csi-storm-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ROOT = '22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw';

async function setup(lines: string[]) {
  const path = join(dir, `mountinfo-${lines.length}-${Math.random()}`);
  await writeFile(path, `${[ROOT, ...lines].join('\n')}\n`);
  const runner = new ScriptedCommandRunner().on(['mount'], { exitCode: 0 });
  const mounts = new LinuxMounts(runner, new RecordingLogger(), { ...DEFAULT_MOUNT_SETTINGS, mountinfoPath: path });
  return { runner, mounts };
}

const deviceEntries = (n: number) =>
  Array.from({ length: n }, (_, i) => `${100 + i} 22 259:9 / /var/lib/kubelet/pods/p${i}/mount rw,relatime - ext4 /dev/nvme3n1 rw`);

describe('mount storm guard', () => {
  it('refuses to mount a device that already has 100 mount entries, without running mount', async () => {
    const { runner, mounts } = await setup(deviceEntries(100));
    await expect(mounts.mount('/dev/nvme3n1', '/var/lib/kubelet/plugins/x/globalmount', 'ext4', [])).rejects.toThrow(
      /already has 100 mount entries/,
    );
    expect(runner.calls).toHaveLength(0);
  });

  it('allows the mount at 99 entries', async () => {
    const { runner, mounts } = await setup(deviceEntries(99));
    await mounts.mount('/dev/nvme3n1', '/var/lib/kubelet/plugins/x/globalmount', 'ext4', ['noatime']);
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['mount', '-t', 'ext4', '-o', 'noatime', '--', '/dev/nvme3n1', '/var/lib/kubelet/plugins/x/globalmount'],
    ]);
  });

  it('counts bind mounts of the same file system (by device number) against a bind source', async () => {
    const staging = '100 22 259:9 / /stage rw,relatime - ext4 /dev/nvme3n1 rw';
    const { runner, mounts } = await setup([staging, ...deviceEntries(99).map((l) => l.replace(/^100 /, '999 '))]);
    await expect(mounts.bind('/stage', '/pods/new', false)).rejects.toBeInstanceOf(HostPreconditionError);
    expect(runner.calls).toHaveLength(0);
  });

  it('does not count other devices', async () => {
    const others = deviceEntries(150).map((l) => l.replace('/dev/nvme3n1', '/dev/nvme4n1'));
    const { runner, mounts } = await setup(others);
    await mounts.mount('/dev/nvme3n1', '/stage', 'xfs', []);
    expect(runner.calls).toHaveLength(1);
  });

  it('issues bind then a read-only remount as two argument vectors', async () => {
    const { runner, mounts } = await setup(['100 22 259:9 / /stage rw,relatime - ext4 /dev/nvme3n1 rw']);
    await mounts.bind('/stage', '/pods/a b/mount', true, ['noexec']);
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['mount', '--bind', '--', '/stage', '/pods/a b/mount'],
      ['mount', '-o', 'remount,bind,ro,noexec', '--', '/pods/a b/mount'],
    ]);
  });

  it('undoes the bind when the read-only remount fails', async () => {
    const { runner, mounts } = await setup(['100 22 259:9 / /stage rw,relatime - ext4 /dev/nvme3n1 rw']);
    runner.once(['mount', '-o'], { exitCode: 32, stderr: 'mount: remount failed' }).on(['umount'], { exitCode: 0 });
    await expect(mounts.bind('/stage', '/pods/ro', true)).rejects.toThrow(/remount failed/);
    expect(runner.calls.map((c) => c.argv[0])).toEqual(['mount', 'mount', 'umount']);
    expect(runner.calls[2]!.argv).toEqual(['umount', '--', '/pods/ro']);
  });
});

describe('a mount table the caller already read (snapshot)', () => {
  /** The adapter's own table is a file that does not exist: any read of it fails the call. */
  const withoutTable = () => {
    const runner = new ScriptedCommandRunner().on(['mount'], { exitCode: 0 });
    const mounts = new LinuxMounts(runner, new RecordingLogger(), { ...DEFAULT_MOUNT_SETTINGS, mountinfoPath: join(dir, 'absent-mountinfo') });
    return { runner, mounts };
  };
  const table = async (lines: string[]) => (await setup(lines)).mounts.listMounts();

  it('stands in for reading the table: mount and bind run on it alone', async () => {
    const { runner, mounts } = withoutTable();
    await expect(mounts.mount('/dev/nvme3n1', '/stage', 'ext4', [])).rejects.toThrow(/absent-mountinfo/);
    const snapshot = await table([]);
    await mounts.mount('/dev/nvme3n1', '/stage', 'ext4', [], undefined, snapshot);
    await mounts.bind('/stage', '/pods/a', false, [], undefined, await table(['100 22 259:9 / /stage rw,relatime - ext4 /dev/nvme3n1 rw']));
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['mount', '-t', 'ext4', '--', '/dev/nvme3n1', '/stage'],
      ['mount', '--bind', '--', '/stage', '/pods/a'],
    ]);
  });

  it('keeps idempotence and the storm guard: what the snapshot shows counts', async () => {
    const { runner, mounts } = withoutTable();
    const staged = await table(['100 22 259:9 / /stage rw,relatime - ext4 /dev/nvme3n1 rw']);
    await mounts.mount('/dev/nvme3n1', '/stage', 'ext4', [], undefined, staged);
    await expect(mounts.mount('/dev/nvme4n1', '/stage', 'ext4', [], undefined, staged)).rejects.toThrow(/already mounted from \/dev\/nvme3n1/);
    await expect(mounts.mount('/dev/nvme3n1', '/other', 'ext4', [], undefined, await table(deviceEntries(100)))).rejects.toThrow(/already has 100 mount entries/);
    await expect(mounts.bind('/unstaged', '/pods/b', false, [], undefined, staged)).rejects.toThrow(/not a mount point/);
    expect(runner.calls).toHaveLength(0);
  });
});
