import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ServiceIdentifier } from 'inversify';
import { BackendUnavailableError } from '../../domain/errors.js';
import { CoordinationV1Api } from './coordination-v1-api.js';
import { CoreV1Api } from './core-v1-api.js';
import { endpointFromKubeconfig, endpointFromOptions, inClusterEndpoint, KubeConfigError } from './kube-endpoint.js';
import type { KubeConfigOptions, KubeEndpoint } from './kube-endpoint.js';
import { KubeApiError, KubeHttp } from './kube-http.js';
import type { KubeRequest, WatchHandler } from './kube-http.js';
import { StorageV1Api } from './storage-v1-api.js';

/**
 * The API groups the Kubernetes adapters call, over one keep-alive connection pool; built once in
 * the composition root. Hand-written over node:https for the few calls the driver makes, so a
 * process loads a few kilobytes of client instead of every API group of a generated one.
 */
export class KubeClients {
  readonly core: CoreV1Api;
  readonly storage: StorageV1Api;
  readonly coordination: CoordinationV1Api;

  private constructor(private readonly http: KubeHttp) {
    this.core = new CoreV1Api(http);
    this.storage = new StorageV1Api(http);
    this.coordination = new CoordinationV1Api(http);
  }

  /**
   * From a kubeconfig file (JSON or YAML), or the in-cluster service account when `kubeconfigPath`
   * is absent. Rejects with KubeConfigError when neither gives a usable endpoint.
   */
  static async fromEnvironment(kubeconfigPath?: string, env: NodeJS.ProcessEnv = process.env): Promise<KubeClients> {
    if (!kubeconfigPath) return KubeClients.fromEndpoint(inClusterEndpoint(env));
    let text: string;
    try {
      text = await readFile(kubeconfigPath, 'utf8');
    } catch (error) {
      throw new KubeConfigError(`--kubeconfig: cannot read ${kubeconfigPath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return KubeClients.fromEndpoint(endpointFromKubeconfig(await parseDocument(text), dirname(kubeconfigPath)));
  }

  /** From kubeconfig options in client-node's `loadFromOptions` shape (tests, the fake API server). */
  static fromOptions(options: KubeConfigOptions): KubeClients {
    return KubeClients.fromEndpoint(endpointFromOptions(options));
  }

  static fromEndpoint(endpoint: KubeEndpoint): KubeClients {
    return new KubeClients(new KubeHttp(endpoint));
  }

  /** Watches a list path; see KubeHttp.watch. */
  watch(path: string, query: KubeRequest['query'], onEvent: WatchHandler, signal: AbortSignal): Promise<void> {
    return this.http.watch(path, query, onEvent, signal);
  }

  close(): void {
    this.http.close();
  }
}
export const KubeClientsToken = Symbol.for('rds-csi.KubeClients') as ServiceIdentifier<KubeClients>;

/** JSON first (kubeconfigs written by tools often are, and it costs no parser); YAML otherwise. */
async function parseDocument(text: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    const { parse } = await import('yaml');
    return parse(text) as unknown;
  }
}

/** HTTP status of a failed API call, or undefined for a transport failure. */
export function apiStatus(error: unknown): number | undefined {
  return error instanceof KubeApiError ? error.code : undefined;
}

/** Translates a failed API call at the adapter's edge, by status code, never by message text. */
export function unavailable(what: string, error: unknown): BackendUnavailableError {
  const status = apiStatus(error);
  const reason = status === undefined ? (error instanceof Error ? error.message : String(error)) : `HTTP ${status}`;
  return new BackendUnavailableError(`Kubernetes API: ${what} failed (${reason})`, { cause: error });
}
