import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execOn, tempDir } from './sim-test-env.js';
import { generateEd25519KeyPair } from '../../simulator/sim-ssh-keys.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
let dir: string;
let cli: string;

/** Compiles only the simulator (and what it imports) into a temp dir, so others' files cannot break this test. */
beforeAll(async () => {
  dir = await tempDir();
  const out = join(dir, 'out');
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { outDir: out, rootDir: root, sourceMap: false, typeRoots: [join(root, 'node_modules/@types')] },
      include: [],
      files: [join(root, 'simulator/main.ts')],
    }),
  );
  await run(join(root, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: root });
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  await symlink(join(root, 'node_modules'), join(out, 'node_modules'));
  cli = join(out, 'simulator/main.js');
}, 120_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

function oneShot(command: string | undefined, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((done) => {
    const env = { ...process.env };
    if (command === undefined) delete env.SSH_ORIGINAL_COMMAND;
    else env.SSH_ORIGINAL_COMMAND = command;
    execFile(process.execPath, [cli, '--one-shot', ...args], { env }, (error, stdout, stderr) => {
      done({ stdout, stderr, code: error ? Number(error.code) : 0 });
    });
  });
}

describe('one-shot mode (OpenSSH forced command)', () => {
  it('runs SSH_ORIGINAL_COMMAND against the data dir and exits with its status', async () => {
    const data = join(dir, 'one-shot');
    const add = '/disk add type=file file-path=/storage-pool/a/pvc-1.img file-size=1G slot=pvc-1';
    expect(await oneShot(add, ['--data-dir', data, '--pool-size', '10G'])).toEqual({ stdout: '', stderr: '', code: 0 });
    const print = await oneShot('/disk print detail where slot~"pvc"', ['--data-dir', data]);
    expect(print.code).toBe(0);
    expect(print.stdout).toMatch(/^Flags: [^\n]*\r\n 0 {2}type=file slot="pvc-1"/);
    expect(await oneShot(add, ['--data-dir', data])).toEqual({ stdout: 'failure: slot already exists\r\n', stderr: '', code: 1 });
    const onStderr = await oneShot('/nope', ['--data-dir', data, '--error-stream', 'stderr']);
    expect(onStderr).toEqual({ stdout: '', stderr: 'bad command name nope (line 1 column 2)\r\n', code: 1 });
  });

  it('loses no update when several processes change the same data dir at once', async () => {
    const data = join(dir, 'concurrent');
    await oneShot('/system resource print', ['--data-dir', data, '--pool-size', '100G']);
    const slots = Array.from({ length: 6 }, (_, i) => `pvc-${i}`);
    const results = await Promise.all(
      slots.map((s) => oneShot(`/disk add type=file file-path=/storage-pool/c/${s}.img file-size=1G slot=${s}`, ['--data-dir', data])),
    );
    expect(results.map((r) => r.code)).toEqual(slots.map(() => 0));
    const listed = await oneShot('/disk print detail where slot~"pvc"', ['--data-dir', data]);
    expect([...listed.stdout.matchAll(/slot="(pvc-\d)"/g)].map((m) => m[1]).sort()).toEqual(slots);
  });

  it('fails with exit 2 and a clear message on bad usage', async () => {
    const noCommand = await oneShot(undefined, ['--data-dir', join(dir, 'x')]);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toMatch(/SSH_ORIGINAL_COMMAND/);
    const noPool = await oneShot('/disk print detail', ['--data-dir', join(dir, 'fresh')]);
    expect(noPool.code).toBe(2);
    expect(noPool.stderr).toMatch(/pool size is required/);
  });
});

describe('server mode', () => {
  function serve(args: string[]): Promise<{ child: ChildProcess; port: number; fingerprint: string }> {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((done, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const port = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
        const fp = /host key fingerprint: (SHA256:\S+)/.exec(out);
        if (port && fp) done({ child, port: Number(port[1]), fingerprint: fp[1]! });
      });
      child.on('exit', (code) => fail(new Error(`rds-sim exited ${code}`)));
    });
  }

  async function stop(child: ChildProcess): Promise<number | null> {
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    return exited;
  }

  it('serves SSH, keeps a generated host key stable across restarts and stops on SIGTERM', async () => {
    const key = generateEd25519KeyPair();
    const keyFile = join(dir, 'client.pub');
    await writeFile(keyFile, `${key.public}\n`);
    const data = join(dir, 'server');
    await mkdir(data, { recursive: true });
    const args = ['--listen', '127.0.0.1:0', '--data-dir', data, '--pool-size', '100G', '--authorized-key', keyFile];
    const first = await serve(args);
    let seen = '';
    const client = await new Promise<ssh2.Client>((done, fail) => {
      const c = new ssh2.Client();
      c.on('ready', () => done(c)).on('error', fail);
      c.connect({ host: '127.0.0.1', port: first.port, username: 'u', privateKey: key.private, hostHash: 'sha256', hostVerifier: (h: string) => ((seen = h), true) });
    });
    expect((await execOn(client, '/disk print detail')).stdout).toContain('slot=storage-pool');
    client.end();
    expect(`SHA256:${Buffer.from(seen, 'hex').toString('base64').replace(/=+$/, '')}`).toBe(first.fingerprint);
    expect(await stop(first.child)).toBe(0);
    const second = await serve(args);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(await stop(second.child)).toBe(0);
  });

  it('rejects unknown flags, bad sizes and a missing authorized key with exit 2', async () => {
    const fail = (args: string[]) =>
      run(process.execPath, [cli, ...args]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    expect(await fail(['--data-dir', dir, '--authorized-key', 'k', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown flag: --bogus') });
    expect(await fail(['--data-dir', dir, '--authorized-key', 'k', '--pool-size', '12X'])).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid size') });
    expect(await fail(['--data-dir', dir])).toMatchObject({ code: 2, stderr: expect.stringContaining('--authorized-key is required') });
    expect(await fail(['--data-dir', dir, '--authorized-key', 'k', '--listen', 'nohost'])).toMatchObject({ code: 2, stderr: expect.stringContaining('HOST:PORT') });
  });
});
