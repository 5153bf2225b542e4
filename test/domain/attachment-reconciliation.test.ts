import { describe, expect, it } from 'vitest';
import type { AttachmentState, NodeAttachment } from '../../src/domain/attachment.js';
import { reconcileAttachments } from '../../src/domain/attachment-reconciliation.js';
import type { ReportedAttachment } from '../../src/domain/attachment-reconciliation.js';
import { node, vol } from '../support/mothers.js';

const held = (nodeId: string, attachedAt = 1): NodeAttachment => ({
  nodeId: node(nodeId),
  attachedAt,
  readonly: false,
  accessMode: 'SINGLE_NODE_MULTI_WRITER',
  volumeMode: 'filesystem',
});
const record = (volumeId: string, ...nodes: NodeAttachment[]): AttachmentState => ({ volumeId: vol(volumeId), nodes });
const reported = (volumeId: string, nodeId: string, attachedAt = 5): ReportedAttachment => ({
  volumeId: vol(volumeId),
  nodeId: node(nodeId),
  attachedAt,
  accessMode: 'MULTI_NODE_MULTI_WRITER',
  volumeMode: 'block',
  readonly: false,
});

describe('reconcileAttachments', () => {
  it('keeps backed records untouched', () => {
    const result = reconcileAttachments([record('v1', held('a'))], [reported('v1', 'a')]);
    expect(result.states.get(vol('v1'))).toEqual(record('v1', held('a')));
    expect(result.changed.size).toBe(0);
    expect(result.cleared).toEqual([]);
    expect(result.adopted).toEqual([]);
  });

  it('clears a stale record that nothing backs', () => {
    const result = reconcileAttachments([record('v1', held('a'))], []);
    expect(result.states.get(vol('v1'))?.nodes).toEqual([]);
    expect([...result.changed]).toEqual(['v1']);
    expect(result.cleared).toEqual([{ volumeId: 'v1', nodeId: 'a' }]);
  });

  it('adopts an attachment that has no record, flagged as inferred', () => {
    const result = reconcileAttachments([], [reported('v2', 'b', 9)]);
    expect(result.states.get(vol('v2'))?.nodes).toEqual([
      { nodeId: 'b', attachedAt: 9, readonly: false, accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block', inferred: true },
    ]);
    expect(result.adopted).toEqual([{ volumeId: 'v2', nodeId: 'b' }]);
  });

  it('mixes: drops the stale node of a dual record, adopts an extra one, orders adopted nodes by time', () => {
    const result = reconcileAttachments(
      [record('v1', held('a'), held('b'))],
      [reported('v1', 'a'), reported('v3', 'y', 20), reported('v3', 'x', 10)],
    );
    expect(result.states.get(vol('v1'))?.nodes.map((n) => n.nodeId)).toEqual(['a']);
    expect(result.states.get(vol('v1'))?.dualAttachSince).toBeUndefined();
    const v3 = result.states.get(vol('v3'))!;
    expect(v3.nodes.map((n) => n.nodeId)).toEqual(['x', 'y']);
    expect(v3.dualAttachSince).toBe(20);
    expect(result.cleared).toEqual([{ volumeId: 'v1', nodeId: 'b' }]);
  });
});
