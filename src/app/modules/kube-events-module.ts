import { hostname } from 'node:os';
import { ContainerModule } from 'inversify';
import { KubeClientsToken } from '../../adapters/kubernetes/kube-clients.js';
import type { KubeClients } from '../../adapters/kubernetes/kube-clients.js';
import { EventSettings, KubeEventRecorder, NO_VOLUME_CLAIMS, VolumeClaims } from '../../adapters/kubernetes/kube-event-recorder.js';
import { EventRecorder } from '../../ports/event-recorder.js';
import type { Config } from '../config.js';

/**
 * Kubernetes Events on PVCs, and the API clients every Kubernetes adapter shares. The node plugin
 * knows a claim only from the volume context; the controller's attachment module binds
 * VolumeClaims to its PV index so events that name only a volume find their claim.
 */
export function kubeEventsModule(config: Config, kubeClients: KubeClients): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(KubeClientsToken).toConstantValue(kubeClients);
    bind(EventSettings).toConstantValue({
      component: config.mode === 'node' ? 'rds-csi-node' : config.mode === 'controller' ? 'rds-csi-controller' : 'rds-csi',
      instance: config.nodeId ?? hostname(),
      queueLimit: 256,
    });
    bind(EventRecorder).to(KubeEventRecorder).inSingletonScope();
    if (config.mode === 'node') bind(VolumeClaims).toConstantValue(NO_VOLUME_CLAIMS);
  });
}
