import { injectable } from 'inversify';
import type { LeaderElection } from '../../ports/leader-election.js';

/** A single process (the embedded default, no Kubernetes) always leads. */
@injectable()
export class SoloLeaderElection implements LeaderElection {
  isLeader(): boolean {
    return true;
  }
  start(): void {}
  async stop(): Promise<void> {}
}
