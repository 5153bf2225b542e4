import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../../../src/domain/errors.js';
import { parseVolumeId } from '../../../src/domain/ids.js';
import { nqnForVolume } from '../../../src/domain/nqn.js';
import { GiB } from '../../../src/domain/size.js';
import { parseBasePath } from '../../../src/domain/storage-path.js';
import type { VolumeSpec } from '../../../src/ports/storage-backend.js';
import { startHarness, stopHarness } from '../../support/routeros-sim-harness.js';
import type { Harness } from '../../support/routeros-sim-harness.js';

const base = parseBasePath('/storage-pool/metal-csi');
let counter = 0;
const uid = (prefix: string) => parseVolumeId(`${prefix}-f${++counter}`);
const volumeSpec = (id = uid('pvc')): VolumeSpec => ({ id, sizeBytes: GiB, basePath: base, nvme: { port: 4420, nqn: nqnForVolume(id) } });

describe('RouterOsStorageBackend when the connection drops or hangs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { commandTimeoutMs: 1_000 } });
  });
  afterAll(() => stopHarness(h));
  afterEach(async () => {
    await h.sim.faults.reset();
    h.sim.clearLog();
    h.logger.lines.length = 0;
  });

  const disksNamed = async (slot: string) => (await h.sim.state()).disks.filter((d) => d.slot === slot);
  const logged = (message: string) => h.logger.lines.filter((l) => l.message === message).length;
  const sent = (prefix: string) => h.sim.commandLog().filter((c) => c.command.startsWith(prefix)).length;

  it.each([true, false])(
    'create: a drop during /disk add (applied before the drop: %s) yields exactly one volume',
    async (applyBeforeDrop) => {
      const spec = volumeSpec();
      h.sim.faults.dropConnectionDuring(1, { applyBeforeDrop });
      const info = await h.backend.createVolume(spec);
      expect(info.sizeBytes).toBe(GiB);
      expect(await disksNamed(spec.id)).toHaveLength(1);
      expect(existsSync(h.sim.backingFilePath(info.filePath))).toBe(true);
      // the simulator logs executed commands only: one add ran either way; it was re-sent only when the
      // verify read showed the first had not taken effect
      expect(sent('/disk add')).toBe(1);
      expect(logged('repeating a RouterOS write that did not take effect')).toBe(applyBeforeDrop ? 0 : 1);
      expect(logged('a RouterOS write took effect although its answer was lost')).toBe(applyBeforeDrop ? 1 : 0);
      expect(h.session.reconnectCount).toBeGreaterThan(0);
    },
  );

  it.each([true, false])('delete: a drop during /disk remove (applied: %s) still deletes disk and file', async (applied) => {
    const info = await h.backend.createVolume(volumeSpec());
    h.sim.clearLog();
    h.sim.faults.dropConnectionDuring(2, { applyBeforeDrop: applied }); // print, remove, file remove
    await h.backend.deleteVolume(info.id, base);
    expect(await disksNamed(info.id)).toHaveLength(0);
    expect(existsSync(h.sim.backingFilePath(info.filePath))).toBe(false);
  });

  it('delete: a drop during /file remove still removes the file', async () => {
    const info = await h.backend.createVolume(volumeSpec());
    h.sim.faults.dropConnectionDuring(3, { applyBeforeDrop: false });
    await h.backend.deleteVolume(info.id, base);
    expect(existsSync(h.sim.backingFilePath(info.filePath))).toBe(false);
  });

  it('resize: a drop during /disk set (not applied) re-sends it once and reaches the size', async () => {
    const info = await h.backend.createVolume(volumeSpec());
    h.sim.clearLog();
    h.sim.faults.dropConnectionDuring(2, { applyBeforeDrop: false }); // print, set
    expect((await h.backend.resizeVolume(info.id, 3 * GiB)).sizeBytes).toBe(3 * GiB);
    expect(sent('/disk set')).toBe(1);
    expect(logged('repeating a RouterOS write that did not take effect')).toBe(1);
  });

  it('snapshot: a drop during the copy (applied) yields one snapshot, not two', async () => {
    const source = await h.backend.createVolume(volumeSpec());
    const id = uid('snap');
    h.sim.clearLog();
    h.sim.faults.dropConnectionDuring(2); // print source, add
    const snap = await h.backend.createSnapshot({ id, sourceVolumeId: source.id, basePath: base, createdAt: 7 });
    expect(snap.sourceVolumeId).toBe(source.id);
    expect(await disksNamed(id)).toHaveLength(1);
    expect(sent('/disk add')).toBe(1);
  });

  it('reads are repeated once after a drop', async () => {
    const info = await h.backend.createVolume(volumeSpec());
    h.sim.faults.dropConnectionDuring(1);
    expect(await h.backend.getVolume(info.id)).toEqual(info);
  });

  it('a write that hangs is not re-sent: BackendUnavailableError, and the volume is not duplicated', async () => {
    const spec = volumeSpec();
    h.sim.faults.hang(1);
    await expect(h.backend.createVolume(spec)).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(sent('/disk add')).toBe(0); // the hung one never executes; a re-sent one would
    expect(logged('repeating a RouterOS write that did not take effect')).toBe(0);
    expect(await disksNamed(spec.id)).toHaveLength(0);
  });
});

describe('RouterOsStorageBackend when RouterOS is unreachable', () => {
  it('raises BackendUnavailableError for every operation and probe reports unreachable', async () => {
    const h = await startHarness({ config: { connectAttempts: 2 } });
    const info = await h.backend.createVolume(volumeSpec());
    await h.sim.stop();
    try {
      const calls = [
        () => h.backend.getVolume(info.id),
        () => h.backend.createVolume(volumeSpec()),
        () => h.backend.listVolumes(base),
        () => h.backend.resizeVolume(info.id, 2 * GiB),
        () => h.backend.deleteVolume(info.id, base),
        () => h.backend.listSnapshots(),
        () => h.backend.capacity(base),
      ];
      for (const call of calls) await expect(call()).rejects.toBeInstanceOf(BackendUnavailableError);
      const probe = await h.backend.probe();
      expect(probe.reachable).toBe(false);
      expect(probe.detail).toMatch(/RouterOS at 127\.0\.0\.1:\d+/);
    } finally {
      await h.session.close();
      await rm(h.dataDir, { recursive: true, force: true });
    }
  });
});
