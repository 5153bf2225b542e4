import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDiskDetail, type SimDisk } from '../../../simulator/routeros-format.js';
import { parseDiskPrint, parseFilePrint, parseKeyColonLines } from '../../../src/adapters/routeros/routeros-output.js';

const segment = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,40}$/).filter((s) => s !== '.' && s !== '..');
const volumeId = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/);
const basePath = fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join('/')}`);

const disk: fc.Arbitrary<SimDisk> = fc
  .record({
    slot: volumeId,
    base: basePath,
    sizeBytes: fc.oneof(
      fc.integer({ min: 1, max: 2 ** 33 - 1 }).map((n) => n * 1024 * 1024),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    ),
    exported: fc.boolean(),
    port: fc.integer({ min: 1, max: 65535 }),
  })
  .map(({ slot, base, sizeBytes, exported, port }) => ({
    slot,
    filePath: `${base}/${slot}.img`,
    sizeBytes,
    ...(exported ? { nvmeExport: { port, nqn: `nqn.2000-02.com.mikrotik:${slot.toLowerCase()}` } } : {}),
  }));

// Fragments that appear in RouterOS output, so random input often looks almost right.
const fragment = fc.constantFrom(
  '"', '\\', '=', ' ', '\r\n', '\n', '\r', '\t', 'size=', ' 0  ', '12  ', 'Flags: X - disabled', ';;;', 'slot=',
  'file-path=', '/storage-pool/', 'x', '1 024', '50.0GiB', 'nvme-tcp-export=yes', '               ', ': ', '\u00e9',
);
const noisy = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fragment, { maxLength: 60 }).map((parts) => parts.join('')),
);

describe('RouterOS output parser properties', () => {
  it('never throws on arbitrary input; it returns a value or a typed parse error', () => {
    fc.assert(
      fc.property(noisy, (text) => {
        for (const result of [parseDiskPrint(text), parseFilePrint(text), parseKeyColonLines(text)]) {
          if (!result.ok) expect(result.error.kind).toBe('parse-error');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back exactly what the simulator prints, including long paths split mid-token', () => {
    fc.assert(
      fc.property(fc.array(disk, { maxLength: 12 }), fc.boolean(), (disks, indexed) => {
        const result = parseDiskPrint(formatDiskDetail(disks, { indexed }));
        if (!result.ok) throw new Error(`${result.error.reason} ${result.error.excerpt ?? ''}`);
        expect(
          result.value.map((d) => ({
            slot: d.slot,
            filePath: d.filePath,
            sizeBytes: d.sizeBytes,
            exported: d.exported,
            port: d.nvmePort,
            nqn: d.nvmeNqn,
          })),
        ).toEqual(
          disks.map((d) => ({
            slot: d.slot,
            filePath: d.filePath,
            sizeBytes: d.sizeBytes,
            exported: d.nvmeExport !== undefined,
            port: d.nvmeExport?.port,
            nqn: d.nvmeExport?.nqn,
          })),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('the generator does produce paths longer than a line (so splits are exercised)', () => {
    const printed = formatDiskDetail([
      { slot: 'pvc-1', filePath: `/storage-pool/${'a'.repeat(90)}/pvc-1.img`, sizeBytes: 1048576 },
    ]);
    expect(printed.split('\r\n').some((line) => line.trimStart().startsWith('a'))).toBe(true);
    const r = parseDiskPrint(printed);
    expect(r.ok && r.value[0]!.filePath).toBe(`/storage-pool/${'a'.repeat(90)}/pvc-1.img`);
  });
});
