import { injectable } from 'inversify';
import type { OrchestratorAttachment, OrchestratorAttachments } from '../../ports/orchestrator-attachments.js';

/**
 * Without an orchestrator (the embedded default) there is nothing to reconcile against: it answers
 * undefined until `report` gives it a list, which tests use to play Kubernetes.
 */
@injectable()
export class InMemoryOrchestratorAttachments implements OrchestratorAttachments {
  private attached: OrchestratorAttachment[] | undefined;

  report(attachments: OrchestratorAttachment[] | undefined): void {
    this.attached = attachments ? [...attachments] : undefined;
  }

  async listAttached(): Promise<OrchestratorAttachment[] | undefined> {
    return this.attached ? [...this.attached] : undefined;
  }
}
