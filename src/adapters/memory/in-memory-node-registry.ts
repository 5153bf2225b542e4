import { injectable } from 'inversify';
import type { NodeId } from '../../domain/ids.js';
import type { NodeRegistry } from '../../ports/node-registry.js';

/** Node IDs registered in this process: the embedded default's own node plugin, and tests. */
@injectable()
export class InMemoryNodeRegistry implements NodeRegistry {
  private readonly nodes = new Set<string>();

  register(nodeId: NodeId): void {
    this.nodes.add(nodeId);
  }

  unregister(nodeId: NodeId): void {
    this.nodes.delete(nodeId);
  }

  async exists(nodeId: NodeId): Promise<boolean> {
    return this.nodes.has(nodeId);
  }

  close(): void {}
}
