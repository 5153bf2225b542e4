import 'reflect-metadata';
import { Container } from 'inversify';
import type { Newable } from 'inversify';
import type { KubeClients } from '../adapters/kubernetes/kube-clients.js';
import type { RouterOsConfig } from '../adapters/routeros/routeros-config.js';
import type { Logger } from '../ports/logger.js';
import type { NvmeInitiator } from '../ports/nvme-initiator.js';
import type { StorageBackend } from '../ports/storage-backend.js';
import type { Config } from './config.js';
import { attachmentStoreModule } from './modules/attachment-store-module.js';
import { controllerModule } from './modules/controller-module.js';
import { coreModule } from './modules/core-module.js';
import { csiModule } from './modules/csi-module.js';
import { nodeModule } from './modules/node-module.js';

/** What the composition root cannot make itself: resources prepared before the container. */
export interface Externals {
  readonly logger: Logger;
  /** Prebuilt Kubernetes clients (tests point them at a fake API server). */
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

/** The only place adapters meet ports. Every binding is synchronous. */
export function buildContainer(config: Config, externals: Externals): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(coreModule(config, externals.logger), attachmentStoreModule(config, externals.kubeClients));
  if (config.mode !== 'node') container.load(controllerModule(config, externals.routerOs, externals.storageBackend));
  if (config.mode !== 'controller') container.load(nodeModule(config, externals.loopInitiator));
  container.load(csiModule(config, externals.version));
  return container;
}
