import { Server, ServerCredentials } from '@grpc/grpc-js';
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ControllerService as ControllerDefinition, IdentityService as IdentityDefinition, NodeService as NodeDefinition } from '../../generated/csi/csi.js';
import type { ControllerServer, IdentityServer, NodeServer } from '../../generated/csi/csi.js';
import type { Logger } from '../../ports/logger.js';

export interface CsiServices {
  readonly identity: IdentityServer;
  readonly controller?: ControllerServer;
  readonly node?: NodeServer;
}

/**
 * The CSI gRPC server on a unix socket. A stale socket file from an earlier run is removed first
 * (anything else at that path is refused); the socket is made 0660. `shutdown` stops accepting,
 * lets in-flight calls finish for up to `graceMs`, then cancels what is left.
 */
export class CsiGrpcServer {
  private constructor(
    private readonly server: Server,
    readonly socketPath: string,
    private readonly logger: Logger,
  ) {}

  static async start(socketPath: string, services: CsiServices, logger: Logger): Promise<CsiGrpcServer> {
    await removeStaleSocket(socketPath);
    await mkdir(dirname(socketPath), { recursive: true });
    // Channelz (grpc-js's per-call tracing, on by default) is never read here and costs every call.
    const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024, 'grpc.enable_channelz': 0 });
    server.addService(IdentityDefinition, services.identity);
    if (services.controller) server.addService(ControllerDefinition, services.controller);
    if (services.node) server.addService(NodeDefinition, services.node);
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(`unix:${socketPath}`, ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())),
    );
    await chmod(socketPath, 0o660);
    return new CsiGrpcServer(server, socketPath, logger);
  }

  async shutdown(graceMs: number): Promise<void> {
    const drained = new Promise<boolean>((resolve) => this.server.tryShutdown(() => resolve(true)));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    if (!(await Promise.race([drained, timedOut]))) {
      this.logger.warn('in-flight calls did not finish within the grace period; cancelling them', { graceMs });
      this.server.forceShutdown();
    }
    clearTimeout(timer);
    await rm(this.socketPath, { force: true });
  }
}

async function removeStaleSocket(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
    await rm(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
