import { describe, expect, it } from 'vitest';
import { InMemoryOrchestratorAttachments } from '../../src/adapters/memory/in-memory-orchestrator-attachments.js';
import type { OrchestratorAttachment } from '../../src/ports/orchestrator-attachments.js';
import { replicaPair, seed } from '../support/controller-harness.js';
import { node, publishCommand as publish, vol } from '../support/mothers.js';

const va = (volumeId: string, nodeId: string): OrchestratorAttachment => ({
  volumeId: vol(volumeId), nodeId: node(nodeId), attachedAt: 1, attached: true, detaching: false,
  accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block', readonly: false,
});

async function cluster() {
  const orchestrator = new InMemoryOrchestratorAttachments();
  const pair = await replicaPair({ orchestrator });
  await seed(pair.leader, ['vm-30', 'vm-120', 'vm-default'], ['src', 'dst']);
  return { ...pair, orchestrator };
}

/** Starts a live migration of `volumeId` from src to dst; the StorageClass window comes with the request. */
async function migrate(h: Awaited<ReturnType<typeof cluster>>, volumeId: string, window?: number): Promise<void> {
  const over = window === undefined ? { migration: true } : { migration: true, window };
  await h.leader.publish.execute(publish(volumeId, 'src', over));
  h.clock.advance(20_000);
  await h.follower.publish.execute(publish(volumeId, 'dst', over));
  h.orchestrator.report([va(volumeId, 'src'), va(volumeId, 'dst')]);
}

describe('the live-migration window, per StorageClass value', () => {
  it.each([
    ['vm-30', 30, 30],
    ['vm-120', 120, 120],
    ['vm-default', undefined, 300],
  ] as const)('%s: normal up to the end of its window, overdue one millisecond later, reported once', async (volumeId, window, seconds) => {
    const h = await cluster();
    await migrate(h, volumeId, window);
    h.clock.advance(seconds * 1000);
    expect(await h.leader.migrations.execute()).toEqual([]);
    expect((await h.leader.inspect.get(volumeId)).abnormal).toBeUndefined();
    expect(h.leader.events.events).toEqual([]);

    h.clock.advance(1);
    expect(await h.leader.migrations.execute()).toEqual([volumeId]);
    expect((await h.follower.inspect.get(volumeId)).abnormal).toMatch(new RegExp(`src and dst since .*window of ${seconds} s`));
    expect(h.leader.events.events).toEqual([
      expect.objectContaining({ volumeId, type: 'Warning', reason: 'MigrationTimedOut', message: expect.stringContaining(`window of ${seconds} s`) }),
    ]);
    expect(h.leader.metrics.migrationTimeouts).toBe(1);
    h.clock.advance(60_000);
    await h.leader.migrations.execute();
    expect(h.leader.events.events).toHaveLength(1);
    expect(h.leader.metrics.migrationTimeouts).toBe(1);
    expect(h.holders(volumeId)).toEqual(['src', 'dst']);
  });

  it('once overdue, releases the source as soon as its VolumeAttachment is gone, and the volume is normal again', async () => {
    const h = await cluster();
    await migrate(h, 'vm-30', 30);
    h.orchestrator.report([va('vm-30', 'dst')]);
    h.clock.advance(30_000);
    await h.leader.migrations.execute();
    expect(h.holders('vm-30')).toEqual(['src', 'dst']);
    h.clock.advance(1);
    await h.leader.migrations.execute();
    expect(h.holders('vm-30')).toEqual(['dst']);
    expect((await h.leader.inspect.get('vm-30')).abnormal).toBeUndefined();
    await expect(h.follower.publish.execute(publish('vm-30', 'src', { migration: true }))).resolves.toBeDefined();
  });

  it('a new migration gets a new window and is reported again; the follower never reports', async () => {
    const h = await cluster();
    await migrate(h, 'vm-30', 30);
    h.clock.advance(30_001);
    expect(await h.follower.migrations.execute()).toEqual([]);
    await h.leader.migrations.execute();
    await h.leader.unpublish.execute({ volumeId: 'vm-30', nodeId: node('src') });
    await h.leader.publish.execute(publish('vm-30', 'src', { migration: true, window: 30 }));
    h.clock.advance(30_001);
    await h.leader.migrations.execute();
    expect(h.leader.events.events.map((e) => e.reason)).toEqual(['MigrationTimedOut', 'MigrationTimedOut']);
    expect(h.follower.events.events).toEqual([]);
  });

  it('always refuses a third node, inside the window and after it', async () => {
    const h = await cluster();
    await migrate(h, 'vm-120', 120);
    await expect(h.leader.publish.execute(publish('vm-120', 'third', { migration: true }))).rejects.toThrow();
    h.leader.nodes.register(node('third'));
    await expect(h.leader.publish.execute(publish('vm-120', 'third', { migration: true }))).rejects.toThrow(/at most 2 nodes/);
    h.clock.advance(121_000);
    await expect(h.follower.publish.execute(publish('vm-120', 'third', { migration: true }))).rejects.toThrow(/at most 2 nodes/);
  });
});
