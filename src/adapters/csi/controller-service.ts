import { status } from '@grpc/grpc-js';
import type { handleUnaryCall } from '@grpc/grpc-js';
import { inject, injectable } from 'inversify';
import type { ControllerServer } from '../../generated/csi/csi.js';
import { Logger } from '../../ports/logger.js';
import { Metrics } from '../../ports/metrics.js';
import { ControllerQueryRpcs } from './controller-query-rpcs.js';
import { ControllerSnapshotRpcs } from './controller-snapshot-rpcs.js';
import { ControllerVolumeRpcs } from './controller-volume-rpcs.js';
import { unaryRpc } from './unary-rpc.js';
import type { RpcContext } from './unary-rpc.js';

type Subject = { volumeId?: string; nodeId?: string; name?: string; sourceVolumeId?: string; snapshotId?: string };

/** What a controller RPC is about, for its log line. Secrets and parameters are never included. */
function subject(request: Subject) {
  const fields: Record<string, string> = {};
  for (const key of ['volumeId', 'nodeId', 'name', 'sourceVolumeId', 'snapshotId'] as const) {
    const value = request[key];
    if (value) fields[key] = value.slice(0, 256);
  }
  return fields;
}

/** The IDs a create chose, for its log line. */
function created(response: unknown) {
  const r = response as { volume?: { volumeId?: string }; snapshot?: { snapshotId?: string } };
  return {
    ...(r.volume?.volumeId ? { volumeId: r.volume.volumeId } : {}),
    ...(r.snapshot?.snapshotId ? { snapshotId: r.snapshot.snapshotId } : {}),
  };
}

/** The Controller service: each RPC routed to the class that serves it. */
@injectable()
export class ControllerService {
  constructor(
    @inject(ControllerVolumeRpcs) private readonly volumes: ControllerVolumeRpcs,
    @inject(ControllerQueryRpcs) private readonly queries: ControllerQueryRpcs,
    @inject(ControllerSnapshotRpcs) private readonly snapshots: ControllerSnapshotRpcs,
    @inject(Logger) private readonly logger: Logger,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {}

  handlers(): ControllerServer {
    const rpc = <Req extends object, Res>(method: string, run: (request: Req, context: RpcContext) => Promise<Res>) =>
      unaryRpc<Req, Res>(this.logger, { method, subject: (r) => subject(r as Subject), outcome: created, run }, this.metrics);
    return {
      createVolume: rpc('CreateVolume', (r, c) => this.volumes.create(r, c)),
      deleteVolume: rpc('DeleteVolume', (r, c) => this.volumes.delete(r, c)),
      controllerPublishVolume: rpc('ControllerPublishVolume', (r, c) => this.volumes.publish(r, c)),
      controllerUnpublishVolume: rpc('ControllerUnpublishVolume', (r, c) => this.volumes.unpublish(r, c)),
      validateVolumeCapabilities: rpc('ValidateVolumeCapabilities', (r, c) => this.queries.validate(r, c)),
      listVolumes: rpc('ListVolumes', (r, c) => this.queries.list(r, c)),
      getCapacity: rpc('GetCapacity', (r, c) => this.queries.capacity(r, c)),
      controllerGetCapabilities: rpc('ControllerGetCapabilities', () => this.queries.capabilities()),
      controllerExpandVolume: rpc('ControllerExpandVolume', (r, c) => this.queries.expand(r, c)),
      controllerGetVolume: rpc('ControllerGetVolume', (r, c) => this.queries.get(r, c)),
      createSnapshot: rpc('CreateSnapshot', (r, c) => this.snapshots.create(r, c)),
      deleteSnapshot: rpc('DeleteSnapshot', (r, c) => this.snapshots.delete(r, c)),
      listSnapshots: rpc('ListSnapshots', (r, c) => this.snapshots.list(r, c)),
      controllerModifyVolume: unimplemented('ControllerModifyVolume'),
    };
  }
}

/** An RPC this driver does not offer: UNIMPLEMENTED, which callers must not retry. */
export function unimplemented<Req, Res>(method: string): handleUnaryCall<Req, Res> {
  return (_call, callback) => callback({ code: status.UNIMPLEMENTED, details: `${method} is not implemented by rds-csi` });
}
