import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BackendRejectedError,
  InsufficientCapacityError,
  SnapshotNotFoundError,
  VolumeNotFoundError,
} from '../../../src/domain/errors.js';
import { parseVolumeId } from '../../../src/domain/ids.js';
import { nqnForVolume } from '../../../src/domain/nqn.js';
import { GiB, MiB } from '../../../src/domain/size.js';
import { parseBasePath } from '../../../src/domain/storage-path.js';
import type { VolumeSpec } from '../../../src/ports/storage-backend.js';
import { startHarness, stopHarness } from '../../support/routeros-sim-harness.js';
import type { Harness } from '../../support/routeros-sim-harness.js';

const base = parseBasePath('/storage-pool/metal-csi');
const otherBase = parseBasePath('/storage-pool/homelab-csi');
let counter = 0;
const uid = (prefix: string) => parseVolumeId(`${prefix}-${process.pid}-${++counter}`);

function volumeSpec(id = uid('pvc'), sizeBytes = GiB, basePath = base): VolumeSpec {
  return { id, sizeBytes, basePath, nvme: { port: 4420, nqn: nqnForVolume(id) } };
}

const variantMatrix = (['stdout', 'stderr'] as const).flatMap((errorStream) =>
  ([0, 1] as const).flatMap((errorExitCode) =>
    (['silent', 'no-such-item'] as const).map((emptyFindRemove) => ({ errorStream, errorExitCode, emptyFindRemove })),
  ),
);

