import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CsiGrpcServer } from '../../../src/adapters/csi/grpc-server.js';
import { unaryRpc } from '../../../src/adapters/csi/unary-rpc.js';
import { AbortedByCallerError } from '../../../src/domain/errors.js';
import type { GetPluginInfoResponse, IdentityServer, ProbeResponse } from '../../../src/generated/csi/csi.js';
import { CsiClient } from '../../support/csi-client.js';
import { RecordingLogger } from '../../support/recording-logger.js';

/** The real grpc-js server and client around unaryRpc; the handlers record the signal they were given. */
async function serve(probe: (signal: AbortSignal) => Promise<ProbeResponse>) {
  const dir = await mkdtemp(join(tmpdir(), 'unary-rpc-'));
  const logger = new RecordingLogger();
  const identity = {
    probe: unaryRpc(logger, { method: 'Probe', run: (_req: object, { signal }) => probe(signal) }),
    getPluginInfo: unaryRpc(logger, { method: 'GetPluginInfo', run: async (): Promise<GetPluginInfoResponse> => ({ name: 'x', vendorVersion: '1', manifest: {} }) }),
  } as unknown as IdentityServer;
  const server = await CsiGrpcServer.start(join(dir, 'csi.sock'), { identity }, logger);
  const client = new CsiClient(join(dir, 'csi.sock'));
  return {
    client,
    logger,
    close: async () => {
      client.close();
      await server.shutdown(1_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('unaryRpc: the call signal', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('stays unaborted once the call has been answered (grpc-js reports "cancelled" after every status it sends)', async () => {
    const signals: AbortSignal[] = [];
    const env = await serve(async (signal) => {
      signals.push(signal);
      return { ready: true };
    });
    close = env.close;
    for (let i = 0; i < 3; i += 1) await env.client.call(env.client.identity, 'probe', {});
    await new Promise((r) => setTimeout(r, 50));
    expect(signals).toHaveLength(3);
    expect(signals.map((s) => s.aborted)).toEqual([false, false, false]);
  });

  it('aborts with AbortedByCallerError when the caller cancels before the answer', async () => {
    let seen: AbortSignal | undefined;
    const aborted = new Promise<unknown>((resolve) => {
      void serve((signal) => {
        seen = signal;
        return new Promise<ProbeResponse>((_ok, fail) => signal.addEventListener('abort', () => {
          resolve(signal.reason);
          fail(signal.reason as Error);
        }));
      }).then((env) => {
        close = env.close;
        const call = env.client.identity.probe({}, (error: ServiceError | null) => expect(error?.code).toBe(status.CANCELLED));
        setTimeout(() => call.cancel(), 100);
      });
    });
    const reason = await aborted;
    expect(seen?.aborted).toBe(true);
    expect(reason).toBeInstanceOf(AbortedByCallerError);
    expect((reason as Error).message).toMatch(/Probe was cancelled by the caller/);
  });
});
