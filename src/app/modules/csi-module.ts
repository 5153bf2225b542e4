import { ContainerModule } from 'inversify';
import { ControllerQueryRpcs } from '../../adapters/csi/controller-query-rpcs.js';
import { ControllerService } from '../../adapters/csi/controller-service.js';
import { ControllerSnapshotRpcs } from '../../adapters/csi/controller-snapshot-rpcs.js';
import { ControllerVolumeRpcs } from '../../adapters/csi/controller-volume-rpcs.js';
import { CsiSettings, ReadinessCheck } from '../../adapters/csi/csi-settings.js';
import { IdentityService } from '../../adapters/csi/identity-service.js';
import type { Config } from '../config.js';
import { ProbeReadiness } from '../use-cases/probe-readiness.js';

/** The CSI driving adapter: Identity always, Controller in controller and all modes. */
export function csiModule(config: Config, version: string): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(CsiSettings).toConstantValue({
      driverName: config.driverName,
      version,
      ...(config.nodeId ? { nodeId: config.nodeId } : {}),
      ...(config.attachment.maxVolumesPerNode === undefined ? {} : { maxVolumesPerNode: config.attachment.maxVolumesPerNode }),
    });
    bind(IdentityService).toSelf().inSingletonScope();
    if (config.mode === 'node') {
      bind(ReadinessCheck).toConstantValue({ execute: async () => ({ ready: true, detail: 'node plugin' }) });
      return;
    }
    bind(ReadinessCheck).toService(ProbeReadiness);
    bind(ControllerVolumeRpcs).toSelf().inSingletonScope();
    bind(ControllerQueryRpcs).toSelf().inSingletonScope();
    bind(ControllerSnapshotRpcs).toSelf().inSingletonScope();
    bind(ControllerService).toSelf().inSingletonScope();
  });
}
