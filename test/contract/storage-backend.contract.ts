import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BackendRejectedError,
  InsufficientCapacityError,
  InvalidArgumentError,
  SnapshotNotFoundError,
  VolumeAlreadyExistsError,
  VolumeNotFoundError,
} from '../../src/domain/errors.js';
import { parseVolumeId } from '../../src/domain/ids.js';
import type { VolumeId } from '../../src/domain/ids.js';
import { nqnForVolume } from '../../src/domain/nqn.js';
import { GiB, MiB } from '../../src/domain/size.js';
import { parseBasePath } from '../../src/domain/storage-path.js';
import type { BasePath } from '../../src/domain/storage-path.js';
import type { SnapshotSpec, StorageBackend, VolumeInfo, VolumeSpec } from '../../src/ports/storage-backend.js';

export interface BackendUnderTest {
  readonly backend: StorageBackend;
  dispose(): Promise<void>;
  /** The pool size the factory set up, when it knows it; capacity() must report it. */
  readonly poolBytes?: number;
}

/** The base paths the contract uses; a factory's pool must be `storage-pool`. */
export const CONTRACT_BASE = parseBasePath('/storage-pool/metal-csi');
const OTHER_BASE = parseBasePath('/storage-pool/homelab-csi');
const NESTED_BASE = parseBasePath('/storage-pool/metal-csi/nested');

const id = (name: string): VolumeId => parseVolumeId(name);
const volumeSpec = (name: string, sizeBytes: number, basePath: BasePath = CONTRACT_BASE, port = 4420): VolumeSpec => ({
  id: id(name),
  sizeBytes,
  basePath,
  nvme: { port, nqn: nqnForVolume(id(name)) },
});
const snapshotSpec = (name: string, source: string, createdAt = 1_739_800_000_123, basePath = CONTRACT_BASE): SnapshotSpec => ({
  id: id(name),
  sourceVolumeId: id(source),
  basePath,
  createdAt,
});
const ids = (items: readonly { id: string }[]) => items.map((v) => v.id).sort();

/**
 * The StorageBackend contract (src/ports/storage-backend.ts): every implementation runs this suite, each
 * case against a fresh, empty backend whose pool is named `storage-pool` and holds at least 8 GiB.
 */
