import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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
    const args = ['serve', '--mode', 'controller', '--rds-address', '10.0.0.1', '--rds-key-file', join(dir, 'missing-key'), '--rds-host-key', 'SHA256:x', '--attachment-store', 'memory', '--endpoint', `unix://${dir}/y.sock`];
    const failure = await run(node, [main, ...args], { env: {} }).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringMatching(/--rds-key-file: cannot read .*missing-key \(ENOENT\)/) });
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
      while (!stdout.includes('rds-csi is serving') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
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
