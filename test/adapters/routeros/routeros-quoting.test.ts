import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/domain/errors.js';
import { GiB, KiB, MiB, TiB } from '../../../src/domain/size.js';
import { sizeArgument } from '../../../src/adapters/routeros/routeros-commands.js';
import {
  checkPort,
  escapeRouterOsRegex,
  formatRouterOsSize,
  quoteRouterOsString,
} from '../../../src/adapters/routeros/routeros-quoting.js';

describe('quoteRouterOsString', () => {
  it.each([
    ['pvc-1', '"pvc-1"'],
    ['', '""'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['$x', '"\\$x"'],
    ['what?', '"what\\?"'],
    ['[find]; `x`', '"[find]; `x`"'],
  ])('quotes %j as %s', (value, quoted) => {
    expect(quoteRouterOsString(value, 'v')).toBe(quoted);
  });

  it.each([['a\nb'], ['a\rb'], ['tab\there'], ['nul\0'], ['del\x7f'], ['naïve'], ['pvc-😀'], ['x'.repeat(1025)]])(
    'refuses %j with InvalidArgumentError naming the field and value',
    (value) => {
      expect(() => quoteRouterOsString(value, 'volume ID')).toThrow(InvalidArgumentError);
      expect(() => quoteRouterOsString(value, 'volume ID')).toThrow(/volume ID ".*" cannot be sent/);
    },
  );
});

describe('escapeRouterOsRegex', () => {
  it('escapes every POSIX ERE metacharacter', () => {
    expect(escapeRouterOsRegex('a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o')).toBe(
      'a\\.b\\*c\\+d\\?e\\(f\\)g\\[h\\]i\\{j\\}k\\|l\\^m\\$n\\\\o',
    );
    expect(escapeRouterOsRegex('storage-pool/csi/pvc-1')).toBe('storage-pool/csi/pvc-1');
  });
});

describe('formatRouterOsSize (exact, largest dividing binary unit)', () => {
  it.each([
    [MiB, '1M'],
    [1536 * MiB, '1536M'],
    [2 * GiB, '2G'],
    [TiB, '1T'],
    [3 * TiB + GiB, '3073G'],
    [GiB + MiB, '1025M'],
    [4 * KiB, '4K'],
    [1000, '1000'],
    [1, '1'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatRouterOsSize(bytes)).toBe(text);
  });

  it.each([[0], [-1], [1.5], [Number.NaN], [2 ** 60]])('refuses %d', (bytes) => {
    expect(() => formatRouterOsSize(bytes)).toThrow(InvalidArgumentError);
  });
});

describe('sizeArgument rounds up to 1 MiB before formatting, never down', () => {
  it.each([
    [1.5 * GiB, '1536M'],
    [1, '1M'],
    [GiB + 1, '1025M'],
    [GiB, '1G'],
    [GiB - 1, '1G'],
    [MiB + 1, '2M'],
    [10 * TiB, '10T'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(sizeArgument(bytes)).toBe(text);
  });
});

describe('checkPort', () => {
  it('accepts 1..65535 and refuses the rest', () => {
    expect(checkPort(4420)).toBe(4420);
    for (const bad of [0, 65536, 44.2, -1, Number.NaN]) expect(() => checkPort(bad)).toThrow(InvalidArgumentError);
  });
});
