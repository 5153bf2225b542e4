import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, constants } from 'node:http2';
import type { ClientHttp2Session, IncomingHttpHeaders } from 'node:http2';
import { connect as connectSocket } from 'node:net';

/** What the generated service definitions give of one unary method. */
export interface UnaryMethod<Req, Res> {
  readonly path: string;
  requestSerialize(value: Req): Buffer;
  responseDeserialize(value: Buffer): Res;
}

const DEADLINE_EXCEEDED = 4;

/** A failed call: `code` is the gRPC status the driver answered with (DEADLINE_EXCEEDED when it did not answer in time). */
export class CallFailed extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`${code} ${message}`);
  }
}

/**
 * A unary gRPC client straight on node:http2 over the driver's unix socket: one HTTP/2 stream per call,
 * the request framed as gRPC frames it (flag byte, 4-byte length, protobuf), the status read from the
 * trailers (or a trailers-only answer). The NVMe/TCP bench times the node cycle through it: kubelet's
 * Go client costs a fraction of what grpc-js's costs per call under QEMU, so the cycle is the driver's
 * time and the transport's, not mostly this client's.
 */
export class Http2CsiClient {
  private readonly session: ClientHttp2Session;

  constructor(socketPath: string) {
    this.session = connect('http://localhost', { createConnection: () => connectSocket(socketPath) });
    this.session.on('error', () => undefined); // each call reports its own failure
  }

  call<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, timeoutMs = 30_000): Promise<Res> {
    const body = method.requestSerialize(request);
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    return new Promise((resolve, reject) => {
      const stream = this.session.request({
        ':method': 'POST',
        ':path': method.path,
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-timeout': `${Math.ceil(timeoutMs)}m`,
      });
      // The deadline is the caller's too: a server that accepts and never answers fails the call.
      const timer = setTimeout(() => {
        stream.close(constants.NGHTTP2_CANCEL);
        reject(new CallFailed(DEADLINE_EXCEEDED, `${method.path} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      stream.on('close', () => clearTimeout(timer));
      const chunks: Buffer[] = [];
      let status: number | undefined;
      let message = '';
      const readStatus = (headers: IncomingHttpHeaders) => {
        if (headers['grpc-status'] === undefined) return;
        status = Number(headers['grpc-status']);
        message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      };
      stream.on('response', readStatus);
      stream.on('trailers', readStatus);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => {
        if (status === undefined) return reject(new Error(`${method.path} ended without a gRPC status`));
        if (status !== 0) return reject(new CallFailed(status, message));
        const data = Buffer.concat(chunks);
        if (data.length < 5 || data[0] !== 0 || data.length !== 5 + data.readUInt32BE(1)) {
          return reject(new Error(`${method.path} answered ${data.length} bytes that are not one uncompressed gRPC message`));
        }
        resolve(method.responseDeserialize(data.subarray(5)));
      });
      stream.end(frame);
    });
  }

  close(): void {
    this.session.close();
  }
}

/** Identity.Probe with its empty request, needing none of the generated code (or grpc-js) to be loaded. */
export const PROBE: UnaryMethod<object, object> = { path: '/csi.v1.Identity/Probe', requestSerialize: () => Buffer.alloc(0), responseDeserialize: () => ({}) };

/**
 * Waits until the driver started as `child` answers Probe on `socket`, trying every 50 ms with a new
 * connection (so no client backoff delays it). Fails when the process exits first or `timeoutMs`
 * pass; `context()` is added to the error (the driver's log, say).
 */
export async function waitForProbe(socket: string, child: ChildProcess, context: () => string = () => '', timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the driver exited (${child.exitCode}) before answering Probe on ${socket}${context()}`);
    let problem = `${socket} does not exist yet`;
    if (existsSync(socket)) {
      const client = new Http2CsiClient(socket);
      try {
        await client.call(PROBE, {}, 2_000);
        return;
      } catch (error) {
        problem = (error as Error).message;
      } finally {
        client.close();
      }
    }
    if (Date.now() > deadline) throw new Error(`the driver did not answer Probe on ${socket} within ${timeoutMs} ms: ${problem}${context()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
