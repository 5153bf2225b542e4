import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { snapshotIdForName, volumeIdForName } from '../../src/app/volumes/volume-naming.js';
import { nqnForVolume } from '../../src/domain/nqn.js';
import { parseBasePath } from '../../src/domain/storage-path.js';
import { volumeFilePath } from '../../src/adapters/routeros/routeros-file-names.js';

/*
 * The Go driver's naming rules (3whiskeywhiskey/rds-csi v0.11.0, pkg/utils/volumeid.go and
 * snapshotid.go, pkg/driver/controller.go), written again here from their description, independent
 * of the code under test: CreateVolume uses the name verbatim if ValidateVolumeID accepts it, else
 * refuses; NQN = "nqn.2000-02.com.mikrotik:" + lower-case ID, refused past 223 bytes; file =
 * <base>/<id>.img; snapshot = "snap-" + uuid5(DNS, name) + "-at-" + its first ten hex digits.
 */
const go = {
  uuid5(name: string): string {
    const h = createHash('sha1').update(Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex')).update(Buffer.from(name, 'utf8')).digest();
    const b = [...h.subarray(0, 16)];
    b[6] = (b[6]! & 0x0f) | 0x50;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const x = b.map((n) => n.toString(16).padStart(2, '0')).join('');
    return [x.slice(0, 8), x.slice(8, 12), x.slice(12, 16), x.slice(16, 20), x.slice(20, 32)].join('-');
  },
  validVolumeId(id: string): boolean {
    if (/^pvc-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/.test(id)) return true;
    if (!/^[a-zA-Z0-9-]+$/.test(id) || id.startsWith('pvc-')) return false;
    if (/^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/.test(id)) return false;
    return id.length <= 250;
  },
  nqn(id: string): string | undefined {
    const nqn = `nqn.2000-02.com.mikrotik:${id.toLowerCase()}`;
    return nqn.length <= 223 && /^nqn\.[0-9]{4}-[0-9]{2}\.[a-z0-9.-]+:[a-z0-9._-]+$/.test(nqn) ? nqn : undefined;
  },
  /** What the Go driver's CreateVolume makes of a name, or undefined where it fails. */
  create(name: string, base: string): { id: string; nqn: string; file: string } | undefined {
    if (!go.validVolumeId(name)) return undefined;
    const nqn = go.nqn(name);
    return nqn ? { id: name, nqn, file: `${base}/${name}.img` } : undefined;
  },
  snapshotId(name: string): string {
    const u = go.uuid5(name);
    return `snap-${u}-at-${u.replaceAll('-', '').slice(0, 10)}`;
  },
};

const BASE = '/storage-pool/metal-csi';
const NAMES: readonly string[] = [
  'pvc-0b6c3f8e-7d3c-4c2e-9a51-2f4c1d8e9b10',
  'pvc-ffffffff-0000-4000-8000-000000000001',
  'data-0',
  'vol-1',
  'Data-Volume-A',
  'sanity-controller-1A2B',
  'UPPER',
  'MiXeD-CaSe-123',
  'a',
  'x'.repeat(128),
  `Long-${'Ab9'.repeat(50)}`.slice(0, 150),
  'z'.repeat(198),
  'z'.repeat(199),
  'q'.repeat(250),
  'r'.repeat(251),
  'pvc-not-a-uuid',
  'pvc-0B6C3F8E-7D3C-4C2E-9A51-2F4C1D8E9B10',
  '0b6c3f8e-7d3c-4c2e-9a51-2f4c1d8e9b10',
  'x.y_z-1',
  'my volume/ä',
  'snapshot-1',
  'Daily-Backup-2024',
  '',
];

describe('names → IDs, NQNs, files and snapshot handles, against the Go driver\'s rules', () => {
  it('pins uuid5 to values computed by an independent implementation (Python uuid.uuid5, DNS namespace)', () => {
    expect(go.uuid5('python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(go.uuid5('Daily-Backup-2024')).toBe('d830fd2e-3b11-503e-82aa-8f4df4e3a267');
    expect(go.uuid5('ümlaut name')).toBe('0f62fd77-7037-5657-8873-dfef8cdbaaa9');
    expect(snapshotIdForName('snapshot-1')).toBe('snap-6a68ee75-bc83-5a99-a647-c2bf3ee96f67-at-6a68ee75bc');
  });

  it.each(NAMES.map((n) => [n.length > 40 ? `${n.slice(0, 20)}…(${n.length})` : JSON.stringify(n), n]))('%s', (_label, name) => {
    const theirs = go.create(name, BASE);
    const id = volumeIdForName(name);
    if (theirs) {
      // Every name the Go driver could create gets the same ID, NQN and file here.
      expect(id).toBe(theirs.id);
      expect(nqnForVolume(id)).toBe(theirs.nqn);
      expect(volumeFilePath(parseBasePath(BASE), id)).toBe(theirs.file);
    } else {
      // Names the Go driver refused get its own derivation for names, an ID it accepts (rollback-safe).
      expect(id).toBe(`pvc-${go.uuid5(name)}`);
      expect(go.create(id, BASE)).toEqual({ id, nqn: go.nqn(id), file: `${BASE}/${id}.img` });
    }
    expect(volumeIdForName(name)).toBe(id);
    expect(snapshotIdForName(name)).toBe(go.snapshotId(name));
  });

  it('covers capitals, names over 128 characters, and both Go outcomes', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(20);
    expect(NAMES.filter((n) => /[A-Z]/.test(n) && go.create(n, BASE)).length).toBeGreaterThanOrEqual(4);
    expect(NAMES.filter((n) => n.length > 128 && go.create(n, BASE)).length).toBeGreaterThanOrEqual(2);
    expect(NAMES.filter((n) => !go.create(n, BASE)).length).toBeGreaterThanOrEqual(5);
  });
});
