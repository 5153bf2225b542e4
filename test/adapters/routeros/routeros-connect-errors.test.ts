import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/adapters/time/backoff-delay.js';
import {
  describeConnectError,
  describePrivateKeyError,
  redactKeyLike,
} from '../../../src/adapters/routeros/routeros-connect-errors.js';

const ctx = { where: 'rds.lab:22', username: 'metal-csi', connectTimeoutMs: 10_000 };
const err = (message: string, extra: { code?: string; level?: string } = {}) => Object.assign(new Error(message), extra);

describe('describeConnectError', () => {
  it.each([
    [err('connect ECONNREFUSED', { code: 'ECONNREFUSED' }), /refused the TCP connection/, false],
    [err('getaddrinfo ENOTFOUND', { code: 'ENOTFOUND' }), /cannot resolve/, false],
    [err('connect EHOSTUNREACH', { code: 'EHOSTUNREACH' }), /unreachable \(EHOSTUNREACH\)/, false],
    [err('Timed out while waiting for handshake', { level: 'client-timeout' }), /within 10000 ms/, false],
    [err('All configured authentication methods failed', { level: 'client-authentication' }), /user "metal-csi"/, true],
    [err('something else'), /cannot connect to RouterOS at rds.lab:22: something else/, false],
  ])('%s', (error, message, permanent) => {
    const failure = describeConnectError(error, ctx);
    expect(failure.message).toMatch(message);
    expect(failure.permanent).toBe(permanent);
  });

  it('names a host key mismatch with both fingerprints, whatever ssh2 said', () => {
    const failure = describeConnectError(err('Host denied (verification failed)'), {
      ...ctx,
      expectedFingerprint: 'SHA256:expected',
      presentedFingerprint: 'SHA256:presented',
    });
    expect(failure).toEqual({
      message: expect.stringMatching(/host key mismatch .*expected SHA256:expected, presented SHA256:presented/),
      permanent: true,
    });
  });

  it('never echoes key material', () => {
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END OPENSSH PRIVATE KEY-----';
    expect(redactKeyLike(`bad key ${pem}`)).not.toMatch(/b3BlbnNzaC1rZXktdjEAAAAABG5vbmU/);
    expect(describePrivateKeyError(new Error(`Cannot parse privateKey: ${pem}`)).message).not.toContain('b3BlbnNz');
    expect(describePrivateKeyError(new Error('x')).permanent).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, jittered between half and all of it', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 200, 10_000, () => 1))).toEqual([200, 400, 800, 1600]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 200, 10_000, () => 0))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(30, 200, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(30, 200, 10_000, () => 0)).toBe(5_000);
  });
});
