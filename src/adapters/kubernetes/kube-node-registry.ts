import type { V1CSINode } from '@kubernetes/client-node';
import { inject, injectable } from 'inversify';
import type { NodeId } from '../../domain/ids.js';
import type { NodeRegistry } from '../../ports/node-registry.js';
import { apiStatus, KubeClientsToken, unavailable } from './kube-clients.js';
import type { KubeClients } from './kube-clients.js';
import { KubernetesSettings } from './kubernetes-settings.js';

/**
 * A node exists when the kubelet registered this driver for it: a CSINode whose drivers list this
 * driver with that node ID (what NodeGetInfo reported). The CSINode named like the ID is read
 * first; otherwise all CSINodes are searched, since a node ID need not be the node's name.
 */
@injectable()
export class KubeNodeRegistry implements NodeRegistry {
  constructor(
    @inject(KubeClientsToken) private readonly clients: KubeClients,
    @inject(KubernetesSettings) private readonly settings: KubernetesSettings,
  ) {}

  async exists(nodeId: NodeId): Promise<boolean> {
    try {
      const named = await this.readCsiNode(nodeId);
      if (named && this.registers(named, nodeId)) return true;
      let token: string | undefined;
      do {
        const page = await this.clients.storage.listCSINode({ limit: this.settings.listPageSize, _continue: token });
        if (page.items.some((n) => this.registers(n, nodeId))) return true;
        token = page.metadata?._continue || undefined;
      } while (token);
      return false;
    } catch (error) {
      throw unavailable(`looking up node ${nodeId}`, error);
    }
  }

  private async readCsiNode(name: string): Promise<V1CSINode | undefined> {
    try {
      return await this.clients.storage.readCSINode({ name });
    } catch (error) {
      if (apiStatus(error) === 404) return undefined;
      throw error;
    }
  }

  private registers(csiNode: V1CSINode, nodeId: string): boolean {
    return csiNode.spec.drivers.some((d) => d.name === this.settings.driverName && d.nodeID === nodeId);
  }
}
