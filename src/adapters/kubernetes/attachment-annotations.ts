import { createHash } from 'node:crypto';
import { isAccessMode } from '../../domain/access-mode.js';
import type { AccessMode, VolumeMode } from '../../domain/access-mode.js';
import type { AttachmentState, NodeAttachment } from '../../domain/attachment.js';
import { parseNodeId } from '../../domain/ids.js';
import type { VolumeId } from '../../domain/ids.js';

/** Annotation keys under the driver name, as the Go driver writes the first two. */
export function annotationKeys(driverName: string) {
  return {
    node: `${driverName}/attached-node`,
    at: `${driverName}/attached-at`,
    all: `${driverName}/attachments`,
  } as const;
}

/** What a PV's spec says about how the volume is used: the fallback for records without our JSON. */
export interface PvUsageHint {
  readonly accessModes: readonly string[];
  readonly volumeMode?: string;
  readonly readOnly?: boolean;
}

interface EncodedNode {
  node: string;
  attachedAt: string;
  accessMode: string;
  volumeMode: string;
  readonly: boolean;
  inferred?: boolean;
}

/**
 * Our annotations for a state: the primary node and its time in the Go driver's two keys, and every
 * node in JSON. A state without nodes maps every key to null, which a merge patch deletes.
 */
export function encodeAnnotations(driverName: string, state: AttachmentState): Record<string, string | null> {
  const keys = annotationKeys(driverName);
  const primary = state.nodes[0];
  if (!primary) return { [keys.node]: null, [keys.at]: null, [keys.all]: null };
  const nodes: EncodedNode[] = state.nodes.map((n) => ({
    node: n.nodeId,
    attachedAt: new Date(n.attachedAt).toISOString(),
    accessMode: n.accessMode,
    volumeMode: n.volumeMode,
    readonly: n.readonly,
    ...(n.inferred ? { inferred: true } : {}),
  }));
  const all = {
    nodes,
    ...(state.dualAttachSince === undefined ? {} : { dualAttachSince: new Date(state.dualAttachSince).toISOString() }),
    ...(state.migrationTimeoutMs === undefined ? {} : { migrationTimeoutSeconds: state.migrationTimeoutMs / 1000 }),
  };
  return {
    [keys.node]: primary.nodeId,
    [keys.at]: goMicroTime(primary.attachedAt),
    [keys.all]: JSON.stringify(all),
  };
}

/** A time as the Go driver writes attached-at: RFC 3339 with six fraction digits (metav1.RFC3339Micro), UTC. */
export function goMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export type DecodeResult =
  | { readonly kind: 'none'; readonly warning?: string }
  | { readonly kind: 'state'; readonly state: AttachmentState; readonly warning?: string };

/**
 * Reads our annotations back. The Go keys are the record both drivers keep; the JSON adds what they
 * cannot hold (more nodes, modes) and is trusted only while it agrees with them: same primary node,
 * same time to the millisecond. The Go driver rewrites and deletes the Go keys but never touches the
 * JSON, so after a spell under it a disagreeing or orphaned JSON is stale and ignored (with a
 * warning). Without usable JSON, the single node of the Go keys is taken with its mode inferred from
 * the PV spec. Malformed values never throw.
 */
export function decodeAnnotations(
  driverName: string,
  volumeId: VolumeId,
  annotations: Readonly<Record<string, string>> | undefined,
  hint: PvUsageHint,
): DecodeResult {
  const keys = annotationKeys(driverName);
  const json = annotations?.[keys.all];
  let warning: string | undefined;
  const nodeValue = annotations?.[keys.node];
  if (json !== undefined) {
    const state = parseJson(volumeId, json);
    if (state && agreesWithGoKeys(state, nodeValue, annotations?.[keys.at])) return { kind: 'state', state };
    warning = state
      ? `annotation ${keys.all} disagrees with ${keys.node}/${keys.at} (they changed without it, as the Go driver does); used those`
      : `annotation ${keys.all} is malformed; fell back to ${keys.node}`;
  }
  const none: DecodeResult = warning ? { kind: 'none', warning } : { kind: 'none' };
  if (!nodeValue) return none;
  let nodeId;
  try {
    nodeId = parseNodeId(nodeValue);
  } catch {
    return { kind: 'none', warning: `annotation ${keys.node} holds an invalid node name; ignored` };
  }
  const at = Date.parse(annotations?.[keys.at] ?? '');
  const usage = usageFromHint(hint);
  const node: NodeAttachment = { nodeId, attachedAt: Number.isNaN(at) ? 0 : at, ...usage, inferred: true };
  return { kind: 'state', state: { volumeId, nodes: [node] }, ...(warning ? { warning } : {}) };
}

