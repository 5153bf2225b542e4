import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseMountinfo, unescapeOctal } from '../../../src/adapters/mount/mountinfo-parser.js';

const fixture = new URL('../../fixtures/mount/mountinfo-node.txt', import.meta.url);

describe('parseMountinfo', () => {
  it('parses every well-formed line of a node mount table and skips the rest', async () => {
    const entries = parseMountinfo(await readFile(fixture, 'utf8'));
    expect(entries).toHaveLength(13);
    expect(entries.map((e) => e.mountId)).not.toContain(NaN);
  });

  it('reads the fixed fields, the device number and the fields after the separator', async () => {
    const entries = parseMountinfo(await readFile(fixture, 'utf8'));
    const staged = entries.find((e) => e.mountId === 420)!;
    expect(staged).toEqual({
      mountId: 420,
      parentId: 22,
      major: 259,
      minor: 7,
      root: '/',
      mountPoint: '/var/lib/kubelet/plugins/kubernetes.io/csi/rds.csi.srvlab.io/99aa01/globalmount',
      options: ['ro', 'noatime'],
      fsType: 'xfs',
      source: '/dev/nvme2n1',
      superOptions: ['ro', 'attr2', 'inode64', 'logbufs=8', 'logbsize=32k', 'noquota'],
    });
  });

  it('handles zero, one and several optional fields', async () => {
    const entries = parseMountinfo(await readFile(fixture, 'utf8'));
    expect(entries.find((e) => e.mountId === 431)!.fsType).toBe('xfs');
    expect(entries.find((e) => e.mountId === 412)!.source).toBe('/dev/nvme1n1');
    expect(entries.find((e) => e.mountId === 420)!.source).toBe('/dev/nvme2n1');
  });

  it('unescapes octal sequences in paths', async () => {
    const entries = parseMountinfo(await readFile(fixture, 'utf8'));
    expect(entries.find((e) => e.mountId === 431)!.mountPoint).toBe('/mnt/with space\ttab\\backslash');
    expect(entries.find((e) => e.mountId === 432)!.root).toBe('/sub/dir');
    expect(unescapeOctal('/a\\012b')).toBe('/a\nb');
    expect(unescapeOctal('/plain')).toBe('/plain');
  });

  it('accepts an empty super-options field', async () => {
    const entries = parseMountinfo(await readFile(fixture, 'utf8'));
    expect(entries.find((e) => e.mountId === 433)!.superOptions).toEqual([]);
  });

  it('returns nothing for empty input and for garbage', () => {
    expect(parseMountinfo('')).toEqual([]);
    expect(parseMountinfo('x y z\n1 2 3 4 5 6 7 8 9 10\n')).toEqual([]);
  });

  it('parses the live table of this process and finds the root mount', async () => {
    const entries = parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8'));
    expect(entries.some((e) => e.mountPoint === '/')).toBe(true);
  });
});
