import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService, NodeService } from '../../src/generated/csi/csi.js';
import type { GetPluginInfoResponse } from '../../src/generated/csi/csi.js';
import { GiB, Mode, mountCapability } from '../support/csi-requests.js';
import { CallFailed, Http2CsiClient } from '../support/http2-csi-client.js';
import { nodeReq, provision, startNodeDriver } from '../support/node-harness.js';

const mounted = async (path: string) => (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').some((l) => l.split(' ')[4] === path);

describe('the bench client straight on HTTP/2, against the real driver', () => {
  let env: Awaited<ReturnType<typeof startNodeDriver>>;
  let lean: Http2CsiClient;
  beforeAll(async () => {
    env = await startNodeDriver();
    lean = new Http2CsiClient(env.t.driver.socketPath);
  });
  afterAll(async () => {
    lean.close();
    await env.stop();
  });

  it('answers what grpc-js answers, success and failure alike', async () => {
    const c = env.t.client;
    const info = await c.call<object, GetPluginInfoResponse>(c.identity, 'getPluginInfo', {});
    expect(await lean.call(IdentityService.getPluginInfo, {})).toEqual(info);
    expect(await lean.call(IdentityService.probe, {})).toEqual(await c.call(c.identity, 'probe', {}));

    const bad = nodeReq.unstage('', '/nowhere');
    const viaGrpcJs = (await c.call(c.node, 'nodeUnstageVolume', bad).catch((e: ServiceError) => e)) as ServiceError;
    const viaHttp2 = (await lean.call(NodeService.nodeUnstageVolume, bad).catch((e: unknown) => e)) as CallFailed;
    expect(viaHttp2).toBeInstanceOf(CallFailed);
    expect(viaHttp2.code).toBe(status.INVALID_ARGUMENT);
    expect(viaHttp2.code).toBe(viaGrpcJs.code);
    expect(viaHttp2.message).toContain(viaGrpcJs.details);
  });

  it('fails a call the server never answers at its deadline, and one to a dead socket at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'http2-client-'));
    const silent = createServer(() => undefined); // accepts, never speaks HTTP/2
    await new Promise<void>((r) => silent.listen(join(dir, 'silent.sock'), r));
    try {
      const client = new Http2CsiClient(join(dir, 'silent.sock'));
      const started = Date.now();
      const error = (await client.call(IdentityService.probe, {}, 300).catch((e: unknown) => e)) as CallFailed;
      client.close();
      expect(error).toBeInstanceOf(CallFailed);
      expect(error.code).toBe(status.DEADLINE_EXCEEDED);
      expect(Date.now() - started).toBeLessThan(5_000);
      const dead = new Http2CsiClient(join(dir, 'nobody.sock'));
      await expect(dead.call(IdentityService.probe, {}, 10_000)).rejects.toThrow(/ENOENT/);
      dead.close();
    } finally {
      silent.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drives a whole node cycle', async () => {
    const { t, lab } = env;
    const id = 'vol-http2-client';
    const cap = mountCapability(Mode.SINGLE_NODE_WRITER, 'ext4');
    const contexts = await provision(t, id, cap, GiB);
    const staging = await lab.directory('http2/staging');
    await lab.directory('http2/pod');
    const target = join(lab.dir, 'http2', 'pod', 'target');

    await lean.call(NodeService.nodeStageVolume, nodeReq.stage(id, staging, cap, contexts), 120_000);
    await lean.call(NodeService.nodePublishVolume, nodeReq.publish(id, staging, target, cap));
    await writeFile(join(target, 'probe.txt'), 'written through the bind mount');
    expect(await readFile(join(staging, 'probe.txt'), 'utf8')).toBe('written through the bind mount');
    await lean.call(NodeService.nodeUnpublishVolume, nodeReq.unpublish(id, target));
    expect(existsSync(target)).toBe(false);
    await lean.call(NodeService.nodeUnstageVolume, nodeReq.unstage(id, staging), 120_000);
    expect(await mounted(staging)).toBe(false);
  });
});
