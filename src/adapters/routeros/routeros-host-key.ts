import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../domain/errors.js';
import { describeValue } from '../../domain/ids.js';

/**
 * Host-key pinning. The pin is either the fingerprint `ssh-keygen -lf` prints (`SHA256:<base64, no
 * padding>`) or an authorized_keys-style line (`ssh-ed25519 AAAA… comment`), whose key blob is compared.
 * Fingerprints are public; they may appear in messages and logs.
 */
export interface HostKeyPin {
  /** The fingerprint the presented key must have. */
  readonly fingerprint: string;
}

const FINGERPRINT = /^SHA256:([A-Za-z0-9+/]{43})=?$/;
const KEY_LINE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|rsa-sha2-(?:256|512))\s+([A-Za-z0-9+/]+={0,2})(?:\s+.*)?$/;

export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export function parseHostKeyPin(value: string): HostKeyPin {
  const text = value.trim();
  const fp = FINGERPRINT.exec(text);
  if (fp) return { fingerprint: `SHA256:${fp[1]!}` };
  const line = KEY_LINE.exec(text);
  if (line) {
    const blob = Buffer.from(line[2]!, 'base64');
    // The blob starts with the length-prefixed key type; a mismatch means the line is not a key.
    const typeLength = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
    const type = blob.subarray(4, 4 + typeLength).toString('latin1');
    if (type.length > 0 && (type === line[1] || (line[1]!.startsWith('rsa-sha2') && type === 'ssh-rsa'))) {
      return { fingerprint: fingerprintOf(blob) };
    }
  }
  throw new InvalidArgumentError(
    `host key ${describeValue(text)} is not a "SHA256:…" fingerprint or an "ssh-ed25519 AAAA…" public key line`,
  );
}

export function hostKeyMatches(pin: HostKeyPin, presentedKey: Buffer): boolean {
  return fingerprintOf(presentedKey) === pin.fingerprint;
}
