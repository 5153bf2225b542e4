import { describe, expect, it } from 'vitest';
import {
  annotationKeys,
  decodeAnnotations,
  encodeAnnotations,
  fingerprint,
  usageFromHint,
} from '../../../src/adapters/kubernetes/attachment-annotations.js';
import type { AttachmentState } from '../../../src/domain/attachment.js';
import { node, vol } from '../../support/mothers.js';

const D = 'rds.csi.srvlab.io';
const keys = annotationKeys(D);
const rwo = { accessModes: ['ReadWriteOnce'] };
const dual: AttachmentState = {
  volumeId: vol('v'),
  nodes: [
    { nodeId: node('a'), attachedAt: Date.UTC(2026, 1, 1), readonly: false, accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block' },
    { nodeId: node('b'), attachedAt: Date.UTC(2026, 1, 2), readonly: false, accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block', inferred: true },
  ],
  dualAttachSince: Date.UTC(2026, 1, 2),
};

describe('attachment annotations', () => {
  it('encodes the primary in the Go keys and everything in JSON, and decodes it back', () => {
    const encoded = encodeAnnotations(D, dual);
    expect(encoded[keys.node]).toBe('a');
    expect(encoded[keys.at]).toBe('2026-02-01T00:00:00.000000Z');
    const decoded = decodeAnnotations(D, vol('v'), encoded as Record<string, string>, rwo);
    expect(decoded).toEqual({ kind: 'state', state: dual });
  });

  it('writes attached-at in the Go driver\'s format, RFC 3339 with microseconds, which Go time.Parse reads', () => {
    const at = encodeAnnotations(D, { volumeId: vol('v'), nodes: [{ ...dual.nodes[0]!, attachedAt: Date.UTC(2026, 4, 6, 7, 8, 9, 42) }] })[keys.at];
    expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(at).toBe('2026-05-06T07:08:09.042000Z');
  });

  it('trusts the JSON only while it agrees with the Go keys, which the Go driver changes without it', () => {
    const ours = encodeAnnotations(D, dual) as Record<string, string>;
    // The Go driver detached (deleted its two keys) and left our JSON behind.
    const orphaned = { [keys.all]: ours[keys.all]! };
    expect(decodeAnnotations(D, vol('v'), orphaned, rwo)).toMatchObject({ kind: 'none', warning: expect.stringMatching(/disagrees/) });
    // The Go driver attached the volume elsewhere (rewrote its keys) and left our JSON behind.
    const moved = { ...ours, [keys.node]: 'c', [keys.at]: '2026-03-01T10:00:00.123456Z' };
    const decoded = decodeAnnotations(D, vol('v'), moved, rwo);
    expect(decoded).toMatchObject({ kind: 'state', warning: expect.stringMatching(/disagrees/) });
    expect(decoded.kind === 'state' && decoded.state.nodes.map((n) => n.nodeId)).toEqual(['c']);
    // Same node re-attached by the Go driver later: the time differs, so the JSON is stale too.
    const again = { ...ours, [keys.at]: '2026-03-01T10:00:00.123456Z' };
    const reattached = decodeAnnotations(D, vol('v'), again, rwo);
    expect(reattached.kind === 'state' && reattached.state.nodes).toHaveLength(1);
  });

  it('maps an empty state to nulls, which a merge patch deletes', () => {
    expect(encodeAnnotations(D, { volumeId: vol('v'), nodes: [] })).toEqual({ [keys.node]: null, [keys.at]: null, [keys.all]: null });
  });

  it('reads what the Go driver wrote (RFC 3339 with microseconds), inferring the mode from the PV', () => {
    const decoded = decodeAnnotations(D, vol('v'), { [keys.node]: 'w1', [keys.at]: '2026-02-05T10:11:12.123456Z' }, { accessModes: ['ReadWriteMany'], volumeMode: 'Block' });
    expect(decoded).toEqual({
      kind: 'state',
      state: { volumeId: 'v', nodes: [{ nodeId: 'w1', attachedAt: Date.parse('2026-02-05T10:11:12.123Z'), readonly: false, accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block', inferred: true }] },
    });
  });

  it('falls back to the Go keys with a warning when the JSON is malformed, never throwing', () => {
    for (const junk of ['{', '[]', '{"nodes":[{"node":"a b"}]}', '{"nodes":[{"node":"a","attachedAt":"x","accessMode":"SINGLE_NODE_WRITER","volumeMode":"block","readonly":false}]}']) {
      const decoded = decodeAnnotations(D, vol('v'), { [keys.all]: junk, [keys.node]: 'w1' }, rwo);
      expect(decoded.kind).toBe('state');
      expect(decoded.warning).toMatch(/malformed/);
    }
    expect(decodeAnnotations(D, vol('v'), { [keys.node]: 'bad node' }, rwo)).toMatchObject({ kind: 'none', warning: expect.stringMatching(/invalid node/) });
    expect(decodeAnnotations(D, vol('v'), {}, rwo)).toEqual({ kind: 'none' });
  });

  it('infers usage from Kubernetes access modes', () => {
    expect(usageFromHint({ accessModes: ['ReadWriteOncePod'] }).accessMode).toBe('SINGLE_NODE_SINGLE_WRITER');
    expect(usageFromHint({ accessModes: ['ReadOnlyMany'] })).toMatchObject({ accessMode: 'SINGLE_NODE_READER_ONLY', readonly: true });
    expect(usageFromHint({ accessModes: ['ReadWriteMany'] }).accessMode).toBe('SINGLE_NODE_MULTI_WRITER');
    expect(usageFromHint(rwo)).toEqual({ accessMode: 'SINGLE_NODE_MULTI_WRITER', volumeMode: 'filesystem', readonly: false });
  });

  it('fingerprints only our keys: none without them, stable, sensitive to every key', () => {
    expect(fingerprint(D, { other: 'x' })).toBe('none');
    const a = fingerprint(D, { [keys.node]: 'a', other: '1' });
    expect(fingerprint(D, { [keys.node]: 'a', other: '2' })).toBe(a);
    expect(fingerprint(D, { [keys.node]: 'a', [keys.at]: 't' })).not.toBe(a);
  });
});
