import type { Container } from 'inversify';
import { LeaderElection } from '../ports/leader-election.js';
import type { Logger } from '../ports/logger.js';
import { EnforceMigrationWindows } from './use-cases/enforce-migration-windows.js';
import { ReconcileAttachments } from './use-cases/reconcile-attachments.js';

/** How often the leader looks for live migrations past their window. */
export const MIGRATION_CHECK_MS = 5_000;

/**
 * The controller's background work: campaign for leadership and, while leading, reconcile the
 * attachment records every interval (and at once after winning leadership) and check live-migration
 * windows every few seconds. One piece of work runs at a time.
 */
export function startBackgroundWork(container: Container, intervalMs: number, logger: Logger): { stop(): Promise<void> } {
  const leadership = container.get(LeaderElection);
  const reconcile = container.get(ReconcileAttachments);
  const migrations = container.get(EnforceMigrationWindows);
  leadership.start();
  const tickMs = Math.min(MIGRATION_CHECK_MS, intervalMs);
  const ticksPerPass = Math.max(1, Math.round(intervalMs / tickMs));
  let wasLeader = false;
  let ticksSincePass = 0;
  let running = false;
  const work = async (reconcileDue: boolean) => {
    if (reconcileDue) await reconcile.execute().catch((error: unknown) => logger.warn('reconcile pass failed; retrying on the next one', { error }));
    await migrations.execute().catch((error: unknown) => logger.warn('live-migration window check failed; retrying', { error }));
  };
  const check = () => {
    const leader = leadership.isLeader();
    ticksSincePass += 1;
    const reconcileDue = leader && (!wasLeader || ticksSincePass >= ticksPerPass);
    wasLeader = leader;
    if (!leader || running) return;
    running = true;
    if (reconcileDue) ticksSincePass = 0;
    void work(reconcileDue).finally(() => (running = false));
  };
  const timer = setInterval(check, tickMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await leadership.stop();
    },
  };
}
