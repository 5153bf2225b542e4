import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../ports/logger.js';
import type { PromMetrics } from './prom-metrics.js';

// Not `import … from 'node:http'`: on Node 24 an ES import of node:http builds its module namespace,
// which reads http.WebSocket and so loads Node's bundled undici (about 3 MB resident) for nothing.
const { createServer } = process.getBuiltinModule('node:http');

export type Readiness = () => Promise<{ readonly ready: boolean; readonly detail: string }>;

/** The /readyz body as docs/operations.md documents it: `ready`, or `not ready: <reason>`. */
export function readinessBody(r: { readonly ready: boolean; readonly detail: string }): string {
  return r.ready ? 'ready\n' : `not ready: ${r.detail}\n`;
}

/**
 * /metrics (Prometheus text), /healthz (the process answers) and /readyz (the driver can serve:
 * 200 or 503 with the reason) on a small HTTP server of its own.
 */
export class MetricsServer {
  private constructor(private readonly server: Server) {}

  static async start(address: string, metrics: PromMetrics, readiness: Readiness, logger: Logger): Promise<MetricsServer> {
    const match = /^(.*):(\d+)$/.exec(address)!;
    const host = match[1] === '' ? '0.0.0.0' : match[1]!.replace(/^\[|\]$/g, '');
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      const reply = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
        response.writeHead(code, { 'content-type': type });
        response.end(body);
      };
      if (request.method !== 'GET') return reply(405, 'method not allowed\n');
      if (path === '/healthz') return reply(200, 'ok\n');
      if (path === '/readyz') {
        void readiness().then(
          (r) => reply(r.ready ? 200 : 503, readinessBody(r)),
          () => reply(503, 'not ready: readiness check failed\n'),
        );
        return;
      }
      if (path === '/metrics') {
        void metrics.text().then((text) => reply(200, text, metrics.contentType), (error: unknown) => {
          logger.warn('could not collect metrics', { error });
          reply(500, 'metrics collection failed\n');
        });
        return;
      }
      reply(404, 'not found\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(match[2]), host, () => resolve());
    });
    logger.info('metrics listening', { address: server.address() as AddressInfo });
    return new MetricsServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
