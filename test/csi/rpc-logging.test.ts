import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startDriver, tempDir } from '../support/csi-driver-harness.js';
import type { DriverUnderTest } from '../support/csi-driver-harness.js';
import { req } from '../support/csi-requests.js';

/** What an operator reads in the log of a running driver (embedded RDS, real RouterOS session). */
describe('log lines of a running driver', () => {
  let t: DriverUnderTest;
  beforeAll(async () => {
    const dir = await tempDir();
    t = await startDriver({ dir, flags: ['--embedded-rds', join(dir, 'rds'), '--log-level', 'debug'] });
  });
  afterAll(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  it('names the version on the start line', () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(t.logger.lines.find((l) => l.message === 'rds-csi serving')?.fields).toMatchObject({ version, mode: 'all' });
  });

  it('logs each RouterOS command of an RPC at debug, with its duration, outcome and the RPC\'s request ID', async () => {
    const before = t.logger.lines.length;
    await t.client.call(t.client.controller, 'createVolume', req.create('vol-logged-1'));
    await t.client.call(t.client.controller, 'deleteVolume', req.delete('vol-logged-1'));
    const during = t.logger.lines.slice(before);
    const rpcs = during.filter((l) => l.message === 'rpc');
    expect(rpcs.map((l) => l.fields.method)).toEqual(['CreateVolume', 'DeleteVolume']);
    const [createId, deleteId] = rpcs.map((l) => l.fields.requestId);
    expect(createId).toEqual(expect.any(String));
    expect(deleteId).not.toBe(createId);

    const commands = during.filter((l) => l.message === 'routeros command');
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const line of commands) {
      expect(line.level).toBe('debug');
      expect(line.fields).toMatchObject({ command: expect.stringMatching(/^\//), durationMs: expect.any(Number), outcome: expect.stringMatching(/^(ok|failed|error)$/) });
    }
    expect(commands.find((l) => /^\/disk add /.test(String(l.fields.command)))?.fields).toMatchObject({ requestId: createId, outcome: 'ok' });
    expect(commands.find((l) => /^\/disk remove /.test(String(l.fields.command)))?.fields).toMatchObject({ requestId: deleteId });
    // Every line any component logged while one of these calls ran carries that call's request ID.
    const inCalls = during.filter((l) => l.fields.requestId !== undefined);
    expect(during.filter((l) => l.message === 'routeros command' && !inCalls.includes(l))).toEqual([]);
    expect(new Set(inCalls.map((l) => l.fields.requestId))).toEqual(new Set([createId, deleteId]));
  });
});
