import type { Container } from 'inversify';
import { ControllerService } from '../adapters/csi/controller-service.js';
import { CsiGrpcServer } from '../adapters/csi/grpc-server.js';
import { IdentityService } from '../adapters/csi/identity-service.js';
import { NodeService } from '../adapters/csi/node-service.js';
import { ReadinessCheck } from '../adapters/csi/csi-settings.js';
import { KubeClients } from '../adapters/kubernetes/kube-clients.js';
import { MetricsServer } from '../adapters/metrics/metrics-server.js';
import { PromMetrics } from '../adapters/metrics/prom-metrics.js';
import { InMemoryNodeRegistry } from '../adapters/memory/in-memory-node-registry.js';
import { RouterOsSession } from '../adapters/routeros/routeros-session.js';
import { AttachmentRepository } from '../ports/attachment-repository.js';
import { LeaderElection } from '../ports/leader-election.js';
import { NodeRegistry } from '../ports/node-registry.js';
import { NvmeInitiator } from '../ports/nvme-initiator.js';
import type { Logger } from '../ports/logger.js';
import type { StorageBackend } from '../ports/storage-backend.js';
import type { Config } from './config.js';
import { startBackgroundWork } from './background-work.js';
import { buildContainer } from './container.js';
import { startPoolCapacityRefresh } from './pool-capacity-refresh.js';
import { packageVersion } from './package-version.js';
import { routerOsConnection } from './routeros-connection.js';
import type { RouterOsConnection } from './routeros-connection.js';

export interface DriverOptions {
  readonly logger: Logger;
  readonly kubeClients?: KubeClients;
  readonly storageBackend?: StorageBackend;
  /** How long shutdown waits for in-flight calls. */
  readonly graceMs?: number;
}

export interface RunningDriver {
  readonly socketPath: string;
  /** Port of the /metrics, /healthz and /readyz server when --metrics-address is set. */
  readonly metricsPort?: number;
  /** The CSI services served on the socket. */
  readonly services: readonly string[];
  readonly container: Container;
  readonly connection?: RouterOsConnection;
  stop(): Promise<void>;
}

/**
 * Starts the driver: connection settings, container, the attachment records (loaded and then
 * followed in the background; until they are in, Probe says not ready), then the gRPC server. It
 * serves even while the RDS or the Kubernetes API is down.
 */
export async function runDriver(config: Config, options: DriverOptions): Promise<RunningDriver> {
  const { logger } = options;
  const serving = config.mode !== 'node';
  const connection = serving && !options.storageBackend ? await routerOsConnection(config) : undefined;
  const kubeClients = config.attachmentStore === 'kubernetes' ? (options.kubeClients ?? KubeClients.fromEnvironment(config.kubeconfig)) : undefined;
  const loopInitiator = config.mode !== 'controller' && config.embeddedRds ? (await import('../adapters/loop/loop-device-initiator.js')).LoopDeviceInitiator : undefined;
  const version = packageVersion();
  const container = buildContainer(config, {
    logger,
    ...(loopInitiator ? { loopInitiator } : {}),
    version,
    ...(kubeClients ? { kubeClients } : {}),
    ...(connection ? { routerOs: connection.settings } : {}),
    ...(options.storageBackend ? { storageBackend: options.storageBackend } : {}),
  });
  if (container.isBound(InMemoryNodeRegistry) && config.nodeId) container.get(InMemoryNodeRegistry).register(config.nodeId);
  const attachments = serving ? container.get(AttachmentRepository) : undefined;
  attachments?.sync().catch((error: unknown) => logger.debug('stopped loading attachment records', { error }));
  const background = serving ? startBackgroundWork(container, config.background.reconcileIntervalMs, logger) : undefined;
  if (config.mode !== 'controller') await cleanupOrphans(container, logger);
  const metrics = container.get(PromMetrics);
  metrics.buildInfo(version, config.mode);
  if (attachments) metrics.observeAttachments(() => attachments.list().length);
  if (serving) {
    const leadership = container.get(LeaderElection);
    metrics.observeLeadership(() => leadership.isLeader());
  }
  const poolRefresh = serving ? startPoolCapacityRefresh(container) : undefined;
  const readiness = container.get(ReadinessCheck);
  const metricsServer = config.metricsAddress ? await MetricsServer.start(config.metricsAddress, metrics, () => readiness.execute(), logger) : undefined;
  const server = await CsiGrpcServer.start(
    config.socketPath,
    {
      identity: container.get(IdentityService).handlers(),
      ...(serving ? { controller: container.get(ControllerService).handlers() } : {}),
      ...(config.mode !== 'controller' ? { node: container.get(NodeService).handlers() } : {}),
    },
    logger,
  );
  logger.info('rds-csi serving', { version: packageVersion(), socket: config.socketPath, mode: config.mode, driverName: config.driverName, nodeId: config.nodeId });
  return {
    socketPath: config.socketPath,
    services: ['Identity', ...(serving ? ['Controller'] : []), ...(config.mode !== 'controller' ? ['Node'] : [])],
    container,
    ...(connection ? { connection } : {}),
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    stop: async () => {
      await server.shutdown(options.graceMs ?? 10_000);
      await metricsServer?.stop();
      poolRefresh?.stop();
      await background?.stop();
      attachments?.close();
      if (serving) container.get(NodeRegistry).close();
      if (container.isBound(RouterOsSession)) await container.get(RouterOsSession).close();
      await connection?.embedded?.simulator.stop();
    },
  };
}

/** At node start: disconnect managed subsystems left without a block device (crash, reboot). */
async function cleanupOrphans(container: Container, logger: Logger): Promise<void> {
  try {
    const report = await container.get(NvmeInitiator).cleanupOrphans();
    if (report.disconnected.length > 0 || report.failed.length > 0) logger.info('orphaned connections cleaned up', { ...report });
  } catch (error) {
    logger.warn('could not clean up orphaned connections at start', { error });
  }
}
