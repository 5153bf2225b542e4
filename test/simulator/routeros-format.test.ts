import { describe, expect, it } from 'vitest';
import { formatDiskDetail, formatHumanSize, groupDigits, type SimDisk } from '../../simulator/routeros-format.js';
import { formatFileDetail, formatMonitorTraffic } from '../../simulator/routeros-status-format.js';

const GiB = 1024 ** 3;
const body = (out: string) => out.split('\r\n').slice(1);

describe('number formats', () => {
  it('groups digits with spaces', () => {
    expect(groupDigits(53_687_091_200)).toBe('53 687 091 200');
    expect(groupDigits(999)).toBe('999');
    expect(groupDigits(1000)).toBe('1 000');
    expect(groupDigits(0)).toBe('0');
  });

  it('prints human sizes with one decimal and binary units', () => {
    expect(formatHumanSize(50 * GiB)).toBe('50.0GiB');
    expect(formatHumanSize(1.5 * GiB)).toBe('1.5GiB');
    expect(formatHumanSize(GiB)).toBe('1024.0MiB');
    expect(formatHumanSize(100 * GiB)).toBe('100.0GiB');
    expect(formatHumanSize(512)).toBe('512B');
    expect(formatHumanSize(3 * 1024 ** 4)).toBe('3.0TiB');
  });
});

describe('formatDiskDetail', () => {
  const sample: SimDisk = {
    slot: 'pvc-test-123',
    filePath: '/storage-pool/test.img',
    sizeBytes: 50 * GiB,
    nvmeExport: { port: 4420, nqn: 'nqn.2000-02.com.mikrotik:pvc-test-123' },
  };

  it('reproduces the captured single-disk sample (routeros.md 3.3) byte for byte', () => {
    const fixture = [
      'type=file slot="pvc-test-123" slot-default="" parent="" fs=-',
      '               model="/storage-pool/test.img"',
      '               size=53 687 091 200 mount-filesystem=yes mount-read-only=no',
      '               compress=no sector-size=512 raid-master=none',
      '               nvme-tcp-export=yes nvme-tcp-server-port=4420',
      '               nvme-tcp-server-nqn="nqn.2000-02.com.mikrotik:pvc-test-123"',
      '               nvme-tcp-server-allow-host-name="" iscsi-export=no',
      '               nfs-sharing=no smb-sharing=no media-sharing=no',
      '               media-interface=none swap=no',
      '               file-path=/storage-pool/test.img',
      '               file-size=50.0GiB file-offset=0',
    ];
    const out = formatDiskDetail([sample], { indexed: false });
    expect(out.startsWith('Flags: ')).toBe(true);
    expect(body(out)).toEqual([...fixture, '', '']);
  });

  it('uses CRLF only, a Flags header also for an empty list, and no status field', () => {
    expect(formatDiskDetail([])).toMatch(/^Flags: [^\r\n]*\r\n$/);
    const out = formatDiskDetail([sample, { ...sample, slot: 'pvc-2' }]);
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(out).not.toContain('status');
  });

  it('prefixes items with right-aligned indexes and separates them by blank lines', () => {
    const disks = Array.from({ length: 11 }, (_, i) => ({ ...sample, slot: `pvc-${i}` }));
    const lines = formatDiskDetail(disks).split('\r\n');
    expect(lines[1]).toMatch(/^ 0 {2}type=file slot="pvc-0"/);
    expect(lines.filter((l) => /^\d/.test(l) || /^ \d/.test(l)).map((l) => l.slice(0, 4))).toEqual([
      ' 0  ', ' 1  ', ' 2  ', ' 3  ', ' 4  ', ' 5  ', ' 6  ', ' 7  ', ' 8  ', ' 9  ', '10  ',
    ]);
    expect(lines.filter((l) => l === '')).toHaveLength(12);
  });

  it('splits a long file path mid-token at the line width, keeping every line within 79 columns', () => {
    const path = '/storage-pool/metal-csi/volumes/pvc-ccdecfad-a8bf-572e-9120-464c4d99f12f.img';
    const out = formatDiskDetail([{ ...sample, filePath: path }]);
    const lines = out.split('\r\n');
    expect(lines.every((l) => l.length <= 79)).toBe(true);
    const at = lines.findIndex((l) => l.trimStart().startsWith('file-path='));
    expect(lines[at]).toHaveLength(79);
    expect(lines[at + 1]).toMatch(/^ {15}\S/);
    expect(lines[at + 1]!.trimStart()).not.toMatch(/^[a-z-]+=/);
    expect(lines[at]!.trimStart() + lines[at + 1]!.trimStart()).toBe(`file-path=${path}`);
  });

  it('prints nvme-tcp-export=no and no port or NQN for a disk without export', () => {
    const out = formatDiskDetail([{ slot: 'snap-1', filePath: '/storage-pool/s.img', sizeBytes: GiB }]);
    expect(out).toContain('nvme-tcp-export=no');
    expect(out).not.toContain('nvme-tcp-server-port');
    expect(out).not.toContain('nvme-tcp-server-nqn');
    expect(out).toContain('file-size=1024.0MiB');
  });
});

describe('formatFileDetail', () => {
  it('reproduces the captured file list fixture layout', () => {
    const out = formatFileDetail([
      { name: 'storage-pool/metal-csi', type: 'directory', sizeBytes: 0, modifiedAt: Date.UTC(2025, 10, 11, 16, 47, 7) },
      {
        name: 'storage-pool/metal-csi/pvc-ccdecfad-a8bf-572e-9120-464c4d99f12f.img',
        type: 'file',
        sizeBytes: 10 * GiB,
        modifiedAt: Date.UTC(2025, 10, 11, 14, 32, 41),
      },
    ]);
    expect(body(out)).toEqual([
      ' 0   name=storage-pool/metal-csi type=directory',
      '     last-modified=2025-11-11 16:47:07',
      '',
      ' 1   name=storage-pool/metal-csi/pvc-ccdecfad-a8bf-572e-9120-464c4d99f12f.img',
      '     type=.img file size=10.0GiB last-modified=2025-11-11 14:32:41',
      '',
      '',
    ]);
  });
});

describe('formatMonitorTraffic', () => {
  it('aligns keys and values like the captured metrics fixture', () => {
    const lines = formatMonitorTraffic('storage-pool').split('\r\n');
    expect(lines[0]).toBe('                  slot:    storage-pool');
    expect(lines[1]).toBe('              read-ops:               0');
    expect(lines).toContain('            write-rate:            0bps');
    expect(lines).toContain('            flush-time:             0ms');
  });
});
