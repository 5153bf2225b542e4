import type { Container } from 'inversify';
import { ControllerService } from '../adapters/csi/controller-service.js';
import type { PromMetrics } from '../adapters/metrics/prom-metrics.js';
import { InMemoryNodeRegistry } from '../adapters/memory/in-memory-node-registry.js';
import { RouterOsSession } from '../adapters/routeros/routeros-session.js';
import type { ControllerServer } from '../generated/csi/csi.js';
import { AttachmentRepository } from '../ports/attachment-repository.js';
import { LeaderElection } from '../ports/leader-election.js';
import type { Logger } from '../ports/logger.js';
import { NodeRegistry } from '../ports/node-registry.js';
import { startBackgroundWork } from './background-work.js';
import type { Config } from './config.js';
import { startPoolCapacityRefresh } from './pool-capacity-refresh.js';

export interface ControllerRuntime {
  readonly handlers: ControllerServer;
  stop(): Promise<void>;
}

/**
 * The controller's running parts: attachment records loaded and then followed in the background
 * (until they are in, Probe says not ready), leader election with the reconciler, the pool
 * capacity refresh, and the Controller service's handlers. Loaded only in a mode that runs the
 * controller.
 */
export function startController(container: Container, config: Config, metrics: PromMetrics, logger: Logger): ControllerRuntime {
  if (container.isBound(InMemoryNodeRegistry) && config.nodeId) container.get(InMemoryNodeRegistry).register(config.nodeId);
  const attachments = container.get(AttachmentRepository);
  attachments.sync().catch((error: unknown) => logger.debug('stopped loading attachment records', { error }));
  const background = startBackgroundWork(container, config.background.reconcileIntervalMs, logger);
  metrics.observeAttachments(() => attachments.list().length);
  const leadership = container.get(LeaderElection);
  metrics.observeLeadership(() => leadership.isLeader());
  const poolRefresh = startPoolCapacityRefresh(container);
  return {
    handlers: container.get(ControllerService).handlers(),
    stop: async () => {
      poolRefresh.stop();
      await background.stop();
      attachments.close();
      container.get(NodeRegistry).close();
      if (container.isBound(RouterOsSession)) await container.get(RouterOsSession).close();
    },
  };
}
