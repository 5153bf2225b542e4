import { ContainerModule } from 'inversify';
import type { KubeClients } from '../../adapters/kubernetes/kube-clients.js';
import { LogEventRecorder } from '../../adapters/logging/log-event-recorder.js';
import { EventRecorder } from '../../ports/event-recorder.js';
import type { Config } from '../config.js';

/**
 * Where volume events go, in every mode: Events on PVCs through the Kubernetes API with the
 * Kubernetes store (its module and client are loaded only then), or the log without Kubernetes.
 */
export async function eventsModule(config: Config, kubeClients: KubeClients | undefined): Promise<ContainerModule> {
  if (config.attachmentStore === 'kubernetes') {
    if (!kubeClients) throw new Error('the Kubernetes store needs the Kubernetes clients, which the composition root builds');
    const { kubeEventsModule } = await import('./kube-events-module.js');
    return kubeEventsModule(config, kubeClients);
  }
  return new ContainerModule(({ bind }) => {
    bind(EventRecorder).to(LogEventRecorder).inSingletonScope();
  });
}
