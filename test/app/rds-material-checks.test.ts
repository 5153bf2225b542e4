import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/adapters/routeros/routeros-host-key.js';
import { privateKeyProblem } from '../../src/adapters/routeros/routeros-ssh-session.js';
import { parseConfig } from '../../src/app/parse-config.js';
import { hostKeyProblem, isDocumentationAddress, keyFileProblem, placeholderMarker } from '../../src/app/rds-material-checks.js';
import type { MaterialChecks } from '../../src/app/rds-material-checks.js';
import { ed25519Pair } from '../support/ssh-keys.js';

const root = resolve(import.meta.dirname, '../..');

/** The placeholder values the shipped example Secrets carry, read from the manifests themselves. */
function examplePlaceholders(file: string): { privateKey: string; hostKey: string } {
  const text = readFileSync(join(root, file), 'utf8');
  const value = (key: string) => JSON.parse(new RegExp(`^\\s*${key}:\\s*(".*")\\s*$`, 'm').exec(text)![1]!) as string;
  return { privateKey: value('rds-private-key'), hostKey: value('rds-host-key') };
}

const pair = ed25519Pair();
const publicLine = pair.public.trim();
const fingerprint = fingerprintOf(Buffer.from(publicLine.split(' ')[1]!, 'base64'));

/** An in-memory file system: the checks see only what a test puts here. */
function files(contents: Record<string, string>): MaterialChecks {
  return {
    read: (path) => (path in contents ? { text: contents[path]! } : { error: 'ENOENT' }),
    privateKey: (text) => privateKeyProblem(text),
  };
}

describe('placeholders and documentation addresses', () => {
  it('recognises the documentation ranges only', () => {
    for (const a of ['192.0.2.10', '198.51.100.1', '203.0.113.254', '2001:db8::1']) expect(isDocumentationAddress(a)).toBe(true);
    for (const a of ['10.0.0.1', '192.0.20.1', '192.168.2.1', '203.0.114.1', 'rds.lan', '2001:db9::1']) expect(isDocumentationAddress(a)).toBe(false);
  });

  it('finds the markers of the shipped example Secrets', () => {
    // The chart's example Secret (secret.createExample); the kustomize base ships none.
    for (const file of ['deploy/helm/rds-csi/templates/secret-example.yaml']) {
      const example = examplePlaceholders(file);
      expect(placeholderMarker(example.privateKey)).toBeDefined();
      expect(placeholderMarker(example.hostKey)).toBeDefined();
    }
    expect(placeholderMarker('SHA256:...')).toBe('...');
    expect(placeholderMarker('<your key>')).toBe('<your key>');
  });
});

describe('key file and host key checks', () => {
  const example = examplePlaceholders('deploy/helm/rds-csi/templates/secret-example.yaml');

  it('accepts a real private key and refuses placeholders, public keys and garbage without quoting them', () => {
    const fs = files({ '/k/real': pair.private, '/k/example': example.privateKey, '/k/public': publicLine, '/k/garbage': 'c2VjcmV0LWJ1dC1ub3QtYS1rZXktc2VjcmV0' });
    expect(keyFileProblem('--rds-key-file', '/k/real', fs)).toBeUndefined();
    expect(keyFileProblem('--rds-key-file', '/k/example', fs)).toMatch(/^--rds-key-file: \/k\/example holds placeholder text \("REPLACE-ME"\), not a private key; put the RouterOS user's private key in the Secret's rds-private-key/);
    expect(keyFileProblem('--rds-key-file', '/k/public', fs)).toMatch(/^--rds-key-file: \/k\/public is not a usable private key \(/);
    const garbage = keyFileProblem('--rds-key-file', '/k/garbage', fs);
    expect(garbage).toMatch(/is not a usable private key/);
    expect(garbage).not.toContain('c2VjcmV0');
    expect(keyFileProblem('--rds-key-file', '/k/missing', fs)).toMatch(/^--rds-key-file: cannot read \/k\/missing \(ENOENT\)/);
  });

  it('accepts fingerprints and key lines, inline or in a file; names placeholders and malformed pins', () => {
    const fs = files({ '/h/line': `${publicLine}\n`, '/h/fp': fingerprint, '/h/example': example.hostKey, '/h/bad': 'not a key' });
    for (const value of [fingerprint, publicLine, '/h/line', '/h/fp']) expect(hostKeyProblem('--rds-host-key', value, fs)).toBeUndefined();
    expect(hostKeyProblem('--rds-host-key', '/h/example', fs)).toMatch(/^--rds-host-key: \/h\/example holds placeholder text \("REPLACE-ME"\), not a host key; pin the RDS host key/);
    expect(hostKeyProblem('--rds-host-key', example.hostKey, fs)).toMatch(/^--rds-host-key "REPLACE-ME: .*" is placeholder text, not a host key or a file/);
    expect(hostKeyProblem('--rds-host-key', 'SHA256:...', fs)).toMatch(/^--rds-host-key "SHA256:\.\.\." holds placeholder text/);
    expect(hostKeyProblem('--rds-host-key', 'SHA256:abc', fs)).toMatch(/^--rds-host-key "SHA256:abc": host key "SHA256:abc" is not a "SHA256:…" fingerprint/);
    expect(hostKeyProblem('--rds-host-key', '/h/bad', fs)).toMatch(/^--rds-host-key: \/h\/bad: host key "not a key" is not/);
    expect(hostKeyProblem('--rds-host-key', '/h/missing', fs)).toMatch(/cannot read \/h\/missing \(ENOENT\)/);
  });
});

describe('serve configuration with the example values', () => {
  it('lists every placeholder at once: addresses, key file and host key', () => {
    const example = examplePlaceholders('deploy/helm/rds-csi/templates/secret-example.yaml');
    const fs = files({ '/etc/rds-csi/secret/rds-private-key': example.privateKey, '/etc/rds-csi/secret/rds-host-key': example.hostKey });
    const env = { RDS_CSI_RDS_ADDRESS: '192.0.2.10', RDS_CSI_NVME_ADDRESS: '192.0.2.20', RDS_CSI_RDS_USER: 'rds-csi' };
    const flags = ['--mode=controller', '--rds-key-file=/etc/rds-csi/secret/rds-private-key', '--rds-host-key=/etc/rds-csi/secret/rds-host-key'];
    const result = parseConfig(flags, env, 'h', fs);
    expect(result).toMatchObject({ ok: false });
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.stringMatching(/^--rds-address \(RDS_CSI_RDS_ADDRESS\) "192\.0\.2\.10" is a documentation placeholder/),
      expect.stringMatching(/^--nvme-address \(RDS_CSI_NVME_ADDRESS\) "192\.0\.2\.20" is a documentation placeholder/),
      expect.stringMatching(/^--rds-key-file \(RDS_CSI_RDS_KEY_FILE\): \/etc\/rds-csi\/secret\/rds-private-key holds placeholder text/),
      expect.stringMatching(/^--rds-host-key \(RDS_CSI_RDS_HOST_KEY\): \/etc\/rds-csi\/secret\/rds-host-key holds placeholder text/),
    ]);
  });

  it('passes real values', () => {
    const fs = files({ '/key': pair.private, '/host': publicLine });
    const flags = ['--mode=controller', '--rds-address=10.1.2.3', '--rds-user=rds-csi', '--rds-key-file=/key', '--rds-host-key=/host'];
    expect(parseConfig(flags, {}, 'h', fs)).toMatchObject({ ok: true });
  });
});
