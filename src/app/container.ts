import 'reflect-metadata';
import { Container } from 'inversify';
import type { KubeClients } from '../adapters/kubernetes/kube-clients.js';
import type { Logger } from '../ports/logger.js';
import type { Config } from './config.js';
import { attachmentStoreModule } from './modules/attachment-store-module.js';
import { coreModule } from './modules/core-module.js';

/** What the composition root cannot make itself: resources created before the container. */
export interface Externals {
  readonly logger: Logger;
  /** Prebuilt Kubernetes clients (tests point them at a fake API server). */
  readonly kubeClients?: KubeClients;
}

/** The only place adapters meet ports. Every binding is synchronous. */
export function buildContainer(config: Config, externals: Externals): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(coreModule(config, externals.logger), attachmentStoreModule(config, externals.kubeClients));
  return container;
}
