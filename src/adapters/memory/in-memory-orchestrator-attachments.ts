import { injectable } from 'inversify';
import type { OrchestratorAttachment, OrchestratorAttachments } from '../../ports/orchestrator-attachments.js';

/**
 * Without an orchestrator (the embedded default) there is nothing to reconcile against: it answers
 * undefined until `report` gives it a list, which tests use to play Kubernetes.
 */
@injectable()
export class InMemoryOrchestratorAttachments implements OrchestratorAttachments {
  private reported: OrchestratorAttachment[] | undefined;

  report(attachments: OrchestratorAttachment[] | undefined): void {
    this.reported = attachments ? [...attachments] : undefined;
  }

  async listAttachments(): Promise<OrchestratorAttachment[] | undefined> {
    return this.reported ? [...this.reported] : undefined;
  }
}
