import type { Container } from 'inversify';
import { CsiGrpcServer } from '../adapters/csi/grpc-server.js';
import { IdentityService } from '../adapters/csi/identity-service.js';
import { ReadinessCheck } from '../adapters/csi/csi-settings.js';
import type { KubeClients } from '../adapters/kubernetes/kube-clients.js';
import { MetricsServer } from '../adapters/metrics/metrics-server.js';
import { PromMetrics } from '../adapters/metrics/prom-metrics.js';
import type { Logger } from '../ports/logger.js';
import type { StorageBackend } from '../ports/storage-backend.js';
import type { Config } from './config.js';
import { buildContainer } from './container.js';
import { packageVersion } from './package-version.js';
import { ConfigFileError, routerOsConnection } from './routeros-connection.js';
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
 * Starts the driver: connection settings, the Kubernetes clients (with the Kubernetes store), the
 * container, the mode's running parts (each loaded only when its mode is configured), then the gRPC
 * server. It serves even while the RDS or the Kubernetes API is down.
 */
export async function runDriver(config: Config, options: DriverOptions): Promise<RunningDriver> {
  const { logger } = options;
  const serving = config.mode !== 'node';
  const connection = serving && !options.storageBackend ? await routerOsConnection(config) : undefined;
  const kubeClients = config.attachmentStore === 'kubernetes' ? (options.kubeClients ?? (await kubeClientsFor(config))) : undefined;
  const loopInitiator = config.mode !== 'controller' && config.embeddedRds ? (await import('../adapters/loop/loop-device-initiator.js')).LoopDeviceInitiator : undefined;
  const version = packageVersion();
  const container = await buildContainer(config, {
    logger,
    ...(loopInitiator ? { loopInitiator } : {}),
    version,
    ...(kubeClients ? { kubeClients } : {}),
    ...(connection ? { routerOs: connection.settings } : {}),
    ...(options.storageBackend ? { storageBackend: options.storageBackend } : {}),
  });
  const metrics = container.get(PromMetrics);
  metrics.buildInfo(version, config.mode);
  const controller = serving ? (await import('./controller-runtime.js')).startController(container, config, metrics, logger) : undefined;
  const node = config.mode !== 'controller' ? await (await import('./node-runtime.js')).startNode(container, logger) : undefined;
  const readiness = container.get(ReadinessCheck);
  const metricsServer = config.metricsAddress ? await MetricsServer.start(config.metricsAddress, metrics, () => readiness.execute(), logger) : undefined;
  const server = await CsiGrpcServer.start(
    config.socketPath,
    {
      identity: container.get(IdentityService).handlers(),
      ...(controller ? { controller: controller.handlers } : {}),
      ...(node ? { node: node.handlers } : {}),
    },
    logger,
  );
  logger.info('rds-csi serving', { version: packageVersion(), socket: config.socketPath, mode: config.mode, driverName: config.driverName, nodeId: config.nodeId });
  return {
    socketPath: config.socketPath,
    services: ['Identity', ...(controller ? ['Controller'] : []), ...(node ? ['Node'] : [])],
    container,
    ...(connection ? { connection } : {}),
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    stop: async () => {
      await server.shutdown(options.graceMs ?? 10_000);
      await metricsServer?.stop();
      await controller?.stop();
      if (!options.kubeClients) kubeClients?.close();
      await connection?.embedded?.simulator.stop();
    },
  };
}

/** The Kubernetes client, loaded only with the Kubernetes store: in-cluster, or from --kubeconfig. */
async function kubeClientsFor(config: Config): Promise<KubeClients> {
  const [{ KubeClients }, { KubeConfigError }] = await Promise.all([import('../adapters/kubernetes/kube-clients.js'), import('../adapters/kubernetes/kube-endpoint.js')]);
  try {
    return await KubeClients.fromEnvironment(config.kubeconfig);
  } catch (error) {
    if (error instanceof KubeConfigError) throw new ConfigFileError(error.message);
    throw error;
  }
}
