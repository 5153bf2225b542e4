import { inject, injectable } from 'inversify';
import type { NodeId } from '../../domain/ids.js';
import { Clock } from '../../ports/clock.js';
import { Logger } from '../../ports/logger.js';
import type { NodeRegistry } from '../../ports/node-registry.js';
import { apiStatus, KubeClientsToken, unavailable } from './kube-clients.js';
import type { KubeClients } from './kube-clients.js';
import { KubeInformer } from './kube-informer.js';
import type { CsiNode } from './kube-objects.js';
import { KubernetesSettings } from './kubernetes-settings.js';

/**
 * A node exists when the kubelet registered this driver for it: a CSINode whose drivers list this
 * driver with that node ID (what NodeGetInfo reported). CSINodes are followed by an informer from
 * the first question on, so a known node costs no API call. A node the cache lacks is looked up
 * directly (it may have registered a moment ago): the CSINode named like the ID, and, while the
 * cache is still loading, every CSINode, since a node ID need not be the node's name.
 */
@injectable()
export class KubeNodeRegistry implements NodeRegistry {
  /** CSINode name → the node ID it registers for this driver. */
  private readonly registered = new Map<string, string>();
  private informer: KubeInformer<CsiNode> | undefined;
  private synced = false;

  constructor(
    @inject(KubeClientsToken) private readonly clients: KubeClients,
    @inject(KubernetesSettings) private readonly settings: KubernetesSettings,
    @inject(Logger) private readonly logger: Logger,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  async exists(nodeId: NodeId): Promise<boolean> {
    this.follow();
    if (this.knows(nodeId)) return true;
    try {
      const named = await this.readCsiNode(nodeId);
      if (named) this.absorb(named);
      if (this.knows(nodeId) || this.synced) return this.knows(nodeId);
      let token: string | undefined;
      do {
        const page = await this.clients.storage.listCsiNode({ limit: this.settings.listPageSize, continue: token });
        if (page.items.some((n) => this.nodeIdOf(n) === nodeId)) return true;
        token = page.metadata?.continue || undefined;
      } while (token);
      return false;
    } catch (error) {
      throw unavailable(`looking up node ${nodeId}`, error);
    }
  }

  close(): void {
    this.informer?.stop();
  }

  private follow(): void {
    if (this.informer) return;
    this.informer = new KubeInformer<CsiNode>(
      this.clients,
      {
        what: 'CSINodes',
        watchPath: '/apis/storage.k8s.io/v1/csinodes',
        list: (limit, token) => this.clients.storage.listCsiNode({ limit, continue: token }),
      },
      {
        replace: (items) => {
          this.registered.clear();
          for (const item of items) this.absorb(item);
        },
        upsert: (item) => this.absorb(item),
        remove: (item) => this.registered.delete(item.metadata?.name ?? ''),
      },
      { ...this.settings.informer, pageSize: this.settings.listPageSize },
      this.logger,
      this.clock,
    );
    this.informer.start().then(
      () => (this.synced = true),
      () => undefined,
    );
  }

  private knows(nodeId: string): boolean {
    for (const id of this.registered.values()) if (id === nodeId) return true;
    return false;
  }

  private absorb(csiNode: CsiNode): void {
    const name = csiNode.metadata?.name ?? '';
    const id = this.nodeIdOf(csiNode);
    if (id === undefined) this.registered.delete(name);
    else this.registered.set(name, id);
  }

  private nodeIdOf(csiNode: CsiNode): string | undefined {
    return csiNode.spec.drivers.find((d) => d.name === this.settings.driverName)?.nodeID;
  }

  private async readCsiNode(name: string): Promise<CsiNode | undefined> {
    try {
      return await this.clients.storage.readCsiNode(name);
    } catch (error) {
      if (apiStatus(error) === 404) return undefined;
      throw error;
    }
  }
}
