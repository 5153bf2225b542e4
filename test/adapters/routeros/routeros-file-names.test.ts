import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/domain/errors.js';
import type { VolumeId } from '../../../src/domain/ids.js';
import type { BasePath } from '../../../src/domain/storage-path.js';
import {
  isSafeAppliancePath,
  parseSnapshotLineage,
  snapshotFilePath,
  volumeFilePath,
} from '../../../src/adapters/routeros/routeros-file-names.js';

const base = '/storage-pool/metal-csi' as BasePath;
const v = (s: string) => s as VolumeId;

describe('backing file names', () => {
  it('volume: <base>/<id>.img (Go driver compatible)', () => {
    expect(volumeFilePath(base, v('pvc-1'))).toBe('/storage-pool/metal-csi/pvc-1.img');
  });

  it('snapshot: lineage round-trips through the file name', () => {
    const path = snapshotFilePath(base, v('snap-1--src--x'), v('pvc-a--t5'), 1_739_800_000_123);
    expect(path).toBe('/storage-pool/metal-csi/snap-1--src--x--src--pvc-a--t5--t1739800000123.img');
    expect(parseSnapshotLineage('snap-1--src--x', path)).toEqual({
      sourceVolumeId: 'pvc-a--t5',
      createdAt: 1_739_800_000_123,
    });
  });

  it.each([
    ['snap-1', '/p/snap-1.img'],
    ['snap-1', '/p/snap-2--src--pvc-a--t5.img'],
    ['snap-1', '/p/snap-1--src--pvc-a--t.img'],
    ['snap-1', '/p/snap-1--src--pvc-a--t12x.img'],
    ['snap-1', '/p/snap-1--src----t12.img'],
    ['snap-1', '/p/snap-1--src--.bad--t12.img'],
    ['snap-1', '/p/snap-1--src--pvc-a--t12.raw'],
    ['snap-a1b2c3d4-e5f6-7890-abcd-ef1234567890-at-1739800000', '/storage-pool/metal-csi/snap-a1b2c3d4-e5f6-7890-abcd-ef1234567890-at-1739800000.img'],
  ])('foreign or malformed snapshot name %s %s → unknown lineage', (slot, path) => {
    expect(parseSnapshotLineage(slot, path)).toBeUndefined();
  });

  it('falls back to the Go layout when the lineage name would pass a path component, and refuses bad input', () => {
    const long = snapshotFilePath(base, v('s'.repeat(128)), v('p'.repeat(128)), 1);
    expect(long).toBe(`${base}/${'s'.repeat(128)}.img`);
    expect(parseSnapshotLineage('s'.repeat(128), long)).toBeUndefined();
    expect(() => snapshotFilePath(base, v('snap-1'), v('pvc-1'), -1)).toThrow(InvalidArgumentError);
    expect(() => snapshotFilePath(base, v('snap 1'), v('pvc-1'), 1)).toThrow(InvalidArgumentError);
  });

  it.each([
    ['/storage-pool/a/b.img', true],
    ['storage-pool/a.img', false],
    ['/storage-pool/../x.img', false],
    ['/storage-pool/a b.img', false],
    ['/storage-pool/a;b.img', false],
    ['/', false],
  ])('isSafeAppliancePath(%j) = %s', (path, ok) => {
    expect(isSafeAppliancePath(path)).toBe(ok);
  });
});