export function storageBackendContract(name: string, create: () => Promise<BackendUnderTest>): void {
  describe(`StorageBackend contract: ${name}`, () => {
    let subject: BackendUnderTest;
    let backend: StorageBackend;
    beforeEach(async () => {
      subject = await create();
      backend = subject.backend;
    });
    afterEach(async () => subject.dispose());

    describe('volumes', () => {
      it('creates an exported volume rounded up to whole MiB, and get and list report exactly that', async () => {
        const spec = volumeSpec('pvc-a', 1.5 * GiB + 1, CONTRACT_BASE, 4421);
        const expected: VolumeInfo = {
          id: spec.id,
          sizeBytes: 1537 * MiB,
          filePath: '/storage-pool/metal-csi/pvc-a.img',
          nvme: { port: 4421, nqn: spec.nvme.nqn },
        };
        expect(await backend.createVolume(spec)).toEqual(expected);
        expect(await backend.getVolume(spec.id)).toEqual(expected);
        expect(await backend.listVolumes(CONTRACT_BASE)).toEqual([expected]);
        expect((await backend.createVolume(volumeSpec('pvc-b', 3 * MiB))).sizeBytes).toBe(3 * MiB);
        expect((await backend.createVolume(volumeSpec('pvc-c', 1))).sizeBytes).toBe(MiB);
      });

      it('refuses a zero size and creates nothing', async () => {
        await expect(backend.createVolume(volumeSpec('pvc-zero', 0))).rejects.toBeInstanceOf(InvalidArgumentError);
        expect(await backend.getVolume(id('pvc-zero'))).toBeUndefined();
      });

      it('refuses an existing ID with BackendRejectedError and keeps the first volume', async () => {
        const first = await backend.createVolume(volumeSpec('pvc-dup', 10 * MiB));
        await expect(backend.createVolume(volumeSpec('pvc-dup', 20 * MiB))).rejects.toBeInstanceOf(BackendRejectedError);
        expect(await backend.getVolume(first.id)).toEqual(first);
      });

      it('ensureVolume creates once, then returns the existing volume unchanged whatever the request', async () => {
        const spec = volumeSpec('pvc-ensure', 4 * MiB + 1, CONTRACT_BASE, 4421);
        const volume: VolumeInfo = {
          id: spec.id,
          sizeBytes: 5 * MiB,
          filePath: '/storage-pool/metal-csi/pvc-ensure.img',
          nvme: { port: 4421, nqn: spec.nvme.nqn },
        };
        expect(await backend.ensureVolume(spec)).toEqual({ volume, created: true });
        expect(await backend.getVolume(spec.id)).toEqual(volume);
        expect(await backend.ensureVolume(spec)).toEqual({ volume, created: false });
        expect(await backend.ensureVolume({ ...spec, sizeBytes: GiB, nvme: { ...spec.nvme, port: 4420 } })).toEqual({ volume, created: false });
        expect(await backend.listVolumes()).toEqual([volume]);
        await expect(backend.ensureVolume(volumeSpec('pvc-ensure-zero', 0))).rejects.toBeInstanceOf(InvalidArgumentError);
      });

      it('ensureVolume refuses an ID whose NQN another volume holds (IDs differing in case), creating nothing', async () => {
        const first = await backend.ensureVolume(volumeSpec('Vol-Case', 4 * MiB));
        await expect(backend.ensureVolume(volumeSpec('vol-case', 4 * MiB))).rejects.toBeInstanceOf(VolumeAlreadyExistsError);
        expect(await backend.listVolumes()).toEqual([first.volume]);
      });

      it('returns undefined for an absent volume or snapshot', async () => {
        expect(await backend.getVolume(id('pvc-absent'))).toBeUndefined();
        expect(await backend.getSnapshot(id('snap-absent'))).toBeUndefined();
        expect(await backend.listVolumes()).toEqual([]);
        expect(await backend.listSnapshots()).toEqual([]);
      });

      it('lists the volumes of exactly one directory when given a base path, all of them without', async () => {
        const mine = await backend.createVolume(volumeSpec('pvc-mine', 4 * MiB));
        const theirs = await backend.createVolume(volumeSpec('pvc-theirs', 4 * MiB, OTHER_BASE));
        const nested = await backend.createVolume(volumeSpec('pvc-nested', 4 * MiB, NESTED_BASE));
        await backend.createSnapshot(snapshotSpec('snap-of-mine', 'pvc-mine'));
        expect(await backend.listVolumes(CONTRACT_BASE)).toEqual([mine]);
        expect(await backend.listVolumes(OTHER_BASE)).toEqual([theirs]);
        expect(await backend.listVolumes(NESTED_BASE)).toEqual([nested]);
        expect(ids(await backend.listVolumes())).toEqual(['pvc-mine', 'pvc-nested', 'pvc-theirs']);
      });

      it('grows a volume to exactly the rounded-up size, and changes nothing for a request not larger', async () => {
        const spec = volumeSpec('pvc-grow', 8 * MiB);
        await backend.createVolume(spec);
        const grown = await backend.resizeVolume(spec.id, 16 * MiB + 1);
        expect(grown).toEqual({ ...(await backend.getVolume(spec.id)), sizeBytes: 17 * MiB });
        expect(await backend.resizeVolume(spec.id, 17 * MiB)).toEqual(grown);
        expect(await backend.resizeVolume(spec.id, MiB)).toEqual(grown);
        expect(await backend.getVolume(spec.id)).toEqual(grown);
        await expect(backend.resizeVolume(id('pvc-absent'), GiB)).rejects.toBeInstanceOf(VolumeNotFoundError);
      });

      it('deletes a volume idempotently and gives its space back', async () => {
        const before = await backend.capacity(CONTRACT_BASE);
        const volume = await backend.createVolume(volumeSpec('pvc-del', 32 * MiB));
        const keep = await backend.createVolume(volumeSpec('pvc-keep', 8 * MiB));
        await backend.deleteVolume(volume.id, CONTRACT_BASE);
        expect(await backend.getVolume(volume.id)).toBeUndefined();
        expect(await backend.listVolumes()).toEqual([keep]);
        await backend.deleteVolume(volume.id, CONTRACT_BASE);
        await backend.deleteVolume(id('pvc-never'), CONTRACT_BASE);
        await backend.deleteVolume(keep.id, CONTRACT_BASE);
        expect((await backend.capacity(CONTRACT_BASE)).freeBytes).toBe(before.freeBytes);
      });

      it('deletes a volume that lives in a directory below the base path, with its file', async () => {
        const before = await backend.capacity(CONTRACT_BASE);
        const nested = await backend.createVolume(volumeSpec('pvc-deep', 16 * MiB, NESTED_BASE));
        await backend.deleteVolume(nested.id, CONTRACT_BASE);
        expect(await backend.getVolume(nested.id)).toBeUndefined();
        expect((await backend.capacity(CONTRACT_BASE)).freeBytes).toBe(before.freeBytes);
      });

      it('is safe to call concurrently', async () => {
        const names = Array.from({ length: 8 }, (_, i) => `pvc-par-${i}`);
        const created = await Promise.all(names.map((n) => backend.createVolume(volumeSpec(n, 2 * MiB))));
        expect(ids(created)).toEqual([...names].sort());
        expect(ids(await backend.listVolumes(CONTRACT_BASE))).toEqual([...names].sort());
        await Promise.all(names.map((n) => backend.deleteVolume(id(n), CONTRACT_BASE)));
        expect(await backend.listVolumes()).toEqual([]);
      });
    });

    describe('snapshots', () => {
      it('copies a volume into an unexported snapshot whose lineage and creation time round-trip', async () => {
        const source = await backend.createVolume(volumeSpec('pvc-src', 6 * MiB));
        const snap = await backend.createSnapshot(snapshotSpec('snap-1', 'pvc-src', 1_739_800_000_123));
        expect(snap).toMatchObject({ id: 'snap-1', sizeBytes: 6 * MiB, sourceVolumeId: 'pvc-src', createdAt: 1_739_800_000_123 });
        expect(snap.filePath).toMatch(/^\/storage-pool\/metal-csi\/[^/]+\.img$/);
        expect(snap.filePath).not.toBe(source.filePath);
        expect(await backend.getSnapshot(snap.id)).toEqual(snap);
        expect(await backend.listSnapshots(CONTRACT_BASE)).toEqual([snap]);
        expect(await backend.listSnapshots(OTHER_BASE)).toEqual([]);
        expect(await backend.listSnapshots()).toEqual([snap]);
        expect(await backend.listVolumes()).toEqual([source]);
        expect(await backend.getVolume(source.id)).toEqual(source);
      });

      it('describes a snapshot as an unexported disk to getVolume, and a volume as no snapshot', async () => {
        const source = await backend.createVolume(volumeSpec('pvc-src', 4 * MiB));
        const snap = await backend.createSnapshot(snapshotSpec('snap-1', 'pvc-src'));
        expect(await backend.getVolume(snap.id)).toEqual({ id: snap.id, sizeBytes: snap.sizeBytes, filePath: snap.filePath });
        expect(await backend.getSnapshot(source.id)).toBeUndefined();
      });

      it('refuses a missing source with VolumeNotFoundError and an existing ID with BackendRejectedError', async () => {
        await backend.createVolume(volumeSpec('pvc-src', 4 * MiB));
        await expect(backend.createSnapshot(snapshotSpec('snap-x', 'pvc-absent'))).rejects.toBeInstanceOf(VolumeNotFoundError);
        const first = await backend.createSnapshot(snapshotSpec('snap-x', 'pvc-src', 1));
        await expect(backend.createSnapshot(snapshotSpec('snap-x', 'pvc-src', 2))).rejects.toBeInstanceOf(BackendRejectedError);
        await expect(backend.createSnapshot(snapshotSpec('pvc-src', 'pvc-src'))).rejects.toBeInstanceOf(BackendRejectedError);
        expect(await backend.getSnapshot(first.id)).toEqual(first);
        await expect(backend.createSnapshot(snapshotSpec('snap-of-snap', 'snap-x'))).rejects.toBeInstanceOf(VolumeNotFoundError);
      });

      it('deletes a snapshot idempotently and leaves its source alone', async () => {
        const source = await backend.createVolume(volumeSpec('pvc-src', 4 * MiB));
        const snap = await backend.createSnapshot(snapshotSpec('snap-del', 'pvc-src'));
        await backend.deleteSnapshot(snap.id, CONTRACT_BASE);
        expect(await backend.getSnapshot(snap.id)).toBeUndefined();
        expect(await backend.listSnapshots()).toEqual([]);
        await backend.deleteSnapshot(snap.id, CONTRACT_BASE);
        await backend.deleteSnapshot(id('snap-never'), CONTRACT_BASE);
        expect(await backend.getVolume(source.id)).toEqual(source);
      });

      it('refuses to delete a snapshot as a volume and a volume as a snapshot', async () => {
        const source = await backend.createVolume(volumeSpec('pvc-src', 4 * MiB));
        const snap = await backend.createSnapshot(snapshotSpec('snap-1', 'pvc-src'));
        await expect(backend.deleteVolume(snap.id, CONTRACT_BASE)).rejects.toBeInstanceOf(BackendRejectedError);
        await expect(backend.deleteSnapshot(source.id, CONTRACT_BASE)).rejects.toBeInstanceOf(BackendRejectedError);
        expect(await backend.getSnapshot(snap.id)).toEqual(snap);
        expect(await backend.getVolume(source.id)).toEqual(source);
      });
    });

    describe('volumes from a content source', () => {
      it('restores a snapshot into an exported volume at least as large as the source', async () => {
        await backend.createVolume(volumeSpec('pvc-src', 6 * MiB));
        const snap = await backend.createSnapshot(snapshotSpec('snap-1', 'pvc-src'));
        const same = await backend.createVolumeFrom(volumeSpec('pvc-r1', MiB), { kind: 'snapshot', id: snap.id });
        expect(same).toEqual({
          id: 'pvc-r1',
          sizeBytes: 6 * MiB,
          filePath: '/storage-pool/metal-csi/pvc-r1.img',
          nvme: { port: 4420, nqn: nqnForVolume(id('pvc-r1')) },
        });
        const larger = await backend.createVolumeFrom(volumeSpec('pvc-r2', 9 * MiB + 1), { kind: 'snapshot', id: snap.id });
        expect(larger.sizeBytes).toBe(10 * MiB);
        expect(await backend.getVolume(larger.id)).toEqual(larger);
        expect(await backend.getSnapshot(snap.id)).toEqual(snap);
        expect(ids(await backend.listVolumes(CONTRACT_BASE))).toEqual(['pvc-r1', 'pvc-r2', 'pvc-src']);
      });

      it('clones a volume at least as large as the source', async () => {
        const source = await backend.createVolume(volumeSpec('pvc-src', 5 * MiB));
        const clone = await backend.createVolumeFrom(volumeSpec('pvc-c1', 2 * MiB), { kind: 'volume', id: source.id });
        expect(clone).toEqual({ ...source, id: 'pvc-c1', filePath: '/storage-pool/metal-csi/pvc-c1.img', nvme: volumeSpec('pvc-c1', 0).nvme });
        const larger = await backend.createVolumeFrom(volumeSpec('pvc-c2', 7 * MiB), { kind: 'volume', id: source.id });
        expect(larger.sizeBytes).toBe(7 * MiB);
        expect(await backend.getVolume(source.id)).toEqual(source);
      });

      it('names a missing or wrong-kind source with the matching not-found error, and refuses an existing ID', async () => {
        const source = await backend.createVolume(volumeSpec('pvc-src', 4 * MiB));
        const snap = await backend.createSnapshot(snapshotSpec('snap-1', 'pvc-src'));
        const from = (target: string, kind: 'snapshot' | 'volume', sourceId: string) =>
          backend.createVolumeFrom(volumeSpec(target, MiB), { kind, id: id(sourceId) });
        await expect(from('pvc-n1', 'snapshot', 'snap-absent')).rejects.toBeInstanceOf(SnapshotNotFoundError);
        await expect(from('pvc-n2', 'volume', 'pvc-absent')).rejects.toBeInstanceOf(VolumeNotFoundError);
        await expect(from('pvc-n3', 'snapshot', source.id)).rejects.toBeInstanceOf(SnapshotNotFoundError);
        await expect(from('pvc-n4', 'volume', snap.id)).rejects.toBeInstanceOf(VolumeNotFoundError);
        await expect(from('pvc-src', 'snapshot', snap.id)).rejects.toBeInstanceOf(BackendRejectedError);
        expect(ids(await backend.listVolumes())).toEqual(['pvc-src']);
        expect(await backend.getVolume(source.id)).toEqual(source);
      });
    });

    describe('capacity and probe', () => {
      it('reports the pool size and less free space after a create', async () => {
        const before = await backend.capacity(CONTRACT_BASE);
        if (subject.poolBytes !== undefined) expect(before.totalBytes).toBe(subject.poolBytes);
        expect(before.freeBytes).toBeLessThanOrEqual(before.totalBytes);
        await backend.createVolume(volumeSpec('pvc-cap', 64 * MiB));
        const after = await backend.capacity(CONTRACT_BASE);
        expect(after.totalBytes).toBe(before.totalBytes);
        expect(before.freeBytes - after.freeBytes).toBeGreaterThanOrEqual(64 * MiB);
      });

      it('refuses what does not fit with InsufficientCapacityError and changes nothing', async () => {
        const { freeBytes } = await backend.capacity(CONTRACT_BASE);
        await expect(backend.createVolume(volumeSpec('pvc-huge', freeBytes + MiB))).rejects.toBeInstanceOf(InsufficientCapacityError);
        expect(await backend.getVolume(id('pvc-huge'))).toBeUndefined();
        const half = Math.floor(freeBytes / 2 / MiB) * MiB + MiB;
        const big = await backend.createVolume(volumeSpec('pvc-big', half));
        await expect(backend.createSnapshot(snapshotSpec('snap-big', 'pvc-big'))).rejects.toBeInstanceOf(InsufficientCapacityError);
        await expect(backend.createVolumeFrom(volumeSpec('pvc-clone', MiB), { kind: 'volume', id: big.id })).rejects.toBeInstanceOf(
          InsufficientCapacityError,
        );
        await expect(backend.resizeVolume(big.id, 2 * half)).rejects.toBeInstanceOf(InsufficientCapacityError);
        expect(await backend.getVolume(big.id)).toEqual(big);
        expect(await backend.listVolumes()).toEqual([big]);
        expect(await backend.listSnapshots()).toEqual([]);
      });

      it('probes as reachable with a version', async () => {
        const probe = await backend.probe();
        expect(probe.reachable).toBe(true);
        expect(probe.version).toMatch(/^\d+\.\d+/);
      });
    });
  });
}
