import { describe, expect, it } from 'vitest';
import {
  classifyCommandResult,
  MAX_BACKEND_TEXT,
  sanitiseBackendText,
} from '../../../src/adapters/routeros/routeros-result-classification.js';

const r = (stdout: string, stderr: string, exitCode: number) => ({ stdout, stderr, exitCode });

describe('classifyCommandResult: exit status AND text, on whichever stream', () => {
  it.each([
    ['clean success', r('', '', 0), { kind: 'ok' }],
    ['print output with a word "disabled"', r('Flags: X - disabled\r\n 0 X type=file slot="a"\r\n', '', 0), { kind: 'ok' }],
    ['failure on stdout, exit 1', r('failure: not enough space\r\n', '', 1), { reason: 'not-enough-space' }],
    ['failure on stdout, exit 0', r('failure: not enough space\r\n', '', 0), { reason: 'not-enough-space' }],
    ['failure on stderr, exit 0', r('', 'failure: not enough space\r\n', 0), { reason: 'not-enough-space' }],
    ['failure on stderr, exit 1', r('', 'failure: not enough space\r\n', 1), { reason: 'not-enough-space' }],
    ['no such item, exit 0 on stdout', r('failure: no such item\r\n', '', 0), { reason: 'no-such-item' }],
    ['no such item, exit 1 on stderr', r('', 'no such item\r\n', 1), { reason: 'no-such-item' }],
    ['bad command name', r('bad command name foo (line 1 column 2)\r\n', '', 1), { reason: 'rejected' }],
    ['syntax error, exit 0', r('syntax error (line 1 column 7)\r\n', '', 0), { reason: 'rejected' }],
    ['expected end of command', r('', 'expected end of command (line 1 column 9)', 0), { reason: 'rejected' }],
    ['invalid value', r('invalid value for argument file-size\r\n', '', 0), { reason: 'rejected' }],
    ['output before a failure line', r(' 0  slot="a"\r\nfailure: disk is busy\r\n', '', 0), { reason: 'rejected' }],
    ['unknown non-zero exit without text', r('', '', 2), { reason: 'rejected', text: 'exit status 2' }],
    ['unmarked stderr with exit 0', r('', 'something odd', 0), { reason: 'rejected', text: 'something odd' }],
  ] as [string, ReturnType<typeof r>, Record<string, unknown>][])('%s', (_name, result, expected) => {
    expect(classifyCommandResult(result)).toMatchObject('kind' in expected ? expected : { kind: 'failed', ...expected });
  });

  it('carries the failure line as the backend text', () => {
    expect(classifyCommandResult(r('failure: volume already exists\r\n', '', 1))).toEqual({
      kind: 'failed',
      reason: 'rejected',
      text: 'failure: volume already exists',
    });
  });

  it('does not take a field named "invalid=" or "error=" for a failure', () => {
    expect(classifyCommandResult(r('invalid=no error=none\r\n', '', 0))).toEqual({ kind: 'ok' });
  });
});

describe('sanitiseBackendText', () => {
  it('makes one printable line, bounded', () => {
    expect(sanitiseBackendText('a\r\nb\tc\x1b[31m\u00e9')).toBe('a b c?[31m?');
    const long = sanitiseBackendText('x'.repeat(5000));
    expect(long.length).toBe(MAX_BACKEND_TEXT + 1);
    expect(long.endsWith('…')).toBe(true);
  });
});
