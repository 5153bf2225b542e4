import { ApiException, CoreV1Api, KubeConfig, StorageV1Api, Watch } from '@kubernetes/client-node';
import type { ServiceIdentifier } from 'inversify';
import { BackendUnavailableError } from '../../domain/errors.js';

/** The API clients the Kubernetes adapters share; built once in the composition root. */
export class KubeClients {
  private constructor(
    readonly config: KubeConfig,
    readonly core: CoreV1Api,
    readonly storage: StorageV1Api,
  ) {}

  /** From a kubeconfig file, or the in-cluster service account when `kubeconfigPath` is absent. */
  static fromEnvironment(kubeconfigPath?: string): KubeClients {
    const config = new KubeConfig();
    if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
    else config.loadFromDefault();
    return KubeClients.fromConfig(config);
  }

  /** From kubeconfig options as `KubeConfig.loadFromOptions` takes them (tests, fake API server). */
  static fromOptions(options: object): KubeClients {
    const config = new KubeConfig();
    config.loadFromOptions(options);
    return KubeClients.fromConfig(config);
  }

  static fromConfig(config: KubeConfig): KubeClients {
    return new KubeClients(config, config.makeApiClient(CoreV1Api), config.makeApiClient(StorageV1Api));
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
