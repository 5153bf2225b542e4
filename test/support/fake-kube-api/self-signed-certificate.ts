import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSignedCertificate {
  keyPem: string;
  certPem: string;
}

let cached: Promise<SelfSignedCertificate> | undefined;

async function generate(): Promise<SelfSignedCertificate> {
  try {
    await run('openssl', ['version']);
  } catch (e) {
    throw new Error(`fake-kube-api needs the openssl CLI to make its TLS certificate: ${(e as Error).message}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'fake-kube-api-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
    ]);
    return { keyPem: await readFile(key, 'utf8'), certPem: await readFile(cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A certificate for 127.0.0.1, made once per process with the openssl CLI (a failed attempt is retried). */
export function selfSignedCertificate(): Promise<SelfSignedCertificate> {
  cached ??= generate().catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}
