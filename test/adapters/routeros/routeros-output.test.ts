import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDiskPrint, parseFilePrint, parseKeyColonLines } from '../../../src/adapters/routeros/routeros-output.js';
import type { DiskRecord } from '../../../src/adapters/routeros/routeros-output.js';
import { joinContinuation, splitRecords } from '../../../src/adapters/routeros/routeros-records.js';
import { GiB, MiB } from '../../../src/domain/size.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/routeros/${name}`, import.meta.url), 'latin1');

function disks(name: string): DiskRecord[] {
  const result = parseDiskPrint(fixture(name));
  if (!result.ok) throw new Error(`fixture ${name} did not parse: ${result.error.reason}`);
  return result.value;
}

const pick = (d: DiskRecord) => ({
  slot: d.slot,
  type: d.type,
  filePath: d.filePath,
  sizeBytes: d.sizeBytes,
  exported: d.exported,
  nvmePort: d.nvmePort,
  nvmeNqn: d.nvmeNqn,
});

describe('parseDiskPrint on captured samples (routeros.md 3.3)', () => {
  it.each(['disk-single-real.txt', 'disk-single-real.crlf.txt'])('%s: the real multi-line single disk', (name) => {
    const [disk, ...rest] = disks(name);
    expect(rest).toEqual([]);
    expect(pick(disk!)).toEqual({
      slot: 'pvc-test-123',
      type: 'file',
      filePath: '/storage-pool/test.img',
      sizeBytes: 53_687_091_200,
      exported: true,
      nvmePort: 4420,
      nvmeNqn: 'nqn.2000-02.com.mikrotik:pvc-test-123',
    });
    // keys are whole tokens: sector-size and file-size do not leak into size
    expect(disk!.fields.get('sector-size')).toBe('512');
    expect(disk!.fields.get('file-size')).toBe('50.0GiB');
    expect(disk!.fields.get('model')).toBe('/storage-pool/test.img');
  });

  it.each(['disk-list.txt', 'disk-list-with-flags.txt', 'disk-list-with-flags.crlf.txt'])(
    '%s: indexed entries separated by blank lines, space-grouped sizes',
    (name) => {
      expect(disks(name).map(pick)).toEqual([
        {
          slot: 'pvc-test-1',
          type: 'file',
          filePath: '/storage-pool/test1.img',
          sizeBytes: 50 * GiB,
          exported: true,
          nvmePort: 4420,
          nvmeNqn: 'nqn.2000-02.com.mikrotik:pvc-test-1',
        },
        {
          slot: 'pvc-test-2',
          type: 'file',
          filePath: '/storage-pool/test2.img',
          sizeBytes: 100 * GiB,
          exported: true,
          nvmePort: 4420,
          nvmeNqn: 'nqn.2000-02.com.mikrotik:pvc-test-2',
        },
      ]);
    },
  );

  it.each(['disk-flags-only.txt', 'disk-flags-only.crlf.txt', 'disk-flags-only-mock.txt'])(
    '%s: a Flags header alone means "nothing matched"',
    (name) => {
      expect(disks(name)).toEqual([]);
    },
  );

  it('empty output means nothing matched', () => {
    expect(parseDiskPrint('')).toEqual({ ok: true, value: [] });
    expect(parseDiskPrint('\r\n\r\n')).toEqual({ ok: true, value: [] });
  });

  it.each(['disk-split-path.txt', 'disk-split-path.crlf.txt'])('%s: a path split mid-token is rejoined', (name) => {
    const [disk] = disks(name);
    expect(disk!.filePath).toBe('/storage-pool/metal-csi/pvc-xxx-yyy.img');
    expect(disk!.sizeBytes).toBe(GiB);
  });

  it('keeps entries flagged disabled (the Go driver dropped every line containing "disabled")', () => {
    const [disk] = disks('disk-disabled-flag.txt');
    expect(disk!.flags).toEqual(['X']);
    expect(disk!.slot).toBe('pvc-disabled-1');
    expect(disk!.filePath).toBe('/storage-pool/metal-csi/pvc-disabled-1.img');
  });

  it('reads a snapshot entry without NVMe fields and with only a human size', () => {
    const [snap] = disks('snapshot-entry.txt');
    expect(snap).toMatchObject({
      slot: 'snap-a1b2c3d4-e5f6-7890-abcd-ef1234567890-at-1739800000',
      filePath: '/storage-pool/metal-csi/snap-a1b2c3d4-e5f6-7890-abcd-ef1234567890-at-1739800000.img',
      sizeBytes: 50 * GiB,
      exported: false,
    });
    expect(snap!.nvmePort).toBeUndefined();
  });

  it.each(['capacity-mount-point.txt', 'capacity-mount-point.crlf.txt'])('%s: pool size and free space', (name) => {
    const [pool] = disks(name);
    expect(pool).toMatchObject({
      slot: 'storage-pool',
      mountPoint: 'storage-pool',
      sizeBytes: 7_949_127_950_336,
      freeBytes: 5_963_595_964_416,
    });
  });

  it('prefers the exact raw size= over the rounded human file-size=', () => {
    const out = 'type=file slot="a" size=1 074 790 400 file-size=1.0GiB file-path=/p/a.img';
    expect(disks2(out)[0]!.sizeBytes).toBe(GiB + MiB);
  });

  it('returns a typed parse error, never throws, on output that is not a disk listing', () => {
    for (const text of [
      fixture('disk-print-brief.txt'),
      fixture('key-colon-disk.txt'),
      'failure: not enough space\r\n',
      'type=file slot="unterminated',
      ' 0  type=file size=1',
    ]) {
      const result = parseDiskPrint(text);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.kind).toBe('parse-error');
    }
  });
});

