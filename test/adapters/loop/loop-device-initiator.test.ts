import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoopDeviceInitiator } from '../../../src/adapters/loop/loop-device-initiator.js';
import { SpawnCommandRunner } from '../../../src/adapters/process/spawn-command-runner.js';
import { SimRouterOs } from '../../../simulator/sim-router-os.js';
import { BackendUnavailableError, InvalidArgumentError } from '../../../src/domain/errors.js';
import { parseNqn } from '../../../src/domain/nqn.js';
import type { NvmeTarget } from '../../../src/ports/nvme-initiator.js';
import { nvmeInitiatorContract } from '../../contract/nvme-initiator.contract.js';
import { RecordingCommandRunner } from '../../fakes/recording-command-runner.js';
import { LoopLab } from '../../support/loop-lab.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const exec = promisify(execFile);
const MiB = 1024 * 1024;
const PREFIX = 'nqn.2000-02.com.mikrotik:';

/** The simulator's data dir in a LoopLab, so cleanup detaches every loop device backed by it. */
async function simulatorWorld() {
  const lab = await LoopLab.create('loop-initiator');
  const router = await SimRouterOs.open({ dataDir: lab.dir, poolSizeBytes: 64 * 1024 * MiB });
  const runner = new RecordingCommandRunner(new SpawnCommandRunner({ maxOutputBytes: MiB }));
  const initiator = new LoopDeviceInitiator(runner, new RecordingLogger(), {
    dataDir: lab.dir,
    managedNqnPrefix: PREFIX,
    commandTimeoutMs: 30_000,
  });
  const ros = async (command: string) => {
    const result = await router.run(command);
    if (result.exitCode !== 0 || /failure|error/i.test(result.stdout)) throw new Error(`${command}: ${result.stdout}${result.stderr}`);
  };
  const created = new Set<number>();
  const target = async (i: number, exported = true): Promise<NvmeTarget> => {
    if (!created.has(i)) {
      const exportArgs = exported ? ` nvme-tcp-export=yes nvme-tcp-server-port=4420 nvme-tcp-server-nqn=${PREFIX}pvc-${i}` : '';
      await ros(`/disk add type=file file-path=/storage-pool/csi/pvc-${i}.img file-size=64M slot=pvc-${i}${exportArgs}`);
      created.add(i);
    }
    return { address: '127.0.0.1', port: 4420, nqn: parseNqn(`${PREFIX}pvc-${i}`) };
  };
  return { lab, router, runner, initiator, ros, target };
}

const loopAvailable = await LoopLab.available();
if (!loopAvailable) throw new Error('these tests need root and loop devices (losetup -f)');

nvmeInitiatorContract('loop devices over the RDS simulator', async () => {
  const world = await simulatorWorld();
  return {
    initiator: world.initiator,
    prefix: PREFIX,
    target: (i) => world.target(i),
    commandCount: () => world.runner.calls.length,
    cleanup: () => world.lab.cleanup(),
  };
});

describe('LoopDeviceInitiator specifics', () => {
  let world: Awaited<ReturnType<typeof simulatorWorld>>;
  beforeEach(async () => {
    world = await simulatorWorld();
  });
  afterEach(async () => {
    await world?.lab.cleanup();
  });

  it('attaches the exported disk\'s backing file', async () => {
    const { devicePath } = await world.initiator.connect(await world.target(1));
    const { stdout } = await exec('losetup', ['--list', '--noheadings', '--output', 'BACK-FILE', devicePath]);
    expect(stdout.trim()).toMatch(/\/files\/storage-pool\/csi\/pvc-1\.img$/);
  });

  it('makes a grown disk visible with a rescan (losetup -c)', async () => {
    const target = await world.target(1);
    const { devicePath } = await world.initiator.connect(target);
    await world.ros('/disk set [find slot=pvc-1] file-size=128M');
    await world.initiator.rescan(target.nqn);
    expect((await exec('blockdev', ['--getsize64', devicePath])).stdout.trim()).toBe(String(128 * MiB));
  });

  it('cannot connect a disk that is not exported over NVMe/TCP, or on the wrong port', async () => {
    const unexported = await world.target(5, false);
    await expect(world.initiator.connect(unexported)).rejects.toBeInstanceOf(BackendUnavailableError);
    const wrongPort = { ...(await world.target(6)), port: 4421 };
    await expect(world.initiator.connect(wrongPort)).rejects.toThrow(/on port 4421/);
  });

  it('still detaches a device after its disk was removed from the simulator', async () => {
    const target = await world.target(1);
    const { devicePath } = await world.initiator.connect(target);
    await world.ros('/disk remove [find slot=pvc-1]');
    await world.initiator.disconnect(target.nqn);
    const { stdout } = await exec('losetup', ['--list', '--noheadings', '--output', 'NAME']);
    expect(stdout.split('\n').map((l) => l.trim())).not.toContain(devicePath);
  });

  it('cleans up loop devices of removed disks, and never touches devices outside its data dir', async () => {
    const target = await world.target(1);
    const kept = await world.target(2);
    const orphan = await world.initiator.connect(target);
    const healthy = await world.initiator.connect(kept);
    const other = await LoopLab.create('foreign');
    try {
      const { device: foreign } = await other.device('foreign.img', 8 * MiB);
      // A fresh initiator (a restarted node plugin) does not remember what it attached.
      const restarted = new LoopDeviceInitiator(world.runner, new RecordingLogger(), {
        dataDir: world.lab.dir,
        managedNqnPrefix: PREFIX,
        commandTimeoutMs: 30_000,
      });
      await world.ros('/disk remove [find slot=pvc-1]');
      const report = await restarted.cleanupOrphans();
      expect(report.failed).toEqual([]);
      expect(report.disconnected).toHaveLength(1);
      expect(report.disconnected[0]).toContain(orphan.devicePath);
      const { stdout } = await exec('losetup', ['--list', '--noheadings', '--output', 'NAME']);
      const names = stdout.split('\n').map((l) => l.trim());
      expect(names).toEqual(expect.arrayContaining([healthy.devicePath, foreign]));
      expect(names).not.toContain(orphan.devicePath);
    } finally {
      await other.cleanup();
    }
  });

  it('refuses to start without a valid managed NQN prefix', () => {
    for (const prefix of ['', 'nqn.', 'nqn.2000-02.com.mikrotik', 'not-an-nqn:']) {
      expect(
        () => new LoopDeviceInitiator(world.runner, new RecordingLogger(), { dataDir: world.lab.dir, managedNqnPrefix: prefix, commandTimeoutMs: 1000 }),
      ).toThrow(InvalidArgumentError);
    }
  });
});

