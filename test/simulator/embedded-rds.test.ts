import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedRds } from '../../simulator/embedded-rds.js';

const GiB = 1024 ** 3;

describe('the embedded simulator of `rds-csi start`', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rds-embedded-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('keeps its host key, client key and SSH port across restarts', async () => {
    const first = await startEmbeddedRds(dir, GiB);
    await first.simulator.stop();
    const second = await startEmbeddedRds(dir, GiB);
    await second.simulator.stop();
    expect(second.port).toBe(first.port);
    expect(second.hostKeyFingerprint).toBe(first.hostKeyFingerprint);
    expect(second.privateKey).toBe(first.privateKey);
  });

  it('moves to a free port when its last one is taken, and keeps that one', async () => {
    const first = await startEmbeddedRds(dir, GiB);
    await first.simulator.stop();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(first.port, '127.0.0.1', resolve));
    try {
      const moved = await startEmbeddedRds(dir, GiB);
      await moved.simulator.stop();
      expect(moved.port).not.toBe(first.port);
      const again = await startEmbeddedRds(dir, GiB);
      await again.simulator.stop();
      expect(again.port).toBe(moved.port);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
