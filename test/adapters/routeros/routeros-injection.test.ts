import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/domain/errors.js';
import type { VolumeId } from '../../../src/domain/ids.js';
import type { Nqn } from '../../../src/domain/nqn.js';
import { GiB } from '../../../src/domain/size.js';
import type { BasePath } from '../../../src/domain/storage-path.js';
import type { StorageBackend } from '../../../src/ports/storage-backend.js';
import { startHarness, stopHarness } from '../../support/routeros-sim-harness.js';
import type { Harness } from '../../support/routeros-sim-harness.js';

const hostile = [
  'pvc-x; /system reset',
  'pvc-x"; /user add name=evil group=full; "',
  'pvc-[/system reset]',
  'pvc-]',
  'pvc-$[/system reset]',
  'pvc-x\n/system reset',
  'pvc-x\r/system reset',
  'pvc-`reboot`',
  `pvc-${'a'.repeat(196)}`,
  'pvc-ünïcode',
  'pvc-x /system reset',
  '-pvc',
];
const hostileBases = ['/storage-pool/x; /system reset', '/storage-pool/"x"', '/storage-pool/[x]', '/storage-pool/$x', 'storage-pool', '/storage-pool/../etc', '/storage-pool/x\n/system reset'];

const goodId = 'pvc-good' as VolumeId;
const goodBase = '/storage-pool/metal-csi' as BasePath;
const nvme = { port: 4420, nqn: 'nqn.2000-02.com.mikrotik:pvc-good' as Nqn };

function callsWithId(b: StorageBackend, id: VolumeId): (() => Promise<unknown>)[] {
  return [
    () => b.createVolume({ id, sizeBytes: GiB, basePath: goodBase, nvme }),
    () => b.createVolumeFrom({ id, sizeBytes: GiB, basePath: goodBase, nvme }, { kind: 'snapshot', id: goodId }),
    () => b.createVolumeFrom({ id: goodId, sizeBytes: GiB, basePath: goodBase, nvme }, { kind: 'volume', id }),
    () => b.getVolume(id),
    () => b.resizeVolume(id, 2 * GiB),
    () => b.deleteVolume(id, goodBase),
    () => b.createSnapshot({ id, sourceVolumeId: goodId, basePath: goodBase, createdAt: 1 }),
    () => b.createSnapshot({ id: goodId, sourceVolumeId: id, basePath: goodBase, createdAt: 1 }),
    () => b.getSnapshot(id),
    () => b.deleteSnapshot(id, goodBase),
  ];
}

function callsWithBase(b: StorageBackend, base: BasePath): (() => Promise<unknown>)[] {
  return [
    () => b.createVolume({ id: goodId, sizeBytes: GiB, basePath: base, nvme }),
    () => b.createVolumeFrom({ id: goodId, sizeBytes: GiB, basePath: base, nvme }, { kind: 'volume', id: goodId }),
    () => b.listVolumes(base),
    () => b.deleteVolume(goodId, base),
    () => b.createSnapshot({ id: goodId, sourceVolumeId: goodId, basePath: base, createdAt: 1 }),
    () => b.listSnapshots(base),
    () => b.deleteSnapshot(goodId, base),
    () => b.capacity(base),
  ];
}

describe('hostile values never reach RouterOS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));

  it.each(hostile)('volume ID %j is refused with InvalidArgumentError naming it, before anything is sent', async (bad) => {
    h.sim.clearLog();
    for (const call of callsWithId(h.backend, bad as VolumeId)) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain(JSON.stringify(bad).slice(1, 12));
    }
    expect(h.sim.commandLog()).toEqual([]);
  });

  it.each(hostileBases)('base path %j is refused before anything is sent', async (bad) => {
    h.sim.clearLog();
    for (const call of callsWithBase(h.backend, bad as BasePath)) {
      await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(h.sim.commandLog()).toEqual([]);
  });

  it('refuses a hostile NQN or port before anything is sent', async () => {
    h.sim.clearLog();
    const spec = { id: goodId, sizeBytes: GiB, basePath: goodBase };
    await expect(
      h.backend.createVolume({ ...spec, nvme: { port: 4420, nqn: 'nqn.2000-02.com.mikrotik:x" slot="evil' as Nqn } }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(h.backend.createVolume({ ...spec, nvme: { ...nvme, port: 0 } })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(h.sim.commandLog()).toEqual([]);
  });

  it('after a full workload, every command that reached the simulator was one of ours', async () => {
    h.sim.clearLog();
    await h.backend.createVolume({ id: goodId, sizeBytes: GiB, basePath: goodBase, nvme });
    await h.backend.createSnapshot({ id: 'snap-good' as VolumeId, sourceVolumeId: goodId, basePath: goodBase, createdAt: 3 });
    await h.backend.listVolumes(goodBase);
    await h.backend.deleteSnapshot('snap-good' as VolumeId, goodBase);
    await h.backend.deleteVolume(goodId, goodBase);
    for (const bad of hostile) await Promise.allSettled(callsWithId(h.backend, bad as VolumeId).map((c) => c()));
    const commands = h.sim.commandLog().map((c) => c.command);
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands) {
      expect(command).toMatch(/^\/(disk (add|print|set|remove)|file (print|remove)) /);
      expect(command).not.toMatch(/system reset|user add|reboot|[\r\n`]/);
    }
  });
});
