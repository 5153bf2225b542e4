import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import type { ControllerProcess } from './controller-processes.js';
import { blockCapability, Mode, req } from './csi-requests.js';

export interface Answer {
  readonly code: status;
  readonly message: string;
  /** Calls made, retries included. */
  readonly calls: number;
}

/** Codes the external-attacher retries without a change on its side (it retries every error, these by design). */
const TRANSIENT = new Set<status>([status.ABORTED, status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);

/**
 * Calls an RPC the way csi-attacher does: a transient answer (ABORTED, UNAVAILABLE, a deadline) is
 * retried with a short jittered backoff until a final one comes. Returns the final answer.
 */
export async function untilFinal(call: () => Promise<unknown>, maxCalls = 60): Promise<Answer> {
  for (let calls = 1; ; calls += 1) {
    try {
      await call();
      return { code: status.OK, message: '', calls };
    } catch (error) {
      const e = error as ServiceError;
      if (!TRANSIENT.has(e.code) || calls >= maxCalls) return { code: e.code, message: e.details ?? e.message, calls };
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
}

/** ControllerPublishVolume of a single-node (RWO) block volume, retried as the attacher does. */
export function publishRwo(via: ControllerProcess, volumeId: string, nodeId: string, volumeContext: Record<string, string> = {}): Promise<Answer> {
  const request = req.publish(volumeId, nodeId, { volumeCapability: blockCapability(Mode.SINGLE_NODE_WRITER), volumeContext });
  return untilFinal(() => via.client.call(via.client.controller, 'controllerPublishVolume', request));
}

/** ControllerPublishVolume of a multi-writer block volume (a KubeVirt VM's disk). */
export function publishRwx(via: ControllerProcess, volumeId: string, nodeId: string, volumeContext: Record<string, string> = {}): Promise<Answer> {
  const request = req.publish(volumeId, nodeId, { volumeCapability: blockCapability(Mode.MULTI_NODE_MULTI_WRITER), volumeContext });
  return untilFinal(() => via.client.call(via.client.controller, 'controllerPublishVolume', request));
}

export function unpublish(via: ControllerProcess, volumeId: string, nodeId: string): Promise<Answer> {
  return untilFinal(() => via.client.call(via.client.controller, 'controllerUnpublishVolume', req.unpublish(volumeId, nodeId)));
}

export function deleteVolume(via: ControllerProcess, volumeId: string): Promise<Answer> {
  return untilFinal(() => via.client.call(via.client.controller, 'deleteVolume', req.delete(volumeId)));
}

/** A small seeded random source, so a failing randomized round can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
