import type { Container } from 'inversify';
import { NodeService } from '../adapters/csi/node-service.js';
import type { NodeServer } from '../generated/csi/csi.js';
import type { Logger } from '../ports/logger.js';
import { NvmeInitiator } from '../ports/nvme-initiator.js';

/**
 * The node plugin's start: managed NVMe subsystems left without a block device (crash, reboot) are
 * disconnected, then the Node service's handlers are served. Loaded only in a mode that runs the node.
 */
export async function startNode(container: Container, logger: Logger): Promise<{ readonly handlers: NodeServer }> {
  try {
    const report = await container.get(NvmeInitiator).cleanupOrphans();
    if (report.disconnected.length > 0 || report.failed.length > 0) logger.info('orphaned connections cleaned up', { ...report });
  } catch (error) {
    logger.warn('could not clean up orphaned connections at start', { error });
  }
  return { handlers: container.get(NodeService).handlers() };
}
