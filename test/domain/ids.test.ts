import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/domain/errors.js';
import { describeValue, parseNodeId, parseVolumeId } from '../../src/domain/ids.js';
import { nqnForVolume, parseNqn } from '../../src/domain/nqn.js';
import { parseBasePath, poolOf } from '../../src/domain/storage-path.js';
import { MiB, roundUpToAllocationUnit } from '../../src/domain/size.js';

describe('VolumeId', () => {
  it.each(['pvc-0b6c3f8e-7d3c-4c2e-9a51-2f4c1d8e9b10', 'sanity-controller-1A2B', 'a', 'x.y_z-1', 'v'.repeat(198)])(
    'accepts %s',
    (id) => expect(parseVolumeId(id)).toBe(id),
  );

  it.each([
    '',
    'v'.repeat(199),
    'pvc-x; /system reset',
    'a b',
    'a"b',
    'a[b]',
    '$x',
    'a\nb',
    '`id`',
    '../etc',
    '-rf',
    '.hidden',
    'ümlaut',
    'a/b',
  ])('rejects %j naming the value', (id) => {
    expect(() => parseVolumeId(id)).toThrow(InvalidArgumentError);
    expect(() => parseVolumeId(id)).toThrow(id.length === 0 ? 'volume ID is required' : describeValue(id));
  });
});

describe('NodeId', () => {
  it('accepts Kubernetes node names and rejects unsafe values', () => {
    expect(parseNodeId('worker-1.example.com')).toBe('worker-1.example.com');
    expect(() => parseNodeId('')).toThrow(/node ID is required/);
    expect(() => parseNodeId('node a')).toThrow(/"node a"/);
    expect(() => parseNodeId('n'.repeat(257))).toThrow(InvalidArgumentError);
  });
});

describe('storage values', () => {
  it('parses base paths strictly', () => {
    expect(parseBasePath('/storage-pool/metal-csi/')).toBe('/storage-pool/metal-csi');
    expect(poolOf(parseBasePath('/storage-pool/metal-csi'))).toBe('storage-pool');
    for (const bad of ['relative/x', '/a/../b', '/a b', '/a;reboot', '/', '/a//b', '/a/"b"']) {
      expect(() => parseBasePath(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('derives the Go driver NQN and validates NQNs', () => {
    expect(nqnForVolume(parseVolumeId('pvc-abc'))).toBe('nqn.2000-02.com.mikrotik:pvc-abc');
    // Capitals are lowered, exactly as the Go driver's VolumeIDToNQN does.
    expect(nqnForVolume(parseVolumeId('Data-ABC'))).toBe('nqn.2000-02.com.mikrotik:data-abc');
    expect(() => nqnForVolume(parseVolumeId('v'.repeat(198)))).not.toThrow();
    expect(() => parseNqn('nqn.2000-02.com.mikrotik:a b')).toThrow(/"nqn.2000-02.com.mikrotik:a b"/);
  });

  it('rounds sizes up to whole MiB, never down', () => {
    expect(roundUpToAllocationUnit(0)).toBe(0);
    expect(roundUpToAllocationUnit(1)).toBe(MiB);
    expect(roundUpToAllocationUnit(1536 * MiB)).toBe(1536 * MiB);
    expect(roundUpToAllocationUnit(1536 * MiB + 1)).toBe(1537 * MiB);
    expect(() => roundUpToAllocationUnit(-1)).toThrow(/-1/);
  });
});
