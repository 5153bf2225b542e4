import { inject, injectable } from 'inversify';
import {
  PluginCapability_Service_Type as ServiceType,
  PluginCapability_VolumeExpansion_Type as ExpansionType,
  type IdentityServer,
} from '../../generated/csi/csi.js';
import { Logger } from '../../ports/logger.js';
import { Metrics } from '../../ports/metrics.js';
import { CsiSettings, ReadinessCheck } from './csi-settings.js';
import { unaryRpc } from './unary-rpc.js';

/**
 * The Identity service. Capabilities are the same in every mode (the spec requires it per version).
 * Probe answers ready=false, never an error, while the RDS is unreachable or state is rebuilding, so
 * the driver keeps serving through an outage.
 */
@injectable()
export class IdentityService {
  constructor(
    @inject(CsiSettings) private readonly settings: CsiSettings,
    @inject(ReadinessCheck) private readonly readiness: ReadinessCheck,
    @inject(Logger) private readonly logger: Logger,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {}

  handlers(): IdentityServer {
    return {
      getPluginInfo: unaryRpc(this.logger, {
        method: 'GetPluginInfo',
        quiet: true,
        run: async () => ({ name: this.settings.driverName, vendorVersion: this.settings.version, manifest: {} }),
      }, this.metrics),
      getPluginCapabilities: unaryRpc(this.logger, {
        method: 'GetPluginCapabilities',
        quiet: true,
        run: async () => ({
          capabilities: [
            { type: { $case: 'service', value: { type: ServiceType.CONTROLLER_SERVICE } } },
            { type: { $case: 'volumeExpansion', value: { type: ExpansionType.ONLINE } } },
          ],
        }),
      }, this.metrics),
      probe: unaryRpc(this.logger, {
        method: 'Probe',
        quiet: true,
        run: async (_request, { logger }) => {
          const answer = await this.readiness.execute();
          if (!answer.ready) logger.info('not ready', { detail: answer.detail });
          return { ready: answer.ready };
        },
      }, this.metrics),
    };
  }
}
