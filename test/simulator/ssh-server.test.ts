import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SimEnv, execOn, startEnv } from './sim-test-env.js';
import { generateEd25519KeyPair } from '../../simulator/sim-ssh-keys.js';

const run = promisify(execFile);
let env: SimEnv;
beforeEach(async () => {
  env = await startEnv();
});
afterEach(async () => env.cleanup());

function connectWith(config: Partial<ssh2.ConnectConfig>): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('ready', () => resolve(client));
    client.on('error', (err) => {
      client.end();
      reject(err);
    });
    client.connect({ host: env.sim.host, port: env.sim.port, username: 'metal-csi', readyTimeout: 10_000, ...config });
  });
}

async function sshKeygenFingerprint(publicLine: string): Promise<string> {
  const file = join(env.dir, 'key.pub');
  await writeFile(file, `${publicLine}\n`);
  const { stdout } = await run('ssh-keygen', ['-lf', file]);
  return stdout.split(' ')[1]!;
}

describe('exec over SSH', () => {
  it('answers with CRLF output and exit status 0, errors with exit status 1', async () => {
    const client = await env.connect();
    const ok = await execOn(client, '/disk print detail where slot~"pvc"');
    expect(ok).toEqual({ stdout: expect.stringMatching(/^Flags: [^\r\n]*\r\n$/), stderr: '', exitCode: 0 });
    const bad = await execOn(client, '/disk frobnicate');
    expect(bad).toEqual({ stdout: 'bad command name frobnicate (line 1 column 7)\r\n', stderr: '', exitCode: 1 });
  });

  it('serves concurrent exec channels on one connection', async () => {
    const client = await env.connect();
    const slots = Array.from({ length: 8 }, (_, i) => `pvc-${i}`);
    const replies = await Promise.all(
      slots.map((s) => execOn(client, `/disk add type=file file-path=/storage-pool/csi/${s}.img file-size=1M slot=${s}`)),
    );
    expect(replies.map((r) => r.exitCode)).toEqual(slots.map(() => 0));
    expect((await env.sim.diskSlots()).sort()).toEqual([...slots].sort());
    expect(env.sim.commandLog()).toHaveLength(8);
  });

  it('refuses an interactive shell', async () => {
    const client = await env.connect();
    const err = await new Promise<Error | undefined>((resolve) => client.shell((e) => resolve(e)));
    expect(err).toBeInstanceOf(Error);
  });
});

describe('authentication', () => {
  it('refuses a key that is not authorized', async () => {
    const stranger = generateEd25519KeyPair().private;
    await expect(connectWith({ privateKey: stranger })).rejects.toMatchObject({ level: 'client-authentication' });
  });

  it('refuses an authorized public key whose signature was made by another key', async () => {
    const viaHandler = (key: ssh2.ParsedKey) =>
      connectWith({ authHandler: [{ type: 'publickey', username: 'metal-csi', key }] as unknown as ssh2.AuthenticationType[] });
    (await viaHandler(ssh2.utils.parseKey(env.clientKey.private) as ssh2.ParsedKey)).end();
    const key = ssh2.utils.parseKey(env.clientKey.private) as ssh2.ParsedKey;
    const other = ssh2.utils.parseKey(generateEd25519KeyPair().private) as ssh2.ParsedKey;
    key.sign = (data: Buffer | string, algo?: string) => other.sign(data, algo);
    await expect(viaHandler(key)).rejects.toMatchObject({ level: 'client-authentication' });
  });

  it('accepts an authorized RSA key alongside ed25519 keys', async () => {
    const rsa = ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 });
    await env.sim.stop();
    const { RdsSimulator } = await import('../../simulator/rds-simulator.js');
    env.sim = await RdsSimulator.start({
      dataDir: join(env.dir, 'data'),
      poolSizeBytes: 1024 ** 3,
      authorizedKeys: [`${env.clientKey.public}\n# comment\n${rsa.public} rsa-user`],
    });
    const client = await connectWith({ privateKey: rsa.private });
    expect((await execOn(client, '/system resource print')).exitCode).toBe(0);
    client.end();
  });
});

describe('host key', () => {
  it('generates only well-formed ed25519 pairs (ssh2 alone yields a malformed one about 1 in 200)', () => {
    for (let i = 0; i < 1000; i += 1) {
      const pair = generateEd25519KeyPair();
      const pub = ssh2.utils.parseKey(pair.public) as ssh2.ParsedKey;
      expect(pub.getPublicSSH().equals((ssh2.utils.parseKey(pair.private) as ssh2.ParsedKey).getPublicSSH())).toBe(true);
    }
  });

  it('reports the fingerprint ssh-keygen -lf prints, and the client sees that key', async () => {
    const fingerprint = env.sim.hostKeyFingerprint();
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(await sshKeygenFingerprint(env.sim.hostPublicKeyLine())).toBe(fingerprint);
    let seen = '';
    const client = await connectWith({
      privateKey: env.clientKey.private,
      hostVerifier: (key: Buffer) => {
        seen = key.toString('base64');
        return true;
      },
    });
    client.end();
    expect(env.sim.hostPublicKeyLine()).toBe(`ssh-ed25519 ${seen}`);
  });

  it('accepts a PEM RSA host key and fingerprints it like ssh-keygen', async () => {
    const pem = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    }).privateKey;
    await env.sim.stop();
    const { RdsSimulator } = await import('../../simulator/rds-simulator.js');
    env.sim = await RdsSimulator.start({
      dataDir: join(env.dir, 'data'),
      poolSizeBytes: 1024 ** 3,
      hostKey: pem,
      authorizedKeys: [env.clientKey.public],
    });
    expect(env.sim.hostPublicKeyLine()).toMatch(/^ssh-rsa AAAA/);
    expect(await sshKeygenFingerprint(env.sim.hostPublicKeyLine())).toBe(env.sim.hostKeyFingerprint());
  });
});