function agreesWithGoKeys(state: AttachmentState, node: string | undefined, at: string | undefined): boolean {
  const primary = state.nodes[0];
  return primary !== undefined && primary.nodeId === node && at !== undefined && Date.parse(at) === primary.attachedAt;
}

/** The most likely CSI usage of a PV, from its Kubernetes access modes. */
export function usageFromHint(hint: PvUsageHint): { accessMode: AccessMode; volumeMode: VolumeMode; readonly: boolean } {
  const volumeMode: VolumeMode = hint.volumeMode === 'Block' ? 'block' : 'filesystem';
  const readonly = hint.readOnly === true;
  const modes = hint.accessModes;
  if (modes.includes('ReadWriteMany') && volumeMode === 'block') {
    return { accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode, readonly };
  }
  if (modes.includes('ReadWriteOncePod')) return { accessMode: 'SINGLE_NODE_SINGLE_WRITER', volumeMode, readonly };
  if (modes.length > 0 && modes.every((m) => m === 'ReadOnlyMany')) {
    return { accessMode: 'SINGLE_NODE_READER_ONLY', volumeMode, readonly: true };
  }
  return { accessMode: 'SINGLE_NODE_MULTI_WRITER', volumeMode, readonly };
}

/** A short, stable digest of our annotations: the store's record version. */
export function fingerprint(driverName: string, annotations: Readonly<Record<string, string | null>> | undefined): string {
  const keys = annotationKeys(driverName);
  const canonical = [keys.node, keys.at, keys.all].map((k) => annotations?.[k] ?? '').join('\u0000');
  if (canonical === '\u0000\u0000') return 'none';
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

function parseJson(volumeId: VolumeId, text: string): AttachmentState | undefined {
  try {
    const value = JSON.parse(text) as { nodes?: unknown; dualAttachSince?: unknown; migrationTimeoutSeconds?: unknown };
    if (!Array.isArray(value.nodes) || value.nodes.length === 0) return undefined;
    const nodes = value.nodes.map(parseNode);
    if (nodes.some((n) => n === undefined)) return undefined;
    const state: AttachmentState = { volumeId, nodes: nodes as NodeAttachment[] };
    if (nodes.length < 2) return state;
    const since = typeof value.dualAttachSince === 'string' ? Date.parse(value.dualAttachSince) : NaN;
    const window = value.migrationTimeoutSeconds;
    return {
      ...state,
      ...(Number.isNaN(since) ? {} : { dualAttachSince: since }),
      ...(typeof window === 'number' && Number.isInteger(window) && window > 0 ? { migrationTimeoutMs: window * 1000 } : {}),
    };
  } catch {
    return undefined;
  }
}

function parseNode(raw: unknown): NodeAttachment | undefined {
  const n = raw as Partial<EncodedNode>;
  if (typeof n.node !== 'string' || typeof n.attachedAt !== 'string') return undefined;
  if (typeof n.accessMode !== 'string' || !isAccessMode(n.accessMode)) return undefined;
  const volumeMode = n.volumeMode;
  if (volumeMode !== 'block' && volumeMode !== 'filesystem') return undefined;
  const at = Date.parse(n.attachedAt);
  if (Number.isNaN(at) || typeof n.readonly !== 'boolean') return undefined;
  try {
    const base: NodeAttachment = {
      nodeId: parseNodeId(n.node),
      attachedAt: at,
      readonly: n.readonly,
      accessMode: n.accessMode,
      volumeMode,
    };
    return n.inferred === true ? { ...base, inferred: true } : base;
  } catch {
    return undefined;
  }
}
