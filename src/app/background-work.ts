import type { Container } from 'inversify';
import { LeaderElection } from '../ports/leader-election.js';
import type { Logger } from '../ports/logger.js';
import { ReconcileAttachments } from './use-cases/reconcile-attachments.js';

/**
 * The controller's background work: campaign for leadership and, while leading, reconcile the
 * attachment records every interval, and at once after winning leadership.
 */
export function startBackgroundWork(container: Container, intervalMs: number, logger: Logger): { stop(): Promise<void> } {
  const leadership = container.get(LeaderElection);
  const reconcile = container.get(ReconcileAttachments);
  leadership.start();
  let wasLeader = false;
  let lastPass = Date.now();
  let running = false;
  const check = () => {
    const leader = leadership.isLeader();
    const due = leader && (!wasLeader || Date.now() - lastPass >= intervalMs);
    wasLeader = leader;
    if (!due || running) return;
    running = true;
    lastPass = Date.now();
    void reconcile
      .execute()
      .catch((error: unknown) => logger.warn('reconcile pass failed; retrying on the next one', { error }))
      .finally(() => (running = false));
  };
  const timer = setInterval(check, Math.min(5_000, intervalMs));
  return {
    stop: async () => {
      clearInterval(timer);
      await leadership.stop();
    },
  };
}
