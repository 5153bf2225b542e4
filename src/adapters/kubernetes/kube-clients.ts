import { ApiException, CoordinationV1Api, CoreV1Api, KubeConfig, StorageV1Api, Watch } from '@kubernetes/client-node';
import type { RequestContext } from '@kubernetes/client-node';
import type { ServiceIdentifier } from 'inversify';
import { BackendUnavailableError } from '../../domain/errors.js';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * client-node 2.0 builds a new HTTP dispatcher for every request, so every API call pays a fresh TLS
 * handshake (several ms, and a connection per in-flight call). This keeps one dispatcher per cluster
 * and TLS identity, so connections are reused.
 */
class PooledKubeConfig extends KubeConfig {
  private pooled: { key: string; dispatcher: Dispatcher } | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (!fresh) return;
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    const key = JSON.stringify([
      cluster?.server, cluster?.caData, cluster?.caFile, cluster?.skipTLSVerify,
      user?.certData, user?.certFile, user?.keyData, user?.keyFile,
    ]);
    if (this.pooled?.key !== key) this.pooled = { key, dispatcher: fresh };
    else void fresh.close();
    context.setDispatcher(this.pooled.dispatcher);
  }
}

/** The API clients the Kubernetes adapters share; built once in the composition root. */
export class KubeClients {
  private constructor(
    readonly config: KubeConfig,
    readonly core: CoreV1Api,
    readonly storage: StorageV1Api,
    readonly coordination: CoordinationV1Api,
  ) {}

  /** From a kubeconfig file, or the in-cluster service account when `kubeconfigPath` is absent. */
  static fromEnvironment(kubeconfigPath?: string): KubeClients {
    const config = new PooledKubeConfig();
    if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
    else config.loadFromDefault();
    return KubeClients.fromConfig(config);
  }

  /** From kubeconfig options as `KubeConfig.loadFromOptions` takes them (tests, fake API server). */
  static fromOptions(options: object): KubeClients {
    const config = new PooledKubeConfig();
    config.loadFromOptions(options);
    return KubeClients.fromConfig(config);
  }

  static fromConfig(config: KubeConfig): KubeClients {
    return new KubeClients(config, config.makeApiClient(CoreV1Api), config.makeApiClient(StorageV1Api), config.makeApiClient(CoordinationV1Api));
  }

  watcher(): Watch {
    return new Watch(this.config);
  }
}
export const KubeClientsToken = Symbol.for('rds-csi.KubeClients') as ServiceIdentifier<KubeClients>;

/** HTTP status of a failed API call, or undefined for a transport failure. */
export function apiStatus(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** Translates a failed API call at the adapter's edge, by status code, never by message text. */
export function unavailable(what: string, error: unknown): BackendUnavailableError {
  const status = apiStatus(error);
  const reason = status === undefined ? (error instanceof Error ? error.message : String(error)) : `HTTP ${status}`;
  return new BackendUnavailableError(`Kubernetes API: ${what} failed (${reason})`, { cause: error });
}
