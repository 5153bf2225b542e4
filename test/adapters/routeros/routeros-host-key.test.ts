import { createHash } from 'node:crypto';
import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/domain/errors.js';
import { fingerprintOf, hostKeyMatches, parseHostKeyPin } from '../../../src/adapters/routeros/routeros-host-key.js';
import { ed25519Pair } from '../../support/ssh-keys.js';

const key = ed25519Pair();
const other = ed25519Pair();
const blobOf = (publicLine: string) => Buffer.from(publicLine.split(' ')[1]!, 'base64');

describe('host key pinning', () => {
  const blob = blobOf(key.public);
  const expectedFp = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

  it('computes the ssh-keygen -lf fingerprint', () => {
    expect(fingerprintOf(blob)).toBe(expectedFp);
    expect(expectedFp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('accepts a SHA256 fingerprint pin (with or without trailing "=")', () => {
    expect(hostKeyMatches(parseHostKeyPin(expectedFp), blob)).toBe(true);
    expect(hostKeyMatches(parseHostKeyPin(`${expectedFp}=`), blob)).toBe(true);
    expect(hostKeyMatches(parseHostKeyPin(expectedFp), blobOf(other.public))).toBe(false);
  });

  it('accepts an authorized_keys line, comment optional, and compares the key blob', () => {
    expect(hostKeyMatches(parseHostKeyPin(`${key.public.trim()} admin@rds`), blob)).toBe(true);
    expect(hostKeyMatches(parseHostKeyPin(key.public.trim().split(' ').slice(0, 2).join(' ')), blob)).toBe(true);
    expect(hostKeyMatches(parseHostKeyPin(other.public), blob)).toBe(false);
  });

  it('accepts an RSA key line', () => {
    const rsa = utils.generateKeyPairSync('rsa', { bits: 2048 });
    expect(hostKeyMatches(parseHostKeyPin(rsa.public), blobOf(rsa.public))).toBe(true);
  });

  it.each(['', 'SHA256:short', 'MD5:aa:bb', 'ssh-ed25519 notbase64!', `ssh-rsa ${key.public.split(' ')[1]!}`])(
    'refuses %j',
    (value) => {
      expect(() => parseHostKeyPin(value)).toThrow(InvalidArgumentError);
    },
  );
});
