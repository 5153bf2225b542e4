import { describe, expect, it } from 'vitest';
import { InMemoryAttachmentStore } from '../../src/adapters/memory/in-memory-attachment-store.js';
import { InMemoryOrchestratorAttachments } from '../../src/adapters/memory/in-memory-orchestrator-attachments.js';
import { RECONCILE_GRACE_MS, ReconcileAttachments } from '../../src/app/use-cases/reconcile-attachments.js';
import type { LeaderElection } from '../../src/ports/leader-election.js';
import type { OrchestratorAttachment } from '../../src/ports/orchestrator-attachments.js';
import { attachmentHarness } from '../support/attachment-harness.js';
import { attachCommand, node, vol } from '../support/mothers.js';

class Leadership implements LeaderElection {
  leader = true;
  isLeader() {
    return this.leader;
  }
  start() {}
  async stop() {}
}

const reported = (volumeId: string, nodeId: string, attachedAt = 1): OrchestratorAttachment => ({
  volumeId: vol(volumeId), nodeId: node(nodeId), attachedAt, accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem', readonly: false,
});

async function setup() {
  const store = new InMemoryAttachmentStore();
  const orchestrator = new InMemoryOrchestratorAttachments();
  const leadership = new Leadership();
  const h = attachmentHarness(store, { orchestrator });
  await h.rebuild.execute();
  const reconcile = new ReconcileAttachments(leadership, orchestrator, store, h.registry, h.locks, h.clock, h.logger, { policy: { maxMultiWriterNodes: 2, dualAttachTimeoutMs: 300_000 }, waitMs: 1_000, rebuildConcurrency: 4 });
  return { store, orchestrator, leadership, h, reconcile };
}

describe('ReconcileAttachments (the leader periodic pass)', () => {
  it('clears attachments Kubernetes no longer reports, adopts new ones, spares young ones', async () => {
    const { store, orchestrator, h, reconcile } = await setup();
    await h.attach.execute(attachCommand('old', 'dead-node'));
    h.clock.advance(RECONCILE_GRACE_MS + 1);
    await h.attach.execute(attachCommand('young', 'node-2'));
    orchestrator.report([reported('adopt-me', 'node-3')]);
    expect(await reconcile.execute()).toEqual({ cleared: 1, adopted: 1 });
    expect(h.query.get(vol('old'))).toBeUndefined();
    expect(await store.load(vol('old'))).toBeUndefined();
    expect(h.query.nodesOf(vol('young'))).toEqual(['node-2']);
    expect(h.query.nodesOf(vol('adopt-me'))).toEqual(['node-3']);
    expect((await h.attach.execute(attachCommand('old', 'node-4'))).outcome).toBe('attached');
  });

  it('does nothing as a follower, or without an orchestrator view', async () => {
    const { orchestrator, leadership, h, reconcile } = await setup();
    await h.attach.execute(attachCommand('old', 'dead-node'));
    h.clock.advance(RECONCILE_GRACE_MS + 1);
    expect(await reconcile.execute()).toBeUndefined();
    orchestrator.report([]);
    leadership.leader = false;
    expect(await reconcile.execute()).toBeUndefined();
    expect(h.query.nodesOf(vol('old'))).toEqual(['dead-node']);
  });

  it('waits for the volume lock like any other operation', async () => {
    const { orchestrator, h, reconcile } = await setup();
    await h.attach.execute(attachCommand('busy', 'dead-node'));
    h.clock.advance(RECONCILE_GRACE_MS + 1);
    orchestrator.report([]);
    let release!: () => void;
    const held = h.locks.withVolumeLock(vol('busy'), () => new Promise<void>((r) => (release = r)));
    const pass = reconcile.execute();
    await new Promise((r) => setTimeout(r, 20));
    expect(h.query.nodesOf(vol('busy'))).toEqual(['dead-node']);
    release();
    await held;
    expect(await pass).toEqual({ cleared: 1, adopted: 0 });
  });
});