function disks2(text: string): DiskRecord[] {
  const r = parseDiskPrint(text);
  if (!r.ok) throw new Error(r.error.reason);
  return r.value;
}

describe('older capacity samples', () => {
  it('reads size and free from the flush-left /file capacity answer and the parser comment', () => {
    const r = parseFilePrint(fixture('capacity-file-query.txt'));
    expect(r.ok && r.value).toEqual([{ name: '/storage-pool', type: 'directory', sizeBytes: 7_681_574_174_720 }]);
    const records = splitRecords(fixture('capacity-file-query.txt'));
    expect(records.ok && records.value.length).toBe(1);
    const comment = splitRecords(fixture('capacity-comment.txt'));
    expect(comment.ok && comment.value[0]!.text).toBe('size=7 681 574 174 720 free=7 301 927 047 168 use=5%');
  });
});

describe('parseFilePrint', () => {
  it.each(['file-list.txt', 'file-list.crlf.txt'])('%s: names get a leading slash, "type=.img file size="', (name) => {
    const r = parseFilePrint(fixture(name));
    expect(r.ok && r.value).toEqual([
      { name: '/storage-pool/metal-csi', type: 'directory', sizeBytes: undefined },
      {
        name: '/storage-pool/metal-csi/pvc-ccdecfad-a8bf-572e-9120-464c4d99f12f.img',
        type: '.img file',
        sizeBytes: 10 * GiB,
      },
    ]);
  });
});

describe('parseKeyColonLines', () => {
  it.each(['system-resource.txt', 'system-resource.crlf.txt'])('%s: resource print', (name) => {
    const r = parseKeyColonLines(fixture(name));
    expect(r.ok && Object.fromEntries(r.value)).toEqual({ uptime: '15d2h45m30s', version: '7.16' });
  });

  it.each(['disk-metrics.txt', 'disk-metrics.crlf.txt'])('%s: monitor-traffic once', (name) => {
    const r = parseKeyColonLines(fixture(name));
    if (!r.ok) throw new Error(r.error.reason);
    expect(r.value.get('slot')).toBe('storage-pool');
    expect(r.value.get('write-bytes')).toBe('515 659 673 600');
    expect(r.value.get('write-rate')).toBe('12.8Mbps');
    expect(r.value.size).toBe(22);
  });

  it('reports a line that is not key: value', () => {
    const r = parseKeyColonLines('version: 7.16\r\nbad command name foo\r\n');
    expect(r).toMatchObject({ ok: false, error: { kind: 'parse-error', line: 2 } });
  });
});

describe('joinContinuation', () => {
  it.each([
    ['file-path=/storage-pool/metal-csi/pvc-xxx', '-yyy.img', 'file-path=/storage-pool/metal-csi/pvc-xxx-yyy.img'],
    ['a=1 model="/storage-pool/lo', 'ng.img"', 'a=1 model="/storage-pool/long.img"'],
    ['a=1 file-path=', '/p/x.img', 'a=1 file-path=/p/x.img'],
    ['file-path=/p/x.img', 'file-size=1.0GiB', 'file-path=/p/x.img file-size=1.0GiB'],
    ['size=53 687', '091 200', 'size=53 687 091 200'],
    ['creation-time=jan/01/2025', '00:00:00', 'creation-time=jan/01/2025 00:00:00'],
    ['type=.img', 'file size=1.0GiB', 'type=.img file size=1.0GiB'],
  ])('%j + %j', (previous, continuation, joined) => {
    expect(joinContinuation(previous, continuation)).toBe(joined);
  });
});
