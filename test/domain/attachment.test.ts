import { describe, expect, it } from 'vitest';
import { Attachment, DEFAULT_ATTACHMENT_POLICY } from '../../src/domain/attachment.js';
import type { AttachmentPolicy } from '../../src/domain/attachment.js';
import {
  IncompatibleAttachmentError,
  InvalidArgumentError,
  MaxVolumesPerNodeError,
  VolumeAttachedElsewhereError,
} from '../../src/domain/errors.js';
import { migration, node, request, vol } from '../support/mothers.js';

const policy = DEFAULT_ATTACHMENT_POLICY;
const at = (now: number, volumesOnNode = 0) => ({ now, volumesOnNode });

function attachedTo(...requests: ReturnType<typeof request>[]): Attachment {
  const a = Attachment.empty(vol('pvc-1'));
  requests.forEach((r, i) => a.attach(r, at(1000 + i), policy));
  return a;
}

describe('Attachment: single-node modes', () => {
  it('attaches a free volume and repeats idempotently', () => {
    const a = Attachment.empty(vol('pvc-1'));
    expect(a.attach(request('a'), at(1), policy)).toBe('attached');
    expect(a.attach(request('a'), at(2), policy)).toBe('already-attached');
    expect(a.nodes).toEqual([
      { nodeId: 'a', attachedAt: 1, readonly: false, accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem' },
    ]);
  });

  it.each([
    ['readonly differs', request('a', { readonly: true })],
    ['mode differs', request('a', { accessMode: 'SINGLE_NODE_SINGLE_WRITER' })],
    ['volume mode differs', request('a', { volumeMode: 'block' })],
  ])('refuses the same node when %s', (_, repeat) => {
    const a = attachedTo(request('a'));
    expect(() => a.attach(repeat, at(5), policy)).toThrow(IncompatibleAttachmentError);
    expect(a.nodes).toHaveLength(1);
  });

  it.each(['SINGLE_NODE_WRITER', 'SINGLE_NODE_READER_ONLY', 'SINGLE_NODE_SINGLE_WRITER', 'SINGLE_NODE_MULTI_WRITER'] as const)(
    'fences a second node for %s and names the holder',
    (accessMode) => {
      const a = attachedTo(request('node-a', { accessMode }));
      expect(() => a.attach(request('node-b', { accessMode }), at(5), policy)).toThrow(
        /volume pvc-1 is attached to node node-a/,
      );
      expect(() => a.attach(migration('node-b'), at(5), policy)).toThrow(VolumeAttachedElsewhereError);
    },
  );
});

describe('Attachment: multi-writer block (live migration)', () => {
  it('admits a second node, records the window, refuses a third naming both', () => {
    const a = attachedTo(migration('a'));
    expect(a.attach(migration('b'), at(2000), policy)).toBe('attached');
    expect(a.dualAttachSince).toBe(2000);
    const third = () => a.attach(migration('c'), at(3000), policy);
    expect(third).toThrow(VolumeAttachedElsewhereError);
    expect(third).toThrow(/node a and node b.*at most 2 nodes/);
  });

  it('honours a configured node count', () => {
    const three: AttachmentPolicy = { ...policy, maxMultiWriterNodes: 3 };
    const a = Attachment.empty(vol('pvc-1'));
    for (const n of ['a', 'b', 'c']) a.attach(migration(n), at(1), three);
    expect(() => a.attach(migration('d'), at(1), three)).toThrow(VolumeAttachedElsewhereError);
  });

  it('refuses a single-node request while migrating, and a multi-writer join to a single-node holder', () => {
    const a = attachedTo(migration('a'));
    expect(() => a.attach(request('b', { volumeMode: 'block' }), at(1), policy)).toThrow(VolumeAttachedElsewhereError);
    const b = attachedTo(request('a', { volumeMode: 'block' }));
    expect(() => b.attach(migration('b'), at(1), policy)).toThrow(VolumeAttachedElsewhereError);
  });

  it('tells when the dual-attach window outlived its timeout, and closes it on detach', () => {
    const a = attachedTo(migration('a'), migration('b'));
    const since = a.dualAttachSince!;
    expect(a.isDualAttachOverdue(since + policy.dualAttachTimeoutMs, policy)).toBe(false);
    expect(a.isDualAttachOverdue(since + policy.dualAttachTimeoutMs + 1, policy)).toBe(true);
    a.detach(node('a'));
    expect(a.dualAttachSince).toBeUndefined();
    expect(a.isDualAttachOverdue(since + 10 * policy.dualAttachTimeoutMs, policy)).toBe(false);
  });

  it.each(['MULTI_NODE_READER_ONLY', 'MULTI_NODE_SINGLE_WRITER'] as const)('rejects %s', (accessMode) => {
    expect(() => Attachment.empty(vol('v')).attach(request('a', { accessMode, volumeMode: 'block' }), at(1), policy)).toThrow(
      InvalidArgumentError,
    );
  });

  it('rejects MULTI_NODE_MULTI_WRITER on a filesystem volume', () => {
    const r = request('a', { accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'filesystem' });
    expect(() => Attachment.empty(vol('v')).attach(r, at(1), policy)).toThrow(/only for block volumes/);
  });
});

describe('Attachment: detach', () => {
  it('is idempotent per node and detaches every node without a node', () => {
    const a = attachedTo(migration('a'), migration('b'));
    expect(a.detach(node('zzz'))).toEqual([]);
    expect(a.detach(node('a'))).toEqual(['a']);
    expect(a.detach(node('a'))).toEqual([]);
    const b = attachedTo(migration('a'), migration('b'));
    expect(b.detach()).toEqual(['a', 'b']);
    expect(b.isEmpty()).toBe(true);
    expect(b.detach()).toEqual([]);
  });
});

describe('Attachment: per-node limit and inferred records', () => {
  it('refuses a node at its maximum, but not a repeat', () => {
    const limited: AttachmentPolicy = { ...policy, maxVolumesPerNode: 2 };
    expect(() => Attachment.empty(vol('v')).attach(request('a'), at(1, 2), limited)).toThrow(MaxVolumesPerNodeError);
    expect(Attachment.empty(vol('v')).attach(request('a'), at(1, 1), limited)).toBe('attached');
    const a = attachedTo(request('a'));
    expect(a.attach(request('a'), at(1, 5), limited)).toBe('already-attached');
  });

  it('lets the holder of an inferred attachment restate its mode', () => {
    const a = Attachment.restore({
      volumeId: vol('v'),
      nodes: [{ nodeId: node('a'), attachedAt: 7, readonly: false, accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem', inferred: true }],
    });
    expect(a.attach(request('a', { accessMode: 'SINGLE_NODE_MULTI_WRITER', readonly: true }), at(9), policy)).toBe('already-attached');
    expect(a.nodes[0]).toEqual({ nodeId: 'a', attachedAt: 7, readonly: true, accessMode: 'SINGLE_NODE_MULTI_WRITER', volumeMode: 'filesystem' });
    expect(() => a.attach(request('a'), at(10), policy)).toThrow(IncompatibleAttachmentError);
  });

  it('round-trips through its state', () => {
    const a = attachedTo(migration('a'), migration('b'));
    expect(Attachment.restore(a.toState()).toState()).toEqual(a.toState());
  });

  const inferredHolder = (accessMode: 'SINGLE_NODE_MULTI_WRITER' | 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block' | 'filesystem') =>
    Attachment.restore({
      volumeId: vol('v'),
      nodes: [{ nodeId: node('a'), attachedAt: 7, readonly: false, accessMode, volumeMode, inferred: true }],
    });

  it('fences with an inferred single-node holder exactly as with a recorded one', () => {
    for (const volumeMode of ['filesystem', 'block'] as const) {
      const a = inferredHolder('SINGLE_NODE_MULTI_WRITER', volumeMode);
      expect(() => a.attach(migration('b'), at(9), policy)).toThrow(/attached to node a/);
      expect(() => a.attach(request('b', { volumeMode }), at(9), policy)).toThrow(VolumeAttachedElsewhereError);
      expect(a.changed).toBe(false);
    }
  });

  it('admits a live-migration target next to an inferred multi-writer block holder', () => {
    const a = inferredHolder('MULTI_NODE_MULTI_WRITER', 'block');
    expect(a.attach(migration('b'), at(9), policy)).toBe('attached');
    expect(a.holders()).toEqual(['a', 'b']);
  });
});

describe('Attachment: what changed', () => {
  it('is unchanged by a repeat and by a refused request, changed by an attach, an upgrade or a detach', () => {
    const a = Attachment.restore(attachedTo(request('a')).toState());
    a.attach(request('a'), at(5), policy);
    expect(() => a.attach(request('b'), at(5), policy)).toThrow(VolumeAttachedElsewhereError);
    expect(a.detach(node('zzz'))).toEqual([]);
    expect(a.changed).toBe(false);
    a.detach(node('a'));
    expect(a.changed).toBe(true);
    const b = Attachment.empty(vol('v'));
    b.attach(request('a'), at(1), policy);
    expect(b.changed).toBe(true);
  });
});

describe('Attachment: the live-migration window', () => {
  it('takes the window the second node asks for, and the policy default without one', () => {
    const a = attachedTo(migration('a'));
    a.attach({ ...migration('b'), migrationTimeoutMs: 45_000 }, at(10_000), policy);
    expect(a.migrationDeadline(policy)).toBe(55_000);
    expect(a.isDualAttachOverdue(55_000, policy)).toBe(false);
    expect(a.isDualAttachOverdue(55_001, policy)).toBe(true);
    expect(Attachment.restore(a.toState()).migrationDeadline(policy)).toBe(55_000);
    const b = attachedTo(migration('a'), migration('b'));
    expect(b.migrationDeadline(policy)).toBe(b.dualAttachSince! + policy.dualAttachTimeoutMs);
  });

  it('forgets the window when the dual attachment ends', () => {
    const a = attachedTo(migration('a'));
    a.attach({ ...migration('b'), migrationTimeoutMs: 45_000 }, at(10_000), policy);
    a.detach(node('a'));
    expect(a.toState()).not.toHaveProperty('migrationTimeoutMs');
    expect(a.migrationDeadline(policy)).toBeUndefined();
  });
});

describe('Attachment: adopting what the orchestrator reports', () => {
  const held = (nodeId: string, usage: { accessMode: 'SINGLE_NODE_WRITER' | 'MULTI_NODE_MULTI_WRITER'; volumeMode: 'block' | 'filesystem' }) => ({
    nodeId: node(nodeId), attachedAt: 100, readonly: false, ...usage,
  });

  it('adopts into a free volume, flagged as inferred', () => {
    const a = Attachment.empty(vol('v'));
    expect(a.adopt(held('a', { accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem' }), policy)).toBe(true);
    expect(a.nodes[0]).toMatchObject({ nodeId: 'a', inferred: true });
  });

  it('refuses to adopt a second holder the fencing rules would refuse, and a third multi-writer', () => {
    const a = Attachment.restore(attachedTo(request('a')).toState());
    expect(a.adopt(held('b', { accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem' }), policy)).toBe(false);
    expect(a.changed).toBe(false);
    const m = attachedTo(migration('a'), migration('b'));
    expect(m.adopt(held('c', { accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block' }), policy)).toBe(false);
    const one = attachedTo(migration('a'));
    expect(one.adopt(held('b', { accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block' }), policy)).toBe(true);
    expect(one.dualAttachSince).toBe(1000);
  });
});
