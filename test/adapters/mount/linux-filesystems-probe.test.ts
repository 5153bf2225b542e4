import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxFilesystems } from '../../../src/adapters/mount/linux-filesystems.js';
import { DEFAULT_FILESYSTEM_SETTINGS } from '../../../src/adapters/mount/mount-settings.js';
import { ManualClock } from '../../../src/adapters/time/manual-clock.js';
import { AbortedByCallerError, DeviceNotReadyError, HostPreconditionError } from '../../../src/domain/errors.js';
import { ScriptedCommandRunner } from '../../fakes/scripted-command-runner.js';
import { LoopLab } from '../../support/loop-lab.js';
import { RecordingLogger } from '../../support/recording-logger.js';

/**
 * blkid's answers are scripted here (the reformat-after-reconnect incident: blkid exited 1 while the
 * device was not readable yet, was read as "no file system", and mkfs destroyed the volume). The
 * device itself is a real loop device, because a "nothing found" answer is confirmed on the device.
 */
const INTERVAL = DEFAULT_FILESYSTEM_SETTINGS.probeIntervalMs;

let lab: LoopLab;
let device: string;
beforeAll(async () => {
  lab = await LoopLab.create('probe');
  device = (await lab.device('blank.img', 16 * 1024 * 1024)).device;
});
afterAll(async () => {
  await lab?.cleanup();
});

function setup() {
  const runner = new ScriptedCommandRunner();
  const clock = new ManualClock();
  const logger = new RecordingLogger();
  const fs = new LinuxFilesystems(runner, clock, logger, DEFAULT_FILESYSTEM_SETTINGS);
  return { runner, clock, logger, fs };
}

/** Settles `work` while advancing the manual clock by one probe interval whenever it waits. */
async function drive<T>(work: Promise<T>, clock: ManualClock): Promise<T> {
  let settled = false;
  const watched = work.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  for (let i = 0; i < 100 && !settled; i += 1) {
    await new Promise((r) => setImmediate(r));
    clock.advance(INTERVAL);
  }
  return watched;
}

describe('LinuxFilesystems.probe with an unreliable blkid', () => {
  it('retries every blkid failure 5 times, 2 s apart, then reports not ready and never formats', async () => {
    const { runner, clock, fs } = setup();
    runner.on(['blkid'], { exitCode: 1, stderr: '' });
    runner.on(['mkfs.ext4'], { exitCode: 0 });
    const start = clock.now();
    await expect(drive(fs.format(device, 'ext4'), clock)).rejects.toBeInstanceOf(DeviceNotReadyError);
    expect(runner.callsTo('blkid')).toHaveLength(5);
    expect(clock.now() - start).toBeGreaterThanOrEqual(4 * INTERVAL);
    expect(runner.callsTo('mkfs.ext4')).toHaveLength(0);
  });

  it('treats blkid timeouts, I/O errors and ambivalent answers alike: retried, never "blank"', async () => {
    const { runner, clock, fs } = setup();
    runner
      .once(['blkid'], { timeout: true })
      .once(['blkid'], { exitCode: 4, stderr: 'error: /dev/x: Input/output error' })
      .once(['blkid'], { exitCode: 8 })
      .once(['blkid'], { exitCode: 1 })
      .once(['blkid'], { exitCode: 1 });
    await expect(drive(fs.probe(device), clock)).rejects.toThrow(/could not be probed after 5 attempts/);
  });

  it('uses the answer once blkid recovers: an existing file system is found and not formatted', async () => {
    const { runner, clock, fs } = setup();
    runner
      .once(['blkid'], { exitCode: 1 })
      .once(['blkid'], { exitCode: 1 })
      .on(['blkid'], { exitCode: 0, stdout: 'DEVNAME=/dev/loop0\nTYPE=ext4\nUSAGE=filesystem\n' });
    await expect(drive(fs.format(device, 'ext4'), clock)).rejects.toBeInstanceOf(HostPreconditionError);
    expect(runner.calls.map((c) => c.argv[0])).toEqual(['blkid', 'blkid', 'blkid']);
  });

  it('formats only after blkid explicitly says "nothing found" (exit 2) on a readable device', async () => {
    const { runner, clock, fs } = setup();
    runner.once(['blkid'], { exitCode: 1 }).on(['blkid'], { exitCode: 2 }).on(['mkfs.ext4'], { exitCode: 0 });
    await drive(fs.format(device, 'ext4'), clock);
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['blkid', '-p', '-o', 'export', device],
      ['blkid', '-p', '-o', 'export', device],
      ['mkfs.ext4', '-F', '-q', '-E', 'nodiscard', device],
    ]);
  });

  it('stops waiting between attempts when the caller aborts', async () => {
    const { runner, fs } = setup();
    runner.on(['blkid'], { exitCode: 1 });
    const controller = new AbortController();
    const probing = fs.probe(device, controller.signal);
    await new Promise((r) => setImmediate(r));
    controller.abort();
    await expect(probing).rejects.toBeInstanceOf(AbortedByCallerError);
    expect(runner.callsTo('blkid')).toHaveLength(1);
  });

  it('gives every blkid call a time limit', async () => {
    const { runner, fs } = setup();
    runner.on(['blkid'], { exitCode: 0, stdout: 'TYPE=xfs\n' });
    await fs.probe(device);
    expect(runner.calls[0]!.options.timeoutMs).toBe(DEFAULT_FILESYSTEM_SETTINGS.probeTimeoutMs);
  });
});
