import { ContainerModule } from 'inversify';
import { CsiSettings, ReadinessCheck } from '../../adapters/csi/csi-settings.js';
import { IdentityService } from '../../adapters/csi/identity-service.js';
import type { Config } from '../config.js';

/**
 * The CSI Identity service, in every mode. The Controller and Node services are bound by their
 * modes' modules, as is readiness in a mode that runs the controller.
 */
export function csiModule(config: Config, version: string): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(CsiSettings).toConstantValue({
      driverName: config.driverName,
      version,
      ...(config.nodeId ? { nodeId: config.nodeId } : {}),
      ...(config.attachment.maxVolumesPerNode === undefined ? {} : { maxVolumesPerNode: config.attachment.maxVolumesPerNode }),
    });
    bind(IdentityService).toSelf().inSingletonScope();
    if (config.mode === 'node') bind(ReadinessCheck).toConstantValue({ execute: async () => ({ ready: true, detail: 'node plugin' }) });
  });
}
