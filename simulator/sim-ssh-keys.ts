import { createHash } from 'node:crypto';
import type { ParsedKey, PublicKeyAuthContext } from 'ssh2';
import ssh2 from 'ssh2';

const { utils } = ssh2;

export interface HostKey {
  privateKey: string;
  parsed: ParsedKey;
}

/** Parses the configured host key (OpenSSH or PEM private key), or generates an ed25519 one. */
export function loadHostKey(privateKey?: string): HostKey {
  const text = privateKey ?? generateEd25519KeyPair().private;
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error || Array.isArray(parsed) || !parsed.isPrivateKey()) {
    throw new Error('host key is not a usable unencrypted private key');
  }
  return { privateKey: text, parsed };
}

/**
 * An ed25519 key pair in OpenSSH format. ssh2's generator drops a leading zero byte of the public key
 * (about 1 key in 200 comes out 31 bytes long and unparseable), so malformed pairs are regenerated.
 */
export function generateEd25519KeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    const pub = utils.parseKey(pair.public);
    const priv = utils.parseKey(pair.private);
    if (pub instanceof Error || Array.isArray(pub) || priv instanceof Error || Array.isArray(priv)) continue;
    if (pub.getPublicSSH().length === 51 && priv.getPublicSSH().equals(pub.getPublicSSH())) return pair;
  }
}

export function generateHostKeyText(): string {
  return generateEd25519KeyPair().private;
}

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it. */
export function keyFingerprint(key: ParsedKey): string {
  return `SHA256:${createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}

/** `ssh-ed25519 AAAA…`: the public half as an authorized_keys / known_hosts line. */
export function publicKeyLine(key: ParsedKey): string {
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}

/**
 * authorized_keys content (one or more lines per entry; blank and `#` lines skipped). Lines with
 * options before the key type are refused rather than silently ignoring the options.
 */
export function parseAuthorizedKeys(entries: readonly string[]): ParsedKey[] {
  const keys: ParsedKey[] = [];
  for (const line of entries.flatMap((e) => e.split(/\r?\n/))) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (!/^(ssh-|ecdsa-|sk-)/.test(trimmed)) throw new Error('authorized key lines with options are not supported');
    const parsed = utils.parseKey(trimmed);
    if (parsed instanceof Error || Array.isArray(parsed) || parsed.isPrivateKey()) {
      throw new Error('authorized key line is not a public key');
    }
    keys.push(parsed);
  }
  if (keys.length === 0) throw new Error('at least one authorized key is required');
  return keys;
}

/**
 * Public-key auth decision: the offered key must equal a configured one (same key blob, which also
 * fixes the algorithm); when a signature is present it must verify over the session blob.
 */
export function publicKeyAllowed(ctx: PublicKeyAuthContext, keys: readonly ParsedKey[]): boolean {
  const key = keys.find((k) => k.getPublicSSH().equals(ctx.key.data));
  if (key === undefined) return false;
  if (ctx.signature === undefined) return true;
  if (ctx.blob === undefined) return false;
  return key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
}
