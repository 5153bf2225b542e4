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
  /** Identity of the process serving the Node service (the same as `identity` on one socket). */
  readonly nodeIdentity: IdentityClient;

  /**
   * `defaultTimeoutMs` bounds each call that names no limit of its own. `nodeSocketPath` is where the
   * Node service listens when a node plugin runs apart from the controller.
   */
  constructor(socketPath: string, private readonly defaultTimeoutMs = 30_000, nodeSocketPath = socketPath) {
    const address = `unix:${socketPath}`;
    const nodeAddress = `unix:${nodeSocketPath}`;
    const insecure = credentials.createInsecure();
    // kubelet and the sidecars (Go) keep no channelz of their own either.
    const options = { 'grpc.enable_channelz': 0, 'grpc.enable_retries': 0 };
    this.identity = new IdentityClient(address, insecure, options);
    this.controller = new ControllerClient(address, insecure, options);
    this.node = new NodeClient(nodeAddress, insecure, options);
    this.nodeIdentity = nodeAddress === address ? this.identity : new IdentityClient(nodeAddress, insecure, options);
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
    if (this.nodeIdentity !== this.identity) this.nodeIdentity.close();
  }
}
