import fc from 'fast-check';
import type { Scheduler } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryAttachmentRecords } from '../../src/adapters/memory/in-memory-attachment-records.js';
import { InMemoryNodeRegistry } from '../../src/adapters/memory/in-memory-node-registry.js';
import { InMemoryStorageBackend } from '../../src/adapters/memory/in-memory-storage-backend.js';
import { ManualClock } from '../../src/adapters/time/manual-clock.js';
import {
  BackendUnavailableError,
  ConcurrentModificationError,
  IncompatibleAttachmentError,
  VolumeAttachedElsewhereError,
  VolumeBusyError,
} from '../../src/domain/errors.js';
import { GiB } from '../../src/domain/size.js';
import type { OrchestratorAttachment, OrchestratorAttachments } from '../../src/ports/orchestrator-attachments.js';
import { ScheduledAttachmentSource } from '../fakes/scheduled-attachment-source.js';
import { controllerHarness, seed } from '../support/controller-harness.js';
import type { ControllerHarness } from '../support/controller-harness.js';
import { node, publishCommand, vol } from '../support/mothers.js';

const VOLUMES = ['rwo-0', 'rwo-1', 'rwx-0'] as const;
const NODES = ['n0', 'n1', 'n2'] as const;
const GRACE = 60_000;
const multi = (volume: string) => volume.startsWith('rwx');
const EXPECTED_REFUSALS = [VolumeAttachedElsewhereError, IncompatibleAttachmentError, ConcurrentModificationError, VolumeBusyError];

type Command =
  | { kind: 'attach'; replica: number; volume: string; node: string }
  | { kind: 'detach'; replica: number; volume: string; node: string }
  | { kind: 'reconcile'; replica: number }
  | { kind: 'restart'; replica: number }
  | { kind: 'conflict'; replica: number }
  | { kind: 'tick'; ms: number };

