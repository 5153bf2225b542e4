import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTACHMENT_POLICY } from '../../src/domain/attachment.js';
import type { AttachmentState, NodeAttachment } from '../../src/domain/attachment.js';
import { CLOCK_SKEW_ALLOWANCE_MS, reconcileRecord, releaseAfterMigrationWindow } from '../../src/domain/attachment-reconciliation.js';
import type { ReportedAttachment } from '../../src/domain/attachment-reconciliation.js';
import { node, vol } from '../support/mothers.js';

const policy = DEFAULT_ATTACHMENT_POLICY;
const GRACE = 120_000;
const LISTED = 1_000_000;
const options = { listedAt: LISTED, graceMs: GRACE, policy };

const held = (nodeId: string, attachedAt = 1, over: Partial<NodeAttachment> = {}): NodeAttachment => ({
  nodeId: node(nodeId),
  attachedAt,
  readonly: false,
  accessMode: 'SINGLE_NODE_MULTI_WRITER',
  volumeMode: 'filesystem',
  ...over,
});
const mnmw = { accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block' } as const;
const record = (...nodes: NodeAttachment[]): AttachmentState => ({ volumeId: vol('v1'), nodes });
const va = (nodeId: string, over: Partial<ReportedAttachment> = {}): ReportedAttachment => ({
  volumeId: vol('v1'),
  nodeId: node(nodeId),
  attachedAt: 5,
  attached: true,
  detaching: false,
  accessMode: 'SINGLE_NODE_MULTI_WRITER',
  volumeMode: 'filesystem',
  readonly: false,
  ...over,
});

describe('reconcileRecord', () => {
  it('keeps a holder an attached VolumeAttachment backs, changing nothing', () => {
    const result = reconcileRecord(record(held('a')), [va('a')], options);
    expect(result).toMatchObject({ changed: false, cleared: [], adopted: [], conflicting: [] });
    expect(result.state).toEqual(record(held('a')));
  });

  it('clears a holder nothing backs, also one whose VolumeAttachment is not attached', () => {
    expect(reconcileRecord(record(held('a')), [], options)).toMatchObject({ changed: true, cleared: ['a'], state: record() });
    expect(reconcileRecord(record(held('a')), [va('a', { attached: false })], options).cleared).toEqual(['a']);
  });

  it('measures the grace from when the list was taken: both ends of it', () => {
    const edge = LISTED - GRACE;
    expect(reconcileRecord(record(held('a', edge + 1)), [], options).cleared).toEqual([]);
    expect(reconcileRecord(record(held('a', edge)), [], options).cleared).toEqual(['a']);
    expect(reconcileRecord(record(held('a', LISTED + 5)), [], options).cleared).toEqual([]);
  });

  it('adopts an attached VolumeAttachment the record lacks, with its mode inferred', () => {
    const result = reconcileRecord(record(), [va('a')], options);
    expect(result).toMatchObject({ changed: true, adopted: ['a'] });
    expect(result.state.nodes).toEqual([{ ...held('a', 5), inferred: true }]);
  });

  it('never adopts a VolumeAttachment that is not attached yet, or is being detached', () => {
    expect(reconcileRecord(record(), [va('a', { attached: false })], options).changed).toBe(false);
    expect(reconcileRecord(record(), [va('a', { detaching: true })], options).changed).toBe(false);
  });

  it('keeps a VolumeAttachment being detached as backing for its recorded holder', () => {
    expect(reconcileRecord(record(held('a')), [va('a', { detaching: true })], options).changed).toBe(false);
  });

  it('lets the record fence: a report of a second node on a single-node volume is not adopted', () => {
    const result = reconcileRecord(record(held('a', LISTED)), [va('b')], options);
    expect(result).toMatchObject({ changed: false, adopted: [], conflicting: ['b'] });
    expect(result.state.nodes.map((n) => n.nodeId)).toEqual(['a']);
  });

  it('replaces a stale holder by the attached one, and adopts both ends of a migration', () => {
    expect(reconcileRecord(record(held('gone')), [va('b')], options)).toMatchObject({ cleared: ['gone'], adopted: ['b'] });
    const both = reconcileRecord(record(), [va('b', { ...mnmw, attachedAt: 9 }), va('a', { ...mnmw, attachedAt: 3 })], options);
    expect(both.adopted).toEqual(['a', 'b']);
    expect(both.state.dualAttachSince).toBe(9);
  });

  it('never adopts a third multi-writer node', () => {
    const migrating = record(held('a', 1, mnmw), held('b', 2, mnmw));
    expect(reconcileRecord(migrating, [va('a', mnmw), va('b', mnmw), va('c', mnmw)], options).conflicting).toEqual(['c']);
  });
});

describe('releaseAfterMigrationWindow', () => {
  const since = 100_000;
  const migrating: AttachmentState = { ...record(held('src', 50_000, mnmw), held('dst', since, mnmw)), dualAttachSince: since, migrationTimeoutMs: 60_000 };
  const run = (now: number, reported: ReportedAttachment[]) =>
    releaseAfterMigrationWindow(migrating, reported, { listedAt: now, now, policy });

  it('changes nothing before the window has passed, whatever the VolumeAttachments say', () => {
    expect(run(since + 60_000, [va('dst', mnmw)]).changed).toBe(false);
  });

  it('after the window releases a holder whose VolumeAttachment is gone, not one whose is present', () => {
    const result = run(since + 60_001, [va('dst', { ...mnmw, attached: false })]);
    expect(result).toMatchObject({ changed: true, cleared: ['src'] });
    expect(result.state.nodes.map((n) => n.nodeId)).toEqual(['dst']);
    expect(result.state.dualAttachSince).toBeUndefined();
  });

  it('never releases a holder that attached within the clock allowance before the list', () => {
    const now = since + 60_001;
    const young: AttachmentState = { ...migrating, nodes: [migrating.nodes[0]!, held('dst', now - CLOCK_SKEW_ALLOWANCE_MS + 1, mnmw)] };
    const result = releaseAfterMigrationWindow(young, [], { listedAt: now, now, policy });
    expect(result.cleared).toEqual(['src']);
  });
});
