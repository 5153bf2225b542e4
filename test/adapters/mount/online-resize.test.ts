import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxFilesystems } from '../../../src/adapters/mount/linux-filesystems.js';
import { LinuxMounts } from '../../../src/adapters/mount/linux-mounts.js';
import { DEFAULT_FILESYSTEM_SETTINGS, DEFAULT_MOUNT_SETTINGS } from '../../../src/adapters/mount/mount-settings.js';
import { SpawnCommandRunner } from '../../../src/adapters/process/spawn-command-runner.js';
import { SystemClock } from '../../../src/adapters/time/system-clock.js';
import type { FsType } from '../../../src/ports/filesystems.js';
import { LoopLab } from '../../support/loop-lab.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const exec = promisify(execFile);
const MiB = 1024 * 1024;
const runner = new SpawnCommandRunner({ maxOutputBytes: MiB });
const fs = new LinuxFilesystems(runner, new SystemClock(), new RecordingLogger(), DEFAULT_FILESYSTEM_SETTINGS);
const mounts = new LinuxMounts(runner, new RecordingLogger(), DEFAULT_MOUNT_SETTINGS);

let lab: LoopLab;
beforeAll(async () => {
  lab = await LoopLab.create('resize');
});
afterAll(async () => {
  await lab?.cleanup();
});

/** ext4 online resize (EXT4_IOC_RESIZE_FS) needs CAP_SYS_RESOURCE; xfs growfs needs CAP_SYS_ADMIN only. */
async function hasCapSysResource(): Promise<boolean> {
  const status = await readFile('/proc/self/status', 'utf8');
  const eff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0';
  return (BigInt(`0x${eff}`) & (1n << 24n)) !== 0n;
}

/** A mounted volume whose device has just grown from 320 to 640 MiB. */
async function grownVolume(fsType: FsType) {
  const { file, device } = await lab.device(`${fsType}.img`, 320 * MiB);
  await fs.format(device, fsType);
  const staging = await lab.directory(`stage-${fsType}`);
  await mounts.mount(device, staging, fsType, []);
  const before = await mounts.usage(staging);
  await lab.grow(file, 640 * MiB);
  await exec('losetup', ['-c', device]);
  expect(await fs.blockDeviceSize(device)).toBe(640 * MiB);
  return { device, staging, before };
}

describe('online growth of a mounted volume', () => {
  it('xfs: grows the file system to the new device size; statfs shows it; a second resize is harmless', async () => {
    const { device, staging, before } = await grownVolume('xfs');
    await fs.resize(device, staging, 'xfs');
    const after = await mounts.usage(staging);
    expect(after.totalBytes).toBeGreaterThan(before.totalBytes + 280 * MiB);
    expect(after.totalBytes).toBeLessThanOrEqual(640 * MiB);
    await fs.resize(device, staging, 'xfs');
  });

  it('ext4: grows online with CAP_SYS_RESOURCE, or surfaces resize2fs own refusal without it', async () => {
    const { device, staging, before } = await grownVolume('ext4');
    if (await hasCapSysResource()) {
      await fs.resize(device, staging, 'ext4');
      const after = await mounts.usage(staging);
      expect(after.totalBytes).toBeGreaterThan(before.totalBytes + 280 * MiB);
      expect(after.totalBytes).toBeLessThanOrEqual(640 * MiB);
      await fs.resize(device, staging, 'ext4');
    } else {
      // Unprivileged containers (like some CI sandboxes) lack the capability; the node plugin must have it.
      await expect(fs.resize(device, staging, 'ext4')).rejects.toThrow(/resize2fs failed with exit code 1: .*Permission denied/);
      expect((await mounts.usage(staging)).totalBytes).toBe(before.totalBytes);
    }
  });
});
