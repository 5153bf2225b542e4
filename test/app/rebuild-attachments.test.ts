import { describe, expect, it } from 'vitest';
import { InMemoryAttachmentStore } from '../../src/adapters/memory/in-memory-attachment-store.js';
import { InMemoryOrchestratorAttachments } from '../../src/adapters/memory/in-memory-orchestrator-attachments.js';
import type { AttachmentState } from '../../src/domain/attachment.js';
import { BackendUnavailableError, VolumeAttachedElsewhereError } from '../../src/domain/errors.js';
import type { OrchestratorAttachment } from '../../src/ports/orchestrator-attachments.js';
import { attachmentHarness } from '../support/attachment-harness.js';
import { node, vol } from '../support/mothers.js';

const state = (volumeId: string, nodeId: string): AttachmentState => ({
  volumeId: vol(volumeId),
  nodes: [{ nodeId: node(nodeId), attachedAt: 1, readonly: false, accessMode: 'SINGLE_NODE_MULTI_WRITER', volumeMode: 'filesystem' }],
});
const reported = (volumeId: string, nodeId: string): OrchestratorAttachment => ({
  volumeId: vol(volumeId),
  nodeId: node(nodeId),
  attachedAt: 5,
  accessMode: 'SINGLE_NODE_MULTI_WRITER',
  volumeMode: 'filesystem',
  readonly: false,
});

async function seeded(...states: AttachmentState[]): Promise<InMemoryAttachmentStore> {
  const store = new InMemoryAttachmentStore();
  for (const s of states) await store.save(s.volumeId, s, undefined);
  return store;
}

describe('RebuildAttachments', () => {
  it('recovers every record when no orchestrator can be asked, and serves it', async () => {
    const h = attachmentHarness(await seeded(state('v1', 'a'), state('v2', 'b')));
    const summary = await h.rebuild.execute();
    expect(summary).toEqual({ recovered: 2, cleared: 0, adopted: 0, reconciled: false });
    await expect(h.attach.execute({ volumeId: vol('v1'), nodeId: node('x'), accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem', readonly: false })).rejects.toBeInstanceOf(VolumeAttachedElsewhereError);
    expect(h.logger.at('info').find((l) => l.message === 'attachment state rebuilt')?.fields).toMatchObject({ recovered: 2 });
  });

  it('clears a stale record and adopts an unrecorded attachment, writing both back', async () => {
    const store = await seeded(state('v1', 'a'), state('v2', 'b'));
    const orchestrator = new InMemoryOrchestratorAttachments();
    orchestrator.report([reported('v2', 'b'), reported('v3', 'c')]);
    const h = attachmentHarness(store, { orchestrator });
    expect(await h.rebuild.execute()).toEqual({ recovered: 2, cleared: 1, adopted: 1, reconciled: true });
    expect(await store.load(vol('v1'))).toBeUndefined();
    expect((await store.load(vol('v3')))?.state.nodes[0]).toMatchObject({ nodeId: 'c', inferred: true });
    expect(h.query.list().map((s) => s.volumeId).sort()).toEqual(['v2', 'v3']);
    // The stale holder no longer fences out a legitimate attach.
    const attach = { volumeId: vol('v1'), nodeId: node('z'), accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem', readonly: false } as const;
    expect((await h.attach.execute(attach)).outcome).toBe('attached');
  });

  it('keeps the record unreconciled when the orchestrator cannot be reached, and says so', async () => {
    const failing = { listAttached: async () => Promise.reject(new BackendUnavailableError('api down')) };
    const h = attachmentHarness(await seeded(state('v1', 'a')), { orchestrator: failing });
    expect(await h.rebuild.execute()).toEqual({ recovered: 1, cleared: 0, adopted: 0, reconciled: false });
    expect(h.query.nodesOf(vol('v1'))).toEqual(['a']);
    expect(h.logger.at('warn')).toHaveLength(1);
  });

  it('a second instance over the same store rebuilds exactly the first one state', async () => {
    const store = new InMemoryAttachmentStore();
    const first = attachmentHarness(store);
    await first.rebuild.execute();
    const base = { accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block', readonly: false } as const;
    await first.attach.execute({ volumeId: vol('m'), nodeId: node('src'), ...base });
    await first.attach.execute({ volumeId: vol('m'), nodeId: node('dst'), ...base });
    await first.attach.execute({ volumeId: vol('s'), nodeId: node('one'), ...base, accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem' });
    const second = attachmentHarness(store);
    await second.rebuild.execute();
    expect(second.query.list()).toEqual(first.query.list());
  });
});
