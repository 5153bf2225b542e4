import { inject, injectable } from 'inversify';
import { NodeServiceCapability_RPC_Type as Rpc, type NodeServer } from '../../generated/csi/csi.js';
import { Logger } from '../../ports/logger.js';
import { Metrics } from '../../ports/metrics.js';
import { CsiSettings } from './csi-settings.js';
import { NodeRpcs } from './node-rpcs.js';
import { unaryRpc } from './unary-rpc.js';
import type { RpcContext } from './unary-rpc.js';

/** The Node service. */
@injectable()
export class NodeService {
  constructor(
    @inject(NodeRpcs) private readonly rpcs: NodeRpcs,
    @inject(CsiSettings) private readonly settings: CsiSettings,
    @inject(Logger) private readonly logger: Logger,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {}

  handlers(): NodeServer {
    const subject = (r: { volumeId?: string; stagingTargetPath?: string; targetPath?: string; volumePath?: string }) => ({
      ...(r.volumeId ? { volumeId: r.volumeId.slice(0, 256) } : {}),
      ...(r.stagingTargetPath ? { stagingPath: r.stagingTargetPath.slice(0, 512) } : {}),
      ...(r.targetPath ? { targetPath: r.targetPath.slice(0, 512) } : {}),
      ...(r.volumePath ? { volumePath: r.volumePath.slice(0, 512) } : {}),
    });
    const rpc = <Req extends object, Res>(method: string, run: (request: Req, context: RpcContext) => Promise<Res>, quiet = false) =>
      unaryRpc<Req, Res>(this.logger, { method, quiet, subject: (r) => subject(r as Parameters<typeof subject>[0]), run }, this.metrics);
    return {
      nodeStageVolume: rpc('NodeStageVolume', (r, c) => this.rpcs.stage(r, c)),
      nodeUnstageVolume: rpc('NodeUnstageVolume', (r, c) => this.rpcs.unstage(r, c)),
      nodePublishVolume: rpc('NodePublishVolume', (r, c) => this.rpcs.publish(r, c)),
      nodeUnpublishVolume: rpc('NodeUnpublishVolume', (r, c) => this.rpcs.unpublish(r, c)),
      nodeGetVolumeStats: rpc('NodeGetVolumeStats', (r, c) => this.rpcs.stats(r, c), true),
      nodeExpandVolume: rpc('NodeExpandVolume', (r, c) => this.rpcs.expand(r, c)),
      nodeGetCapabilities: rpc('NodeGetCapabilities', async () => ({
        capabilities: [Rpc.STAGE_UNSTAGE_VOLUME, Rpc.GET_VOLUME_STATS, Rpc.VOLUME_CONDITION, Rpc.EXPAND_VOLUME, Rpc.SINGLE_NODE_MULTI_WRITER].map((type) => ({
          type: { $case: 'rpc' as const, value: { type } },
        })),
      }), true),
      nodeGetInfo: rpc('NodeGetInfo', async () => ({
        nodeId: this.settings.nodeId ?? '',
        maxVolumesPerNode: BigInt(this.settings.maxVolumesPerNode ?? 0),
      }), true),
    };
  }
}