const replica = fc.integer({ min: 0, max: 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('attach' as const), replica, volume: fc.constantFrom(...VOLUMES), node: fc.constantFrom(...NODES) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('detach' as const), replica, volume: fc.constantFrom(...VOLUMES), node: fc.constantFrom(...NODES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reconcile' as const), replica }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), replica }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('conflict' as const), replica }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 2 * GRACE }) }) },
);

/**
 * Kubernetes as the attacher leaves it: a VolumeAttachment exists from the first attach call, is
 * attached once an attach answers OK, is being deleted while a detach runs and gone once it answers
 * OK. Listing it is a request the scheduler orders like any other.
 */
class Kubernetes implements OrchestratorAttachments {
  private readonly vas = new Map<string, OrchestratorAttachment>();
  constructor(private readonly scheduler: Scheduler, private readonly clock: ManualClock) {}

  async listAttachments(): Promise<OrchestratorAttachment[]> {
    await this.scheduler.schedule(Promise.resolve(), 'list VolumeAttachments');
    return [...this.vas.values()];
  }
  attaching(volume: string, nodeId: string): void {
    const key = `${volume}|${nodeId}`;
    if (!this.vas.has(key)) this.vas.set(key, this.va(volume, nodeId, false));
  }
  attached(volume: string, nodeId: string): void {
    this.vas.set(`${volume}|${nodeId}`, this.va(volume, nodeId, true));
  }
  gaveUp(volume: string, nodeId: string): void {
    if (!this.vas.get(`${volume}|${nodeId}`)?.attached) this.vas.delete(`${volume}|${nodeId}`);
  }
  detaching(volume: string, nodeId: string): void {
    const va = this.vas.get(`${volume}|${nodeId}`);
    if (va) this.vas.set(`${volume}|${nodeId}`, { ...va, detaching: true });
  }
  detached(volume: string, nodeId: string): void {
    this.vas.delete(`${volume}|${nodeId}`);
  }
  private va(volume: string, nodeId: string, attached: boolean): OrchestratorAttachment {
    const mode = multi(volume) ? { accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block' } as const : { accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem' } as const;
    return { volumeId: vol(volume), nodeId: node(nodeId), attachedAt: this.clock.now(), attached, detaching: false, readonly: false, ...mode };
  }
}

async function run(s: Scheduler, commands: readonly Command[]): Promise<string[]> {
  const problems: string[] = [];
  const records = new InMemoryAttachmentRecords();
  records.subscribe((r) => {
    const limit = multi(r.state.volumeId) ? 2 : 1;
    if (r.state.nodes.length > limit) problems.push(`${r.state.volumeId} held by ${r.state.nodes.map((n) => n.nodeId).join(', ')}`);
  });
  const holders = (volume: string) => records.read(vol(volume)).state.nodes.map((n) => n.nodeId as string);
  // What the nodes were told: granted by an OK attach, until an OK detach. The record must hold them all.
  const granted = new Map(VOLUMES.map((v) => [v as string, new Set<string>()]));
  const checkGrants = (when: string) => {
    for (const [volume, nodesTold] of granted) {
      if (nodesTold.size > (multi(volume) ? 2 : 1)) problems.push(`${when}: ${volume} granted to ${[...nodesTold].join(', ')}`);
      const missing = [...nodesTold].filter((n) => !holders(volume).includes(n));
      if (missing.length > 0) problems.push(`${when}: ${volume} granted to ${missing.join(', ')}, but the record holds ${holders(volume).join(', ') || 'nobody'}`);
    }
  };
  const backend = new InMemoryStorageBackend(64 * GiB);
  const nodes = new InMemoryNodeRegistry();
  const clock = new ManualClock();
  const kubernetes = new Kubernetes(s, clock);
  const start = async (slot: number) => {
    const source = new ScheduledAttachmentSource(records, s);
    const leadership = { isLeader: () => slot === 0, start() {}, async stop() {} };
    const h = await controllerHarness({ records, source, backend, nodes, clock, orchestrator: kubernetes, leadership, graceMs: GRACE, writeTries: 4 });
    return { h, source };
  };
  const replicas = [await start(0), await start(1)];
  await seed(replicas[0]!.h, VOLUMES, NODES);

  const refusedOrThrow = (what: string, error: unknown) => {
    if (!EXPECTED_REFUSALS.some((type) => error instanceof type) && !(error instanceof BackendUnavailableError)) {
      problems.push(`${what} failed unexpectedly: ${String(error)}`);
    }
  };
  const execute = async (c: Command): Promise<void> => {
    if (c.kind === 'tick') return clock.advance(c.ms);
    const current = replicas[c.replica]!;
    const h: ControllerHarness = current.h;
    if (c.kind === 'conflict') return current.source.conflictNextWrite();
    if (c.kind === 'restart') {
      current.source.kill();
      replicas[c.replica] = await start(c.replica);
      return;
    }
    if (c.kind === 'reconcile') {
      await h.reconcile.execute().catch((e: unknown) => refusedOrThrow('reconcile', e));
      return;
    }
    const what = `${c.kind} ${c.volume} on ${c.node} through ${c.replica}`;
    if (c.kind === 'attach') {
      kubernetes.attaching(c.volume, c.node);
      const request = publishCommand(c.volume, c.node, multi(c.volume) ? { migration: true } : {});
      try {
        await h.publish.execute(request);
        if (!holders(c.volume).includes(c.node)) problems.push(`${what}: OK, but the record holds ${holders(c.volume).join(', ') || 'nobody'}`);
        kubernetes.attached(c.volume, c.node);
        granted.get(c.volume)!.add(c.node);
        checkGrants(what);
      } catch (error) {
        if (error instanceof VolumeAttachedElsewhereError && !error.holders.every((n) => holders(c.volume).includes(n))) {
          problems.push(`${what}: refused naming ${error.holders.join(', ')}, but the record holds ${holders(c.volume).join(', ') || 'nobody'}`);
        }
        refusedOrThrow(what, error);
        kubernetes.gaveUp(c.volume, c.node);
      }
      return;
    }
    kubernetes.detaching(c.volume, c.node);
    try {
      await h.unpublish.execute({ volumeId: c.volume, nodeId: node(c.node) });
      if (holders(c.volume).includes(c.node)) problems.push(`${what}: OK, but the record still holds it`);
      kubernetes.detached(c.volume, c.node);
      granted.get(c.volume)!.delete(c.node);
    } catch (error) {
      refusedOrThrow(what, error);
    }
  };

  const all = commands.map((c) => s.schedule(Promise.resolve(c), `start ${c.kind}`).then(execute));
  await s.waitIdle();
  await Promise.all(all);
  checkGrants('at the end');
  return problems;
}

describe('fencing across two replicas, property-based', () => {
  it('never grants a single-node volume to two nodes or a multi-writer one to three, and every OK matches the stored record', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(command, { minLength: 1, maxLength: 40 }), async (s, commands) => {
        const problems = await run(s, commands);
        expect(problems).toEqual([]);
      }),
      { numRuns: 500 },
    );
  }, 120_000);
});
