import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BUILT_MAIN as main, NODE as node } from '../support/built-driver.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GetPluginInfoResponse } from '../../src/generated/csi/csi.js';
import { CsiClient } from '../support/csi-client.js';
import { removeDir, tempDir } from '../support/csi-driver-harness.js';

const run = promisify(execFile);

/** The built `rds-csi` executable, run as an operator would. */
describe('rds-csi command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  }, 120_000);
  afterAll(async () => removeDir(dir));

  it('exits 2 before starting anything, listing every configuration problem', async () => {
    const failure = await run(node, [main, 'serve', '--mode', 'controller', '--endpoint', `unix://${dir}/x.sock`], { env: {} }).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2 });
    const stderr = (failure as { stderr: string }).stderr;
    expect(stderr).toMatch(/--rds-address .* is required/);
    expect(stderr).toMatch(/--rds-key-file .* is required/);
    expect(stderr).toMatch(/--rds-host-key .* is required/);
    expect(existsSync(join(dir, 'x.sock'))).toBe(false);
  });

  it('exits 2 naming an unreadable key file', async () => {
    const args = ['serve', '--mode', 'controller', '--rds-address', '10.0.0.1', '--rds-user', 'rds-csi', '--rds-key-file', join(dir, 'missing-key'), '--rds-host-key', 'SHA256:x', '--attachment-store', 'memory', '--endpoint', `unix://${dir}/y.sock`];
    const failure = await run(node, [main, ...args], { env: {} }).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringMatching(/--rds-key-file \(RDS_CSI_RDS_KEY_FILE\): cannot read .*missing-key \(ENOENT\)/) });
  });

  it('serve with the example Secret and addresses exits 2 naming every placeholder, never the key text', async () => {
    const secret = join(dir, 'secret');
    await mkdir(secret, { recursive: true });
    await writeFile(join(secret, 'rds-private-key'), 'REPLACE-ME: OpenSSH private key of the RouterOS user');
    await writeFile(join(secret, 'rds-host-key'), 'REPLACE-ME: SHA256 fingerprint or public key line of the RDS host key');
    const args = ['serve', '--mode=controller', `--rds-key-file=${secret}/rds-private-key`, `--rds-host-key=${secret}/rds-host-key`, '--attachment-store=memory', `--endpoint=unix://${dir}/p.sock`, '-v=5'];
    const env = { RDS_CSI_RDS_ADDRESS: '192.0.2.10', RDS_CSI_NVME_ADDRESS: '192.0.2.20' };
    const failure = await run(node, [main, ...args], { env }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2, stdout: '' });
    const lines = (failure as { stderr: string }).stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toEqual([
      '  - -v is a flag of the Go driver: use --log-level debug',
      expect.stringMatching(/--rds-user \(RDS_CSI_RDS_USER\) is required in controller mode/),
      expect.stringMatching(/--rds-address \(RDS_CSI_RDS_ADDRESS\) "192\.0\.2\.10" is a documentation placeholder/),
      expect.stringMatching(/--nvme-address \(RDS_CSI_NVME_ADDRESS\) "192\.0\.2\.20" is a documentation placeholder/),
      expect.stringMatching(/--rds-key-file .*rds-private-key holds placeholder text \("REPLACE-ME"\), not a private key/),
      expect.stringMatching(/--rds-host-key .*rds-host-key holds placeholder text \("REPLACE-ME"\), not a host key/),
    ]);
    expect(existsSync(join(dir, 'p.sock'))).toBe(false);
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(await readFile(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['version'], ['serve', '--mode', 'node', '--version']]) {
      expect(await run(node, [main, ...args])).toMatchObject({ stdout: `rds-csi ${version}\n` });
    }
  });

  it('prints the flags with their variables and defaults', async () => {
    const { stdout } = await run(node, [main, 'help']);
    expect(stdout).toMatch(/--rds-host-key VALUE/);
    expect(stdout).toMatch(/env RDS_CSI_ENDPOINT, CSI_ENDPOINT/);
  });

  it('start: serves the embedded default on CSI_ENDPOINT, answers CSI, and shuts down cleanly on SIGTERM', async () => {
    const socket = join(dir, 'csi.sock');
    const child = spawn(node, [main, 'start'], { cwd: dir, env: { CSI_ENDPOINT: `unix://${socket}`, PATH: process.env.PATH ?? '' } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('is serving CSI') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(stdout).toContain(`unix://${socket}`);
      expect(existsSync(join(dir, 'var/rds/state.json')) || existsSync(join(dir, 'var/rds'))).toBe(true);
      const client = new CsiClient(socket);
      const info = await client.call<object, GetPluginInfoResponse>(client.identity, 'getPluginInfo', {});
      client.close();
      expect(info.name).toBe('rds.csi.srvlab.io');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(existsSync(socket)).toBe(false);
  });
});
