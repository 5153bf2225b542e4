import { credentials, Metadata } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { ControllerClient, IdentityClient, NodeClient } from '../../src/generated/csi/csi.js';

type Callback<Res> = (error: ServiceError | null, response: Res) => void;
type Unary<Req, Res> = (request: Req, metadata: Metadata, options: { deadline: number }, callback: Callback<Res>) => unknown;

/** A CSI client over the driver's unix socket, as kubelet and the sidecars connect. */
export class CsiClient {
  readonly identity: IdentityClient;
  readonly controller: ControllerClient;
  readonly node: NodeClient;

  /** `defaultTimeoutMs` bounds each call that names no limit of its own. */
  constructor(socketPath: string, private readonly defaultTimeoutMs = 30_000) {
    const address = `unix:${socketPath}`;
    const insecure = credentials.createInsecure();
    this.identity = new IdentityClient(address, insecure);
    this.controller = new ControllerClient(address, insecure);
    this.node = new NodeClient(address, insecure);
  }

  /** Calls one RPC; rejects with the ServiceError (its `code` is the gRPC status). */
  call<Req, Res>(client: object, method: string, request: Req, timeoutMs = this.defaultTimeoutMs): Promise<Res> {
    const fn = (client as Record<string, Unary<Req, Res>>)[method]!.bind(client);
    return new Promise((resolve, reject) => {
      fn(request, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response)));
    });
  }

  /** The gRPC status code a call ends with (0 for OK). */
  async code<Req>(client: object, method: string, request: Req, timeoutMs?: number): Promise<number> {
    try {
      await this.call(client, method, request, timeoutMs);
      return 0;
    } catch (error) {
      return (error as ServiceError).code;
    }
  }

  close(): void {
    this.identity.close();
    this.controller.close();
    this.node.close();
  }
}
