import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { FaultPlan } from './fault-plan.js';
import { objectKey, type KubeObject } from './kube-object.js';
import { jsonOf, ObjectStore } from './object-store.js';
import { createRequestHandler } from './request-handler.js';
import { RequestLog, type RequestFilter, type RequestRecord } from './request-log.js';
import { kubeTimestamp } from './resource-writes.js';
import { apiVersionOf, primaryDef, type KindName } from './resource-table.js';
import { selfSignedCertificate } from './self-signed-certificate.js';

/** What `KubeConfig.loadFromOptions` takes (structurally compatible with @kubernetes/client-node 2.x). */
export interface FakeKubeConfigOptions {
  clusters: { name: string; server: string; caData: string; skipTLSVerify: boolean }[];
  users: { name: string; token: string }[];
  contexts: { name: string; cluster: string; user: string; namespace: string }[];
  currentContext: string;
}

export interface FakeKubeApiOptions {
  /** Watch events kept for `watch` from an old resourceVersion (default 10,000); older ones answer 410. */
  watchHistory?: number;
}

/**
 * HTTPS fake of the Kubernetes API slice rds-csi uses (see resource-table.ts), with the real API's semantics for
 * resourceVersion conflicts, Status errors, pagination, patches and watches. Helpers act on the store directly and
 * count as real writes (new resourceVersion, watch events); objects they return are copies.
 */
export class FakeKubeApi {
  readonly faults = new FaultPlan();
  readonly token = randomBytes(16).toString('hex');
  private readonly log = new RequestLog();
  private readonly watches = new Set<() => void>();
  private server!: Server;
  private caPem = '';
  private port = 0;

  private constructor(private readonly store: ObjectStore) {}

  static async start(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
    const api = new FakeKubeApi(new ObjectStore(options.watchHistory ?? 10_000));
    const { keyPem, certPem } = await selfSignedCertificate();
    api.caPem = certPem;
    const handler = createRequestHandler({
      store: api.store,
      faults: api.faults,
      log: api.log,
      token: api.token,
      user: 'system:serviceaccount:kube-system:rds-csi-controller',
      watches: api.watches,
    });
    api.server = createServer({ key: keyPem, cert: certPem }, handler);
    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(0, '127.0.0.1', () => resolve());
    });
    api.port = (api.server.address() as AddressInfo).port;
    return api;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** PEM of the server certificate, the CA clients must trust. */
  get caCertificate(): string {
    return this.caPem;
  }

  kubeConfigOptions(): FakeKubeConfigOptions {
    return {
      clusters: [{ name: 'fake', server: this.url, caData: Buffer.from(this.caPem).toString('base64'), skipTLSVerify: false }],
      users: [{ name: 'fake-user', token: this.token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake-user', namespace: 'default' }],
      currentContext: 'fake',
    };
  }

  /** Ends every open watch (clients see the stream close), then stops the server. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.closeWatches();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Ends open watch streams as an API server does on timeout; clients are expected to re-watch. */
  closeWatches(): void {
    for (const close of [...this.watches]) close();
  }

  activeWatchCount(kind?: KindName): number {
    return this.store.watch.listenerCount(kind);
  }

  /** Current global resourceVersion (the one a list would report). */
  resourceVersion(): string {
    return String(this.store.currentRv());
  }

  /** Creates or replaces unconditionally; fills apiVersion, kind, uid, creationTimestamp when missing. */
  put<T = KubeObject>(kind: KindName, obj: object): T {
    const def = primaryDef(kind);
    const input = JSON.parse(JSON.stringify(obj)) as KubeObject;
    const meta = input.metadata ?? {};
    if (!meta.name) throw new Error(`fake-kube-api: put(${kind}) needs metadata.name`);
    const namespace = def.namespaced ? (meta.namespace ?? 'default') : undefined;
    const old = this.store.find(kind, namespace, meta.name)?.obj.metadata;
    const stored = this.store.commit(kind, objectKey(namespace, meta.name), {
      ...input,
      apiVersion: input.apiVersion ?? apiVersionOf(def),
      kind: input.kind ?? def.kind,
      metadata: {
        ...meta,
        ...(namespace === undefined ? {} : { namespace }),
        uid: meta.uid ?? old?.uid ?? randomUUID(),
        creationTimestamp: meta.creationTimestamp ?? old?.creationTimestamp ?? kubeTimestamp(),
      },
    });
    return JSON.parse(JSON.stringify(stored)) as T;
  }

  get<T = KubeObject>(kind: KindName, name: string, namespace?: string): T | undefined {
    const entry = this.store.find(kind, this.namespaceFor(kind, namespace), name);
    return entry ? (JSON.parse(jsonOf(entry)) as T) : undefined;
  }

  /** All objects of a kind in the API's list order, optionally in one namespace. */
  list<T = KubeObject>(kind: KindName, namespace?: string): T[] {
    const page = this.store.page(kind, { limit: 0, ...(namespace === undefined ? {} : { namespace }) });
    return page.entries.map((e) => JSON.parse(jsonOf(e)) as T);
  }

  /** Removes the object at once (finalizers are not honoured here); false when it did not exist. */
  delete(kind: KindName, name: string, namespace?: string): boolean {
    const ns = this.namespaceFor(kind, namespace);
    if (!this.store.find(kind, ns, name)) return false;
    this.store.commit(kind, objectKey(ns, name), undefined);
    return true;
  }

  /** Read-modify-write on a copy: `fn` mutates the draft or returns a replacement. */
  update<T = KubeObject>(kind: KindName, name: string, fn: (draft: T) => T | void, namespace?: string): T {
    const draft = this.get<T>(kind, name, namespace);
    if (draft === undefined) throw new Error(`fake-kube-api: update of missing ${kind} ${namespace ?? ''}/${name}`);
    return this.put<T>(kind, (fn(draft) ?? draft) as object);
  }

  requestCount(filter?: RequestFilter): number {
    return this.log.count(filter);
  }

  requests(): RequestRecord[] {
    return this.log.all();
  }

  resetCounters(): void {
    this.log.reset();
  }

  private namespaceFor(kind: KindName, namespace: string | undefined): string | undefined {
    return primaryDef(kind).namespaced ? (namespace ?? 'default') : undefined;
  }
}
