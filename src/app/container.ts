import 'reflect-metadata';
import { Container } from 'inversify';
import type { ContainerModule, Newable } from 'inversify';
import type { KubeClients } from '../adapters/kubernetes/kube-clients.js';
import type { RouterOsConfig } from '../adapters/routeros/routeros-config.js';
import type { Logger } from '../ports/logger.js';
import type { NvmeInitiator } from '../ports/nvme-initiator.js';
import type { StorageBackend } from '../ports/storage-backend.js';
import type { Config } from './config.js';
import { coreModule } from './modules/core-module.js';
import { csiModule } from './modules/csi-module.js';
import { eventsModule } from './modules/events-module.js';

/** What the composition root cannot make itself: resources prepared before the container. */
export interface Externals {
  readonly logger: Logger;
  /** The Kubernetes clients, required with the Kubernetes store (tests point them at a fake API server). */
  readonly kubeClients?: KubeClients;
  /** RouterOS connection settings with the key material already read. */
  readonly routerOs?: RouterOsConfig;
  /** A storage backend to use instead of RouterOS (tests). */
  readonly storageBackend?: StorageBackend;
  /** The initiator class for the embedded simulator (loop devices), loaded only when it is used. */
  readonly loopInitiator?: Newable<NvmeInitiator>;
  /** The driver's version, reported by GetPluginInfo. */
  readonly version: string;
}

/**
 * The only place adapters meet ports. Each mode's modules are imported when the mode is configured,
 * so a node plugin never loads the controller (RouterOS, informers, leader election) and a controller
 * never loads mount and nvme code; the bundle splits along these imports. Every binding is synchronous.
 */
export async function buildContainer(config: Config, externals: Externals): Promise<Container> {
  const container = new Container({ defaultScope: 'Singleton' });
  const modules: ContainerModule[] = [coreModule(config, externals.logger), await eventsModule(config, externals.kubeClients)];
  if (config.mode !== 'node') modules.push(...(await controllerModules(config, externals)));
  if (config.mode !== 'controller') {
    const { nodeModule } = await import('./modules/node-module.js');
    modules.push(nodeModule(config, externals.loopInitiator));
  }
  modules.push(csiModule(config, externals.version));
  container.load(...modules);
  return container;
}

async function controllerModules(config: Config, externals: Externals): Promise<ContainerModule[]> {
  const [{ controllerModule }, store] = await Promise.all([
    import('./modules/controller-module.js'),
    config.attachmentStore === 'kubernetes'
      ? import('./modules/kube-attachment-module.js').then((m) => m.kubeAttachmentModule(config))
      : import('./modules/memory-attachment-module.js').then((m) => m.memoryAttachmentModule()),
  ]);
  return [controllerModule(config, externals.routerOs, externals.storageBackend), store];
}