describe.each(variantMatrix)('RouterOsStorageBackend against the simulator (%o)', (variants) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ variants });
  });
  afterAll(() => stopHarness(h));
  afterEach(() => h.sim.faults.reset());

  const diskOf = async (slot: string) => (await h.sim.state()).disks.find((d) => d.slot === slot);
  const fileExists = (path: string) => existsSync(h.sim.backingFilePath(path));

  it('creates an exported volume of the exact rounded-up size with the add alone (its success is the read-back)', async () => {
    const spec = volumeSpec(uid('pvc'), 1.5 * GiB + 1);
    h.sim.clearLog();
    const info = await h.backend.createVolume(spec);
    expect(info).toEqual({
      id: spec.id,
      sizeBytes: 1537 * MiB,
      filePath: `/storage-pool/metal-csi/${spec.id}.img`,
      nvme: { port: 4420, nqn: spec.nvme.nqn },
    });
    expect(h.sim.commandLog().map((c) => c.command.split(' ').slice(0, 2).join(' '))).toEqual(['/disk add']);
    expect(await h.backend.getVolume(spec.id)).toEqual(info);
    expect(h.sim.commandLog()[0]!.command).toContain('file-size=1537M');
    expect(await diskOf(spec.id)).toMatchObject({ sizeBytes: 1537 * MiB, nvmeExport: { port: 4420 } });
    expect(fileExists(info.filePath)).toBe(true);
  });

  it('refuses to create a volume whose ID exists', async () => {
    const spec = volumeSpec();
    await h.backend.createVolume(spec);
    await expect(h.backend.createVolume(spec)).rejects.toBeInstanceOf(BackendRejectedError);
    expect((await h.sim.state()).disks.filter((d) => d.slot === spec.id)).toHaveLength(1);
  });

  it('gets a volume, and undefined for an absent one', async () => {
    const spec = volumeSpec();
    const created = await h.backend.createVolume(spec);
    expect(await h.backend.getVolume(spec.id)).toEqual(created);
    expect(await h.backend.getVolume(uid('pvc-absent'))).toBeUndefined();
  });

  it('lists only exported volumes named <slot>.img, scoped by base path', async () => {
    const mine = await h.backend.createVolume(volumeSpec());
    const theirs = await h.backend.createVolume(volumeSpec(uid('pvc'), GiB, otherBase));
    const snap = await h.backend.createSnapshot({ id: uid('snap'), sourceVolumeId: mine.id, basePath: base, createdAt: 1 });
    const scoped = await h.backend.listVolumes(base);
    expect(scoped).toContainEqual(mine);
    expect(scoped.map((v) => v.id)).not.toContain(theirs.id);
    expect(scoped.map((v) => v.id)).not.toContain(snap.id);
    const all = await h.backend.listVolumes();
    expect(all).toEqual(expect.arrayContaining([mine, theirs]));
    expect(all.map((v) => v.id)).not.toContain(snap.id);
    expect(all.map((v) => v.id)).not.toContain('storage-pool');
  });

  it('grows a volume, changes nothing for a smaller request, and reports an absent one', async () => {
    const spec = volumeSpec(uid('pvc'), GiB);
    await h.backend.createVolume(spec);
    expect((await h.backend.resizeVolume(spec.id, 2 * GiB + 1)).sizeBytes).toBe(2049 * MiB);
    expect((await diskOf(spec.id))!.sizeBytes).toBe(2049 * MiB);
    h.sim.clearLog();
    expect((await h.backend.resizeVolume(spec.id, GiB)).sizeBytes).toBe(2049 * MiB);
    expect(h.sim.commandLog().map((c) => c.command)).toEqual([`/disk print detail where slot=${spec.id}`]);
    await expect(h.backend.resizeVolume(uid('pvc-absent'), GiB)).rejects.toBeInstanceOf(VolumeNotFoundError);
  });

  it('snapshots a volume with lineage that survives a round trip through RouterOS', async () => {
    const source = await h.backend.createVolume(volumeSpec(uid('pvc'), 2 * GiB));
    const spec = { id: uid('snap'), sourceVolumeId: source.id, basePath: base, createdAt: 1_739_800_000_123 };
    const snap = await h.backend.createSnapshot(spec);
    expect(snap).toEqual({
      id: spec.id,
      sizeBytes: 2 * GiB,
      filePath: `/storage-pool/metal-csi/${spec.id}--src--${source.id}--t1739800000123.img`,
      sourceVolumeId: source.id,
      createdAt: 1_739_800_000_123,
    });
    expect((await diskOf(spec.id))!.nvmeExport).toBeUndefined();
    expect(await h.backend.getSnapshot(spec.id)).toEqual(snap);
    expect(await h.backend.listSnapshots(base)).toContainEqual(snap);
    expect(await h.backend.listSnapshots(otherBase)).not.toContainEqual(snap);
    expect(await h.backend.getSnapshot(source.id)).toBeUndefined();
    expect(await h.backend.getSnapshot(uid('snap-absent'))).toBeUndefined();
    await expect(
      h.backend.createSnapshot({ ...spec, id: uid('snap'), sourceVolumeId: uid('pvc-absent') }),
    ).rejects.toBeInstanceOf(VolumeNotFoundError);
    await expect(h.backend.createSnapshot(spec)).rejects.toBeInstanceOf(BackendRejectedError);
  });

  it('creates volumes from a snapshot and from a volume, at least as large as the source', async () => {
    const source = await h.backend.createVolume(volumeSpec(uid('pvc'), 2 * GiB));
    const snap = await h.backend.createSnapshot({ id: uid('snap'), sourceVolumeId: source.id, basePath: base, createdAt: 5 });
    const fromSnap = await h.backend.createVolumeFrom(volumeSpec(uid('pvc'), GiB), { kind: 'snapshot', id: snap.id });
    expect(fromSnap.sizeBytes).toBe(2 * GiB);
    expect(fromSnap.nvme?.port).toBe(4420);
    const fromVolume = await h.backend.createVolumeFrom(volumeSpec(uid('pvc'), 3 * GiB), { kind: 'volume', id: source.id });
    expect(fromVolume.sizeBytes).toBe(3 * GiB);
    await expect(
      h.backend.createVolumeFrom(volumeSpec(), { kind: 'snapshot', id: uid('snap-absent') }),
    ).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(h.backend.createVolumeFrom(volumeSpec(), { kind: 'volume', id: snap.id })).rejects.toBeInstanceOf(
      VolumeNotFoundError,
    );
    await expect(h.backend.createVolumeFrom(volumeSpec(), { kind: 'snapshot', id: source.id })).rejects.toBeInstanceOf(
      SnapshotNotFoundError,
    );
  });

  it('deletes a volume and its backing file, idempotently', async () => {
    const info = await h.backend.createVolume(volumeSpec());
    await h.backend.deleteVolume(info.id, base);
    expect(await diskOf(info.id)).toBeUndefined();
    expect(fileExists(info.filePath)).toBe(false);
    expect((await h.sim.state()).files[info.filePath.slice(1)]).toBeUndefined();
    await h.backend.deleteVolume(info.id, base);
    await h.backend.deleteVolume(uid('pvc-never'), base);
  });

  it('deletes a volume whose disk is already gone: its leftover file, found by name below the base path', async () => {
    const nested = await h.backend.createVolume(volumeSpec(uid('pvc'), GiB, parseBasePath('/storage-pool/metal-csi/sub')));
    await h.sim.execute(`/disk remove [find slot=${nested.id}]`); // an earlier delete stopped after the disk
    h.sim.clearLog();
    await h.backend.deleteVolume(nested.id, base);
    expect(h.sim.commandLog().map((c) => c.command.split(' ').slice(0, 2).join(' '))).toEqual(['/disk remove', '/file remove']);
    expect(fileExists(nested.filePath)).toBe(false);
  });

  it('reads a disk before deleting a volume whose ID could name a snapshot (snap-…), and deletes it', async () => {
    const odd = await h.backend.createVolume(volumeSpec(uid('snap-vol')));
    h.sim.clearLog();
    await h.backend.deleteVolume(odd.id, base);
    expect(h.sim.commandLog().map((c) => c.command.split(' ').slice(0, 2).join(' '))).toEqual(['/disk print', '/disk remove', '/file remove']);
    expect(await diskOf(odd.id)).toBeUndefined();
    expect(fileExists(odd.filePath)).toBe(false);
  });

  it('deletes a snapshot and its file, and finds a leftover file when the disk is already gone', async () => {
    const source = await h.backend.createVolume(volumeSpec());
    const snap = await h.backend.createSnapshot({ id: uid('snap'), sourceVolumeId: source.id, basePath: base, createdAt: 9 });
    await h.backend.deleteSnapshot(snap.id, base);
    expect(await diskOf(snap.id)).toBeUndefined();
    expect(fileExists(snap.filePath)).toBe(false);
    await h.backend.deleteSnapshot(snap.id, base);

    const half = await h.backend.createSnapshot({ id: uid('snap'), sourceVolumeId: source.id, basePath: base, createdAt: 10 });
    await h.sim.execute(`/disk remove [find slot="${half.id}"]`); // an earlier delete stopped after the disk
    expect(fileExists(half.filePath)).toBe(true);
    await h.backend.deleteSnapshot(half.id, base);
    expect(fileExists(half.filePath)).toBe(false);
    expect(fileExists(source.filePath)).toBe(true);
  });

  it('refuses to delete a volume as a snapshot and a snapshot as a volume', async () => {
    const source = await h.backend.createVolume(volumeSpec());
    const snap = await h.backend.createSnapshot({ id: uid('snap'), sourceVolumeId: source.id, basePath: base, createdAt: 1 });
    await expect(h.backend.deleteSnapshot(source.id, base)).rejects.toBeInstanceOf(BackendRejectedError);
    await expect(h.backend.deleteVolume(snap.id, base)).rejects.toBeInstanceOf(BackendRejectedError);
    expect(await diskOf(source.id)).toBeDefined();
    expect(await diskOf(snap.id)).toBeDefined();
  });

  it('reports pool capacity and free space', async () => {
    const state = await h.sim.state();
    const capacity = await h.backend.capacity(base);
    expect(capacity.totalBytes).toBe(state.poolSizeBytes);
    expect(capacity.freeBytes).toBeLessThan(capacity.totalBytes);
    await expect(h.backend.capacity(parseBasePath('/no-such-pool/x'))).rejects.toBeInstanceOf(BackendRejectedError);
  });

  it('probes: reachable with the RouterOS version', async () => {
    expect(await h.backend.probe()).toEqual({ reachable: true, version: '7.16' });
  });

  it('maps "not enough space" to InsufficientCapacityError, for create, snapshot and resize', async () => {
    const existing = await h.backend.createVolume(volumeSpec());
    await h.sim.faults.runOutOfSpace();
    const spec = volumeSpec();
    await expect(h.backend.createVolume(spec)).rejects.toBeInstanceOf(InsufficientCapacityError);
    await expect(
      h.backend.createSnapshot({ id: uid('snap'), sourceVolumeId: existing.id, basePath: base, createdAt: 1 }),
    ).rejects.toBeInstanceOf(InsufficientCapacityError);
    await expect(h.backend.resizeVolume(existing.id, 500 * GiB)).rejects.toBeInstanceOf(InsufficientCapacityError);
    expect(await diskOf(spec.id)).toBeUndefined();
  });

  it('maps any other refusal to BackendRejectedError carrying RouterOS text', async () => {
    h.sim.faults.failMatching(/^\/disk add/, 'failure: disk is busy');
    const error = await h.backend.createVolume(volumeSpec()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendRejectedError);
    expect((error as BackendRejectedError).backendText).toBe('failure: disk is busy');
  });
});
