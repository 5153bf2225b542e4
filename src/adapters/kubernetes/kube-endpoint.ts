import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Where the API server is and how to authenticate to it. */
export interface KubeEndpoint {
  readonly server: URL;
  /** PEM of the CA to trust; the system's CAs when absent. */
  readonly ca?: string;
  /** Client certificate and key (PEM), when the user authenticates with one. */
  readonly cert?: string;
  readonly key?: string;
  readonly skipTlsVerify: boolean;
  /** The bearer token to send now, if any (a token file is re-read, so rotation is picked up). */
  token(): string | undefined;
}

/** A kubeconfig in client-node's `loadFromOptions` shape (camelCase); what tests hand over. */
export interface KubeConfigOptions {
  readonly clusters: readonly { name: string; server: string; caData?: string; caFile?: string; skipTLSVerify?: boolean }[];
  readonly users: readonly { name: string; token?: string; certData?: string; keyData?: string; certFile?: string; keyFile?: string }[];
  readonly contexts: readonly { name: string; cluster: string; user: string }[];
  readonly currentContext: string;
}

/** A token file is read again after this long, as client-go does for projected tokens. */
const TOKEN_REREAD_MS = 60_000;
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A kubeconfig the driver cannot use (missing context, unsupported authentication). */
export class KubeConfigError extends Error {}

export function endpointFromOptions(options: KubeConfigOptions): KubeEndpoint {
  const context = options.contexts.find((c) => c.name === options.currentContext);
  if (!context) throw new KubeConfigError(`kubeconfig: current context ${JSON.stringify(options.currentContext)} is not defined`);
  const cluster = options.clusters.find((c) => c.name === context.cluster);
  if (!cluster) throw new KubeConfigError(`kubeconfig: cluster ${JSON.stringify(context.cluster)} is not defined`);
  const user = options.users.find((u) => u.name === context.user);
  const pem = (data: string | undefined, file: string | undefined) => (data ? Buffer.from(data, 'base64').toString('utf8') : file ? readText(file) : undefined);
  const ca = pem(cluster.caData, cluster.caFile);
  const cert = pem(user?.certData, user?.certFile);
  const key = pem(user?.keyData, user?.keyFile);
  const token = user?.token;
  return {
    server: new URL(cluster.server),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    skipTlsVerify: cluster.skipTLSVerify === true,
    token: () => token,
  };
}

type Entry<K extends string, V> = { name: string } & { [key in K]?: V };
interface KubeconfigDocument {
  clusters?: Entry<'cluster', Record<string, unknown>>[];
  users?: Entry<'user', Record<string, unknown>>[];
  contexts?: Entry<'context', { cluster?: string; user?: string }>[];
  'current-context'?: string;
}

/**
 * A kubeconfig file's document (kebab-case, as kubectl writes it), with relative file paths taken
 * from `baseDir`. Supported: CA data or file, insecure-skip-tls-verify, and users with a token, a
 * token file or a client certificate. Exec and auth-provider plugins are refused: the driver runs
 * in-cluster on its service account; a kubeconfig is for tests and operators.
 */
export function endpointFromKubeconfig(document: unknown, baseDir: string): KubeEndpoint {
  const doc = (document ?? {}) as KubeconfigDocument;
  const current = doc['current-context'] ?? '';
  const context = doc.contexts?.find((c) => c.name === current)?.context;
  if (!context) throw new KubeConfigError(`kubeconfig: current context ${JSON.stringify(current)} is not defined`);
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster || typeof cluster.server !== 'string') throw new KubeConfigError(`kubeconfig: cluster ${JSON.stringify(context.cluster)} has no server`);
  const user = doc.users?.find((u) => u.name === context.user)?.user ?? {};
  if (user.exec || user['auth-provider']) {
    throw new KubeConfigError(`kubeconfig: user ${JSON.stringify(context.user)} authenticates with an exec or auth-provider plugin, which rds-csi does not run; use a token, a token file or a client certificate`);
  }
  const path = (value: unknown) => (typeof value === 'string' && value !== '' ? (isAbsolute(value) ? value : join(baseDir, value)) : undefined);
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const base = endpointFromOptions({
    clusters: [{ name: 'c', server: cluster.server, caData: text(cluster['certificate-authority-data']), caFile: path(cluster['certificate-authority']), skipTLSVerify: cluster['insecure-skip-tls-verify'] === true }],
    users: [{ name: 'u', token: text(user.token), certData: text(user['client-certificate-data']), keyData: text(user['client-key-data']), certFile: path(user['client-certificate']), keyFile: path(user['client-key']) }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const tokenFile = path(user.tokenFile);
  return tokenFile && !text(user.token) ? { ...base, token: rereadEvery(tokenFile, TOKEN_REREAD_MS) } : base;
}

/** The pod's service account: the API server from the environment, token and CA from the mounted secret. */
export function inClusterEndpoint(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): KubeEndpoint {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new KubeConfigError('not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset) and no --kubeconfig given');
  const server = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`);
  return { server, ca: readText(join(dir, 'ca.crt')), skipTlsVerify: false, token: rereadEvery(join(dir, 'token'), TOKEN_REREAD_MS) };
}

/** A file's trimmed content, read at once and again when asked after `ms`; the last good value survives a failed read. */
export function rereadEvery(file: string, ms: number, now: () => number = Date.now): () => string {
  let value = readText(file).trim();
  let readAt = now();
  return () => {
    if (now() - readAt >= ms) {
      readAt = now();
      try {
        value = readFileSync(file, 'utf8').trim();
      } catch {
        // keep the last token: a rotation in progress; the next read will find the new one
      }
    }
    return value;
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new KubeConfigError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
