import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NvmeCliInitiator } from '../../../src/adapters/nvme/nvme-cli-initiator.js';
import { DEFAULT_NVME_CLI_SETTINGS } from '../../../src/adapters/nvme/nvme-cli-settings.js';
import { SystemClock } from '../../../src/adapters/time/system-clock.js';
import { DeviceNotReadyError, HostCommandError, InvalidArgumentError } from '../../../src/domain/errors.js';
import { parseNqn } from '../../../src/domain/nqn.js';
import { nvmeInitiatorContract } from '../../contract/nvme-initiator.contract.js';
import { FakeNvmeHost } from '../../fakes/fake-nvme-host.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const PREFIX = 'nqn.2000-02.com.mikrotik:';
const HOST_NQN = 'nqn.2014-08.org.nvmexpress:uuid:4c4c4544-0042-3510-8057-b4c04f4e4b32';

async function world(options: { hostNqn?: boolean } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'rds-csi-nvme-'));
  const host = await new FakeNvmeHost(root).init();
  const hostNqnPath = join(root, 'etc', 'hostnqn');
  if (options.hostNqn !== false) {
    await mkdir(join(root, 'etc'));
    await writeFile(hostNqnPath, `${HOST_NQN}\n`);
  }
  const logger = new RecordingLogger();
  const settings = {
    ...DEFAULT_NVME_CLI_SETTINGS,
    managedNqnPrefix: PREFIX,
    hostNqnPath,
    sysfsRoot: host.sysfsRoot,
    devRoot: host.devRoot,
    deviceWaitMs: 300,
    devicePollMs: 20,
    existingDeviceGraceMs: 100,
  };
  const initiator = new NvmeCliInitiator(host.runner, new SystemClock(), logger, settings);
  const target = (i: number) => ({ ...host.export(`${PREFIX}pvc-${i}`), nqn: parseNqn(`${PREFIX}pvc-${i}`) });
  return { root, host, logger, settings, initiator, target, cleanup: () => rm(root, { recursive: true, force: true }) };
}

nvmeInitiatorContract('nvme-cli with a fake kernel (argv + sysfs)', async () => {
  const w = await world();
  return {
    initiator: w.initiator,
    prefix: PREFIX,
    target: async (i) => w.target(i),
    commandCount: () => w.host.runner.calls.length,
    cleanup: w.cleanup,
  };
});

