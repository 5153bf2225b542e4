import type { Agent as HttpAgent, IncomingMessage, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { KubeEndpoint } from './kube-endpoint.js';

// Not `import … from 'node:http'`: an ES import of node:http reads http.WebSocket on Node 24 and so
// loads Node's bundled undici for nothing (see metrics-server.ts).
const { Agent: PlainAgent, request: httpRequest } = process.getBuiltinModule('node:http');

/** A request the API server answered with a status outside 2xx; `code` is the HTTP status. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${code}${reasonOf(body)}`);
    this.name = 'KubeApiError';
  }
}

export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /** Defaults to application/json; patches name their strategy here. */
  readonly contentType?: string;
}

/** One event of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (object is then a Status). */
export type WatchHandler = (type: string, object: unknown) => void;

/** Budget of a plain request; watches end by the server's timeoutSeconds plus WATCH_GRACE_MS. */
const REQUEST_TIMEOUT_MS = 30_000;
const WATCH_GRACE_MS = 30_000;

/**
 * JSON over HTTP(S) to one API server, on keep-alive connections shared by every call (one TLS
 * handshake, not one per request). The bearer token is asked of the endpoint on every request, so
 * a rotated service-account token is picked up. Requests reject with KubeApiError for an HTTP
 * error status and with the transport's error otherwise.
 */
export class KubeHttp {
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(private readonly endpoint: KubeEndpoint) {
    const secure = endpoint.server.protocol === 'https:';
    this.send = secure ? httpsRequest : httpRequest;
    this.agent = secure
      ? new HttpsAgent({
          keepAlive: true,
          maxSockets: 16,
          ...(endpoint.ca ? { ca: endpoint.ca } : {}),
          ...(endpoint.cert ? { cert: endpoint.cert } : {}),
          ...(endpoint.key ? { key: endpoint.key } : {}),
          rejectUnauthorized: !endpoint.skipTlsVerify,
        })
      : new PlainAgent({ keepAlive: true, maxSockets: 16 });
  }

  /** Sends one request and resolves with the parsed JSON answer. */
  async request<T>(req: KubeRequest): Promise<T> {
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const response = await this.open(req, body, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    const text = await readAll(response);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) throw new KubeApiError(status, text, `${req.method} ${req.path}`);
    return JSON.parse(text) as T;
  }

  /**
   * Watches `path` (a list path) with `query` (resourceVersion, timeoutSeconds, …), calling
   * `onEvent` for each event in order. Resolves when the stream ends (the server's timeout, a
   * closed connection) or `signal` aborts; rejects with KubeApiError when the server refuses the
   * watch. A stream still open WATCH_GRACE_MS after the server's timeoutSeconds is taken for a dead
   * connection and closed.
   */
  async watch(path: string, query: KubeRequest['query'], onEvent: WatchHandler, signal: AbortSignal): Promise<void> {
    const timeoutSeconds = Number(query?.timeoutSeconds ?? 0);
    const deadline = timeoutSeconds > 0 ? AbortSignal.timeout(timeoutSeconds * 1000 + WATCH_GRACE_MS) : undefined;
    const stop = deadline ? AbortSignal.any([signal, deadline]) : signal;
    let response: IncomingMessage;
    try {
      response = await this.open({ method: 'GET', path, query: { ...query, watch: true } }, undefined, stop);
    } catch (error) {
      if (stop.aborted) return;
      throw error;
    }
    const status = response.statusCode ?? 0;
    if (status !== 200) throw new KubeApiError(status, await readAll(response), `watch ${path}`);
    await new Promise<void>((resolve, reject) => {
      let pending = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        pending += chunk;
        for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
          const line = pending.slice(0, end).trim();
          pending = pending.slice(end + 1);
          if (line === '') continue;
          let event: { type?: string; object?: unknown };
          try {
            event = JSON.parse(line) as typeof event;
          } catch (error) {
            response.destroy();
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          onEvent(event.type ?? '', event.object);
        }
      });
      response.once('end', resolve);
      response.once('close', resolve);
      response.once('error', (error) => (stop.aborted ? resolve() : reject(error)));
    });
  }

  /** Closes idle connections (shutdown, tests). */
  close(): void {
    this.agent.destroy();
  }

  private open(req: KubeRequest, body: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    const url = new URL(this.endpoint.server.pathname.replace(/\/$/, '') + req.path, this.endpoint.server);
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    const token = this.endpoint.token();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const options: RequestOptions = { method: req.method, agent: this.agent, headers, signal };
    return new Promise((resolve, reject) => {
      const request = this.send(url, options, resolve);
      request.once('error', reject);
      request.end(body);
    });
  }
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.once('error', reject);
  });
}

/** The message of a Status body, for logs; never needed to classify an error (the status is). */
function reasonOf(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? ` (${message.slice(0, 300)})` : '';
  } catch {
    return '';
  }
}
