import { ContainerModule } from 'inversify';
import { ControllerQueryRpcs } from '../../adapters/csi/controller-query-rpcs.js';
import { ControllerService } from '../../adapters/csi/controller-service.js';
import { ControllerSnapshotRpcs } from '../../adapters/csi/controller-snapshot-rpcs.js';
import { ControllerVolumeRpcs } from '../../adapters/csi/controller-volume-rpcs.js';
import { ReadinessCheck } from '../../adapters/csi/csi-settings.js';
import { RouterOsConfig } from '../../adapters/routeros/routeros-config.js';
import type { RouterOsConfig as RouterOsSettings } from '../../adapters/routeros/routeros-config.js';
import { RouterOsSession } from '../../adapters/routeros/routeros-session.js';
import { RouterOsSshSession } from '../../adapters/routeros/routeros-ssh-session.js';
import { InstrumentedRouterOsSession } from '../../adapters/routeros/instrumented-session.js';
import { LoggedRouterOsSession } from '../../adapters/routeros/logged-session.js';
import { RouterOsSessionPool } from '../../adapters/routeros/routeros-session-pool.js';
import { Clock } from '../../ports/clock.js';
import { Logger } from '../../ports/logger.js';
import { Metrics } from '../../ports/metrics.js';
import { RouterOsStorageBackend } from '../../adapters/routeros/routeros-storage-backend.js';
import { DEFAULT_CAPACITY_POLICY } from '../../domain/capacity-range.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import type { Config } from '../config.js';
import { CreateSnapshot } from '../use-cases/create-snapshot.js';
import { CreateVolume } from '../use-cases/create-volume.js';
import { DeleteSnapshot } from '../use-cases/delete-snapshot.js';
import { DeleteVolume } from '../use-cases/delete-volume.js';
import { EnforceMigrationWindows } from '../use-cases/enforce-migration-windows.js';
import { ExpandVolume } from '../use-cases/expand-volume.js';
import { GetCapacity } from '../use-cases/get-capacity.js';
import { RefreshPoolCapacity } from '../use-cases/refresh-pool-capacity.js';
import { InspectVolumes } from '../use-cases/inspect-volumes.js';
import { ListSnapshots } from '../use-cases/list-snapshots.js';
import { ProbeReadiness } from '../use-cases/probe-readiness.js';
import { PublishVolume } from '../use-cases/publish-volume.js';
import { ReconcileAttachments } from '../use-cases/reconcile-attachments.js';
import { UnpublishVolume } from '../use-cases/unpublish-volume.js';
import { ControllerSettings } from '../volumes/controller-settings.js';

/**
 * The controller: the storage backend over RouterOS, the controller use cases and the CSI Controller
 * service. Where its records live (and its node registry) comes from the attachment module of the
 * configured store.
 */
export function controllerModule(config: Config, routerOs: RouterOsSettings | undefined, backend?: StorageBackend): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ControllerSettings).toConstantValue({
      rdsAddress: config.rds.address ?? routerOs?.host ?? '',
      defaults: { basePath: config.volumeBasePath, nvmeAddress: config.nvme.address ?? routerOs?.host ?? '127.0.0.1', nvmePort: config.nvme.port },
      capacity: DEFAULT_CAPACITY_POLICY,
      probeCacheMs: 2_000,
    });
    if (backend) {
      bind(StorageBackend).toConstantValue(backend);
    } else {
      if (!routerOs) throw new Error('the controller needs RouterOS connection settings');
      bind(RouterOsConfig).toConstantValue(routerOs);
      // `connections` SSH connections of `maxConcurrentCommands` channels each: the driver's only bound on
      // RouterOS concurrency (--rds-connections, --rds-max-commands).
      bind(RouterOsSession)
        .toResolvedValue(
          (settings: RouterOsSettings, logger: Logger, clock: Clock, metrics: Metrics) => {
            const members = Array.from({ length: Math.max(1, settings.connections ?? 1) }, (_, i) =>
              new RouterOsSshSession(settings, logger.child({ connection: i + 1 }), clock));
            return new InstrumentedRouterOsSession(new LoggedRouterOsSession(new RouterOsSessionPool(members, settings.maxConcurrentCommands), logger), metrics);
          },
          [RouterOsConfig, Logger, Clock, Metrics],
        )
        .inSingletonScope();
      bind(StorageBackend).to(RouterOsStorageBackend).inSingletonScope();
    }
    bind(CreateVolume).toSelf().inSingletonScope();
    bind(DeleteVolume).toSelf().inSingletonScope();
    bind(PublishVolume).toSelf().inSingletonScope();
    bind(UnpublishVolume).toSelf().inSingletonScope();
    bind(InspectVolumes).toSelf().inSingletonScope();
    bind(GetCapacity).toSelf().inSingletonScope();
    bind(ExpandVolume).toSelf().inSingletonScope();
    bind(CreateSnapshot).toSelf().inSingletonScope();
    bind(DeleteSnapshot).toSelf().inSingletonScope();
    bind(ListSnapshots).toSelf().inSingletonScope();
    bind(ProbeReadiness).toSelf().inSingletonScope();
    bind(ReconcileAttachments).toSelf().inSingletonScope();
    bind(EnforceMigrationWindows).toSelf().inSingletonScope();
    bind(RefreshPoolCapacity).toSelf().inSingletonScope();
    bind(ReadinessCheck).toService(ProbeReadiness);
    bind(ControllerVolumeRpcs).toSelf().inSingletonScope();
    bind(ControllerQueryRpcs).toSelf().inSingletonScope();
    bind(ControllerSnapshotRpcs).toSelf().inSingletonScope();
    bind(ControllerService).toSelf().inSingletonScope();
  });
}