describe('NvmeCliInitiator specifics', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeEach(async () => {
    w = await world();
  });
  afterEach(async () => {
    await w?.cleanup();
  });

  it('runs nvme connect with the target, the timeouts and the host NQN, each command time-limited', async () => {
    const target = { ...w.target(1), ctrlLossTmo: -1, reconnectDelay: 5, keepAliveTmo: 30 };
    const { devicePath } = await w.initiator.connect(target);
    expect(devicePath).toBe(join(w.host.devRoot, 'nvme0n1'));
    expect(w.host.runner.callsTo('nvme', 'connect').map((c) => c.argv)).toEqual([
      ['nvme', 'connect', '-t', 'tcp', '-a', '10.0.0.5', '-s', '4420', '-n', `${PREFIX}pvc-1`, '-l', '-1', '-c', '5', '-k', '30', '-q', HOST_NQN],
    ]);
    expect(w.host.runner.calls.every((c) => c.options.timeoutMs > 0)).toBe(true);
  });

  it('omits -q and warns once when there is no host NQN file', async () => {
    const bare = await world({ hostNqn: false });
    try {
      await bare.initiator.connect(bare.target(1));
      await bare.initiator.connect(bare.target(2));
      for (const call of bare.host.runner.callsTo('nvme', 'connect')) expect(call.argv).not.toContain('-q');
      expect(bare.logger.at('warn').filter((l) => l.message.includes('host NQN'))).toHaveLength(1);
    } finally {
      await bare.cleanup();
    }
  });

  it('decides "already connected" by exact NQN: pvc-10 being connected does not make pvc-1 connected', async () => {
    w.host.export(`${PREFIX}pvc-10`);
    await w.host.attach(`${PREFIX}pvc-10`, true);
    const { devicePath } = await w.initiator.connect(w.target(1));
    expect(w.host.runner.callsTo('nvme', 'connect')).toHaveLength(1);
    expect(w.host.runner.callsTo('nvme', 'disconnect')).toHaveLength(0);
    expect(devicePath).not.toBe(await w.initiator.resolveDevice(parseNqn(`${PREFIX}pvc-10`)));
  });

  it('reconnects a managed subsystem that is connected without a block device', async () => {
    const target = w.target(1);
    await w.host.attach(target.nqn, false);
    const { devicePath } = await w.initiator.connect(target);
    expect(await w.initiator.resolveDevice(target.nqn)).toBe(devicePath);
    const verbs = w.host.runner.calls.map((c) => c.argv[1]).filter((v) => v !== 'list-subsys');
    expect(verbs).toEqual(['disconnect', 'connect']);
  });

  it('disconnects again and reports not-ready when no device appears after connecting', async () => {
    w.host.namespacesAppear = false;
    const target = w.target(1);
    await expect(w.initiator.connect(target)).rejects.toBeInstanceOf(DeviceNotReadyError);
    expect(w.host.connected()).toEqual([]);
    expect(w.host.runner.callsTo('nvme', 'disconnect').map((c) => c.argv)).toEqual([['nvme', 'disconnect', '-n', target.nqn]]);
  });

  it('cleans up managed orphans only: foreign subsystems (a diskless root) are never disconnected', async () => {
    const foreign = 'nqn.2024-01.org.nixos:node-7-root';
    await w.host.attach(foreign, false);
    await w.host.attach(`${PREFIX}pvc-orphan`, false);
    const healthy = w.target(1);
    await w.initiator.connect(healthy);
    const report = await w.initiator.cleanupOrphans();
    expect(report).toEqual({ disconnected: [`${PREFIX}pvc-orphan`], failed: [] });
    expect(w.host.connected().sort()).toEqual([healthy.nqn, foreign].sort());
    expect(w.host.runner.calls.some((c) => c.argv.includes(foreign))).toBe(false);
  });

  it('lists foreign subsystems too, with or without a device', async () => {
    await w.host.attach('nqn.2024-01.org.nixos:node-7-root', false);
    await w.initiator.connect(w.target(1));
    expect(await w.initiator.list()).toEqual([
      { nqn: 'nqn.2024-01.org.nixos:node-7-root' },
      { nqn: `${PREFIX}pvc-1`, devicePath: join(w.host.devRoot, 'nvme1n1') },
    ]);
  });

  it('reads a failing list-subsys as "nothing connected" only when the kernel has no NVMe class', async () => {
    w.host.runner.once(['nvme', 'list-subsys'], { exitCode: 1, stderr: 'Failed to scan topology: No such file or directory' });
    await expect(w.initiator.list()).rejects.toBeInstanceOf(HostCommandError);
    await rm(join(w.host.sysfsRoot, 'class', 'nvme-subsystem'), { recursive: true });
    w.host.runner.once(['nvme', 'list-subsys'], { exitCode: 1, stderr: 'Failed to scan topology: No such file or directory' });
    expect(await w.initiator.list()).toEqual([]);
  });

  it('rescans every controller of the subsystem', async () => {
    const target = w.target(1);
    await w.initiator.connect(target);
    await w.initiator.rescan(target.nqn);
    expect(w.host.runner.callsTo('nvme', 'ns-rescan').map((c) => c.argv)).toEqual([['nvme', 'ns-rescan', '/dev/nvme0']]);
  });

  it('fails a disconnect that leaves the subsystem connected', async () => {
    const target = w.target(1);
    await w.initiator.connect(target);
    w.host.runner.once(['nvme', 'disconnect'], { exitCode: 1, stderr: 'Failed to disconnect' });
    await expect(w.initiator.disconnect(target.nqn)).rejects.toThrow(`nvme disconnect -n ${target.nqn} failed with exit code 1: Failed to disconnect`);
  });

  it('does not trust a disconnect that exits 0 while the controller of that NQN is still there', async () => {
    const target = w.target(1);
    const other = w.target(2);
    await w.initiator.connect(target);
    await w.initiator.connect(other);
    w.host.runner.once(['nvme', 'disconnect'], { exitCode: 0 });
    const slow = new NvmeCliInitiator(w.host.runner, new SystemClock(), w.logger, { ...w.settings, disconnectWaitMs: 200 });
    await expect(slow.disconnect(target.nqn)).rejects.toThrow(`controller nvme0 of ${target.nqn} is still present after 200 ms`);
    await w.initiator.disconnect(target.nqn);
    expect((await w.initiator.list()).map((s) => s.nqn)).toEqual([other.nqn]);
  });

  it('refuses to start without a managed NQN prefix', () => {
    expect(() => new NvmeCliInitiator(w.host.runner, new SystemClock(), w.logger, { ...w.settings, managedNqnPrefix: '' })).toThrow(
      InvalidArgumentError,
    );
  });
});
