import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxFilesystems } from '../../../src/adapters/mount/linux-filesystems.js';
import { DEFAULT_FILESYSTEM_SETTINGS } from '../../../src/adapters/mount/mount-settings.js';
import { SpawnCommandRunner } from '../../../src/adapters/process/spawn-command-runner.js';
import { SystemClock } from '../../../src/adapters/time/system-clock.js';
import { DeviceNotReadyError, HostCommandError, HostPreconditionError, InvalidArgumentError } from '../../../src/domain/errors.js';
import { LoopLab } from '../../support/loop-lab.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const exec = promisify(execFile);
const MiB = 1024 * 1024;

const logger = new RecordingLogger();
const fs = new LinuxFilesystems(new SpawnCommandRunner({ maxOutputBytes: 1024 * 1024 }), new SystemClock(), logger, {
  ...DEFAULT_FILESYSTEM_SETTINGS,
  probeAttempts: 3,
  probeIntervalMs: 20,
});

let lab: LoopLab;
beforeAll(async () => {
  lab = await LoopLab.create('fs');
});
afterAll(async () => {
  await lab?.cleanup();
});

async function uuidOf(device: string): Promise<string> {
  return (await exec('blkid', ['-p', '-o', 'value', '-s', 'UUID', device])).stdout.trim();
}

describe('LinuxFilesystems on real loop devices', () => {
  it('sees a new sparse device as blank, formats ext4, then reports ext4', async () => {
    const { device } = await lab.device('ext4.img', 64 * MiB);
    expect(await fs.probe(device)).toEqual({ kind: 'blank' });
    await fs.format(device, 'ext4');
    expect(await fs.probe(device)).toEqual({ kind: 'filesystem', fsType: 'ext4' });
  });

  it('formats xfs (300 MiB, above its minimum) and reports xfs', async () => {
    const { device } = await lab.device('xfs.img', 300 * MiB);
    await fs.format(device, 'xfs');
    expect(await fs.probe(device)).toEqual({ kind: 'filesystem', fsType: 'xfs' });
  });

  it('never formats over an existing file system, whatever type is asked for', async () => {
    const { device } = await lab.device('keep.img', 300 * MiB);
    await fs.format(device, 'ext4');
    const before = await uuidOf(device);
    await expect(fs.format(device, 'ext4')).rejects.toBeInstanceOf(HostPreconditionError);
    await expect(fs.format(device, 'xfs')).rejects.toThrow(/already holds a ext4 file system/);
    expect(await uuidOf(device)).toBe(before);
  });

  it('never formats a device node that is not attached (blkid exits 2 there too), and says it is not ready', async () => {
    // A loop minor that nothing attached: blkid reports "nothing found" (exit 2) on it.
    const node = `/dev/rds-csi-test-unattached-${process.pid}`;
    await exec('mknod', [node, 'b', '7', '247']);
    try {
      await expect(fs.probe(node)).rejects.toBeInstanceOf(DeviceNotReadyError);
      await expect(fs.format(node, 'ext4')).rejects.toBeInstanceOf(DeviceNotReadyError);
    } finally {
      await exec('rm', ['-f', node]);
    }
    expect(logger.at('warn').some((l) => l.message === 'device probe inconclusive' && l.fields.device === node)).toBe(true);
  });

  it('passes a clean ext4 check, and preens an unclean one instead of blocking it', async () => {
    const { device } = await lab.device('check.img', 64 * MiB);
    await fs.format(device, 'ext4');
    expect((await fs.check(device, 'ext4')).outcome).toBe('clean');
    await exec('debugfs', ['-w', '-R', 'ssv state 0', device]); // "not cleanly unmounted"
    const preened = await fs.check(device, 'ext4');
    expect(['clean', 'repaired']).toContain(preened.outcome);
  });

  it('fails the check when e2fsck cannot repair without a human', async () => {
    const { device } = await lab.device('broken.img', 64 * MiB);
    await fs.format(device, 'ext4');
    await exec('debugfs', ['-w', '-R', 'clri <2>', device]);
    await exec('debugfs', ['-w', '-R', 'ssv state 0', device]);
    const failure = fs.check(device, 'ext4');
    await expect(failure).rejects.toBeInstanceOf(HostCommandError);
    await expect(failure).rejects.toThrow(/exit code 4.*manual file system check/);
  });

  it('skips the offline check for xfs: mounting replays its log', async () => {
    const { device } = await lab.device('xfscheck.img', 300 * MiB);
    await fs.format(device, 'xfs');
    expect((await fs.check(device, 'xfs')).outcome).toBe('skipped');
  });

  it('reports the block device size', async () => {
    const { device } = await lab.device('size.img', 96 * MiB);
    expect(await fs.blockDeviceSize(device)).toBe(96 * MiB);
  });

  it('validates devices and types before running anything', async () => {
    await expect(fs.probe('/etc/passwd')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(fs.format('/dev/loop0', 'btrfs' as 'ext4')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(fs.resize('/dev/loop0', 'relative', 'ext4')).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
