import { describe, expect, it } from 'vitest';
import type { LeaderElection } from '../../src/ports/leader-election.js';
import type { OrchestratorAttachment, OrchestratorAttachments } from '../../src/ports/orchestrator-attachments.js';
import { replicaPair, seed } from '../support/controller-harness.js';
import { until } from '../support/until.js';
import { node, publishCommand as publish, vol } from '../support/mothers.js';

const GRACE = 120_000;

class Leadership implements LeaderElection {
  leader = true;
  isLeader() {
    return this.leader;
  }
  start() {}
  async stop() {}
}

/** Kubernetes' VolumeAttachments, with a list call the test can hold open (a slow API server). */
class Orchestrator implements OrchestratorAttachments {
  attachments: OrchestratorAttachment[] | undefined = [];
  listed = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  hold(): void {
    this.gate = new Promise<void>((r) => (this.open = r));
  }
  release(): void {
    this.open?.();
  }
  async listAttachments(): Promise<OrchestratorAttachment[] | undefined> {
    const snapshot = this.attachments ? [...this.attachments] : undefined;
    this.listed += 1;
    await this.gate;
    return snapshot;
  }
}

const va = (volumeId: string, nodeId: string, attachedAt = 1, over: Partial<OrchestratorAttachment> = {}): OrchestratorAttachment => ({
  volumeId: vol(volumeId), nodeId: node(nodeId), attachedAt, attached: true, detaching: false,
  accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem', readonly: false, ...over,
});

async function cluster() {
  const orchestrator = new Orchestrator();
  const leadership = new Leadership();
  const pair = await replicaPair({ orchestrator, leadership, graceMs: GRACE });
  await seed(pair.leader, ['old', 'young', 'adopt-me', 'busy', 'v1', 'v2'], ['dead-node', 'node-2', 'node-3', 'node-4', 'a', 'b']);
  return { ...pair, orchestrator, leadership };
}

describe('ReconcileAttachments (the leader\u2019s pass)', () => {
  it('clears holders Kubernetes no longer reports, adopts unrecorded ones, spares young ones', async () => {
    const { clock, orchestrator, leader, follower, holders } = await cluster();
    await leader.publish.execute(publish('old', 'dead-node'));
    clock.advance(GRACE + 1);
    await follower.publish.execute(publish('young', 'node-2'));
    orchestrator.attachments = [va('adopt-me', 'node-3')];
    expect(await leader.reconcile.execute()).toEqual({ cleared: 1, adopted: 1, skipped: 0 });
    expect(holders('old')).toEqual([]);
    expect(holders('young')).toEqual(['node-2']);
    expect(holders('adopt-me')).toEqual(['node-3']);
    await follower.publish.execute(publish('old', 'node-4'));
  });

  it('measures the grace from when the list was requested, however long the pass takes', async () => {
    const { clock, orchestrator, leader, holders } = await cluster();
    await leader.publish.execute(publish('old', 'dead-node'));
    clock.advance(1);
    await leader.publish.execute(publish('young', 'node-2'));
    clock.advance(GRACE - 1);
    orchestrator.hold();
    const pass = leader.reconcile.execute();
    await until(() => orchestrator.listed === 1);
    clock.advance(10 * GRACE);
    orchestrator.release();
    expect(await pass).toEqual({ cleared: 1, adopted: 0, skipped: 0 });
    expect(holders('old')).toEqual([]);
    expect(holders('young')).toEqual(['node-2']);
  });

  it('leaves a record that changed after the list was taken to the next pass', async () => {
    const { clock, orchestrator, leader, follower, holders } = await cluster();
    await leader.publish.execute(publish('v1', 'a'));
    clock.advance(GRACE + 1);
    orchestrator.attachments = [va('v1', 'a')];
    orchestrator.hold();
    const pass = leader.reconcile.execute();
    await until(() => orchestrator.listed === 1);
    await follower.unpublish.execute({ volumeId: 'v1', nodeId: node('a') });
    orchestrator.release();
    expect(await pass).toEqual({ cleared: 0, adopted: 0, skipped: 1 });
    expect(holders('v1')).toEqual([]);
  });

  it('never adopts against the fence, and never re-adopts a VolumeAttachment being detached', async () => {
    const { orchestrator, leader, holders } = await cluster();
    await leader.publish.execute(publish('v1', 'a'));
    orchestrator.attachments = [va('v1', 'a'), va('v1', 'b'), va('v2', 'b', 1, { detaching: true })];
    expect(await leader.reconcile.execute()).toEqual({ cleared: 0, adopted: 0, skipped: 0 });
    expect(holders('v1')).toEqual(['a']);
    expect(holders('v2')).toEqual([]);
    expect(leader.logger.at('warn').some((l) => /the record fences/.test(l.message))).toBe(true);
  });

  it('does nothing as a follower, or without an orchestrator view', async () => {
    const { clock, orchestrator, leadership, leader, follower, holders } = await cluster();
    await leader.publish.execute(publish('old', 'dead-node'));
    clock.advance(GRACE + 1);
    expect(await follower.reconcile.execute()).toBeUndefined();
    orchestrator.attachments = undefined;
    expect(await leader.reconcile.execute()).toBeUndefined();
    orchestrator.attachments = [];
    leadership.leader = false;
    expect(await leader.reconcile.execute()).toBeUndefined();
    expect(holders('old')).toEqual(['dead-node']);
  });

  it('waits for the volume lock like any other operation', async () => {
    const { clock, orchestrator, leader, holders } = await cluster();
    await leader.publish.execute(publish('busy', 'dead-node'));
    clock.advance(GRACE + 1);
    orchestrator.attachments = [];
    let release!: () => void;
    const held = leader.locks.withVolumeLock(vol('busy'), () => new Promise<void>((r) => (release = r)));
    const pass = leader.reconcile.execute();
    await new Promise((r) => setTimeout(r, 20));
    expect(holders('busy')).toEqual(['dead-node']);
    release();
    await held;
    expect(await pass).toEqual({ cleared: 1, adopted: 0, skipped: 0 });
  });
});
