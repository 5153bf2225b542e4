import { status } from '@grpc/grpc-js';
import type { sendUnaryData, ServerUnaryCall, ServiceError } from '@grpc/grpc-js';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CsiGrpcServer } from '../../../src/adapters/csi/grpc-server.js';
import { unaryRpc } from '../../../src/adapters/csi/unary-rpc.js';
import { RecordingMetrics } from '../../../src/adapters/memory/recording-metrics.js';
import { AbortedByCallerError, VolumeNotFoundError } from '../../../src/domain/errors.js';
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

describe('unaryRpc: the answer goes out before the call is logged and counted', () => {
  /** A grpc-js call as the handler sees it: the request, no deadline, and its events. */
  const call = () => Object.assign(new EventEmitter(), { request: {}, getDeadline: () => Infinity }) as unknown as ServerUnaryCall<object, ProbeResponse>;
  const rpcLines = (logger: RecordingLogger) => logger.lines.filter((l) => l.message === 'rpc');

  it('answers, then logs the line with the work\'s duration and counts the call', async () => {
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    const handler = unaryRpc(logger, { method: 'Probe', run: async () => ({ ready: true }) }, metrics);
    const atAnswer = await new Promise<{ lines: number; counted: number; response: ProbeResponse | null | undefined }>((resolve) => {
      const done: sendUnaryData<ProbeResponse> = (_error, response) => resolve({ lines: rpcLines(logger).length, counted: metrics.rpcs.length, response });
      handler(call(), done);
    });
    expect(atAnswer).toEqual({ lines: 0, counted: 0, response: { ready: true } });
    await new Promise((r) => setImmediate(r));
    expect(rpcLines(logger).map((l) => [l.level, l.fields.method, l.fields.code, typeof l.fields.durationMs])).toEqual([['info', 'Probe', 'OK', 'number']]);
    expect(metrics.rpcs).toEqual([{ method: 'Probe', code: 'OK' }]);
  });

  it('sends a failure\'s status first too, then the warning naming it', async () => {
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    const handler = unaryRpc(logger, { method: 'Probe', run: async () => Promise.reject(new VolumeNotFoundError('v-gone')) }, metrics);
    const atAnswer = await new Promise<{ lines: number; code: number | undefined }>((resolve) => {
      handler(call(), (error) => resolve({ lines: rpcLines(logger).length, code: (error as { code?: number } | null)?.code }));
    });
    expect(atAnswer).toEqual({ lines: 0, code: status.NOT_FOUND });
    await new Promise((r) => setImmediate(r));
    expect(rpcLines(logger).map((l) => [l.level, l.fields.code, l.fields.message])).toEqual([['warn', 'NOT_FOUND', 'volume v-gone does not exist']]);
    expect(metrics.rpcs).toEqual([{ method: 'Probe', code: 'NOT_FOUND' }]);
  });
});
