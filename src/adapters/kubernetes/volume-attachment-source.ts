import { inject, injectable } from 'inversify';
import { isValidVolumeId, parseNodeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';
import { Logger } from '../../ports/logger.js';
import type { OrchestratorAttachment, OrchestratorAttachments } from '../../ports/orchestrator-attachments.js';
import { usageFromHint } from './attachment-annotations.js';
import { apiStatus, KubeClientsToken, unavailable } from './kube-clients.js';
import type { KubeClients } from './kube-clients.js';
import type { VolumeAttachment } from './kube-objects.js';
import { KubernetesSettings } from './kubernetes-settings.js';
import { PvIndex } from './pv-index.js';

/**
 * Kubernetes' view of attachments: VolumeAttachments whose spec.attacher is this driver, mapped to
 * volume handles through the PV index, with whether they are attached and whether they are being
 * deleted. Answers undefined when RBAC forbids listing them, so the caller keeps its own record.
 */
@injectable()
export class VolumeAttachmentSource implements OrchestratorAttachments {
  constructor(
    @inject(KubeClientsToken) private readonly clients: KubeClients,
    @inject(PvIndex) private readonly index: PvIndex,
    @inject(KubernetesSettings) private readonly settings: KubernetesSettings,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async listAttachments(): Promise<OrchestratorAttachment[] | undefined> {
    let items: VolumeAttachment[];
    try {
      items = await this.listAll();
    } catch (error) {
      if (apiStatus(error) === 403) {
        this.logger.warn('not allowed to list VolumeAttachments; attachment records are not reconciled');
        return undefined;
      }
      throw unavailable('listing VolumeAttachments', error);
    }
    const reported: OrchestratorAttachment[] = [];
    for (const va of items) {
      const found = await this.toAttachment(va);
      if (found) reported.push(found);
    }
    return reported;
  }

  private async listAll(): Promise<VolumeAttachment[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const items: VolumeAttachment[] = [];
        let token: string | undefined;
        do {
          const page = await this.clients.storage.listVolumeAttachment({ limit: this.settings.listPageSize, continue: token });
          items.push(...page.items.filter((va) => va.spec.attacher === this.settings.driverName));
          token = page.metadata?.continue || undefined;
        } while (token);
        return items;
      } catch (error) {
        if (apiStatus(error) !== 410 || attempt >= 5) throw error;
      }
    }
  }

  private async toAttachment(va: VolumeAttachment): Promise<OrchestratorAttachment | undefined> {
    const pvName = va.spec.source.persistentVolumeName;
    if (!pvName) return undefined;
    const pv = this.index.getByName(pvName) ?? (await this.index.read(pvName));
    if (!pv || !isValidVolumeId(pv.volumeHandle)) return undefined;
    let nodeId;
    try {
      nodeId = parseNodeId(va.spec.nodeName);
    } catch {
      this.logger.warn('VolumeAttachment names an invalid node; ignored', { volumeAttachment: va.metadata?.name });
      return undefined;
    }
    const created = va.metadata?.creationTimestamp;
    return {
      volumeId: pv.volumeHandle as VolumeId,
      nodeId,
      attachedAt: created ? new Date(created).getTime() : 0,
      attached: va.status?.attached === true,
      detaching: Boolean(va.metadata?.deletionTimestamp),
      ...usageFromHint(pv.hint),
    };
  }
}
