import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { PvAnnotationAttachmentStore } from '../../src/adapters/kubernetes/pv-annotation-attachment-store.js';
import { InMemoryAttachmentStore } from '../../src/adapters/memory/in-memory-attachment-store.js';
import { InMemoryStorageBackend } from '../../src/adapters/memory/in-memory-storage-backend.js';
import { parseConfig } from '../../src/app/parse-config.js';
import type { Config } from '../../src/app/config.js';
import { buildContainer } from '../../src/app/container.js';
import { AttachVolume } from '../../src/app/use-cases/attach-volume.js';
import { CreateVolume } from '../../src/app/use-cases/create-volume.js';
import { PublishVolume } from '../../src/app/use-cases/publish-volume.js';
import { ControllerService } from '../../src/adapters/csi/controller-service.js';
import { IdentityService } from '../../src/adapters/csi/identity-service.js';
import { DetachVolume } from '../../src/app/use-cases/detach-volume.js';
import { QueryAttachments } from '../../src/app/use-cases/query-attachments.js';
import { RebuildAttachments } from '../../src/app/use-cases/rebuild-attachments.js';
import { AttachmentStore } from '../../src/ports/attachment-store.js';
import { LockManager } from '../../src/ports/lock-manager.js';
import { FakeKubeApi } from '../support/fake-kube-api/fake-kube-api.js';
import { putPv } from '../support/kube-store-harness.js';
import { node, vol } from '../support/mothers.js';
import { RecordingLogger } from '../support/recording-logger.js';

function config(...flags: string[]): Config {
  const parsed = parseConfig(['--mode', 'controller', '--embedded-rds', '/tmp/unused', ...flags], {}, 'host');
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.config;
}
const externals = { logger: new RecordingLogger(), version: '0.0.0-test', storageBackend: new InMemoryStorageBackend() };

const ROOTS: ReadonlyArray<abstract new (...args: any[]) => object> = [
  AttachVolume, DetachVolume, QueryAttachments, RebuildAttachments, IdentityService, ControllerService, PublishVolume, CreateVolume,
];

describe('composition root', () => {
  let api: FakeKubeApi;
  beforeAll(async () => {
    api = await FakeKubeApi.start();
  });
  afterAll(async () => api.stop());

  it('resolves every root service with the memory store', () => {
    const c = buildContainer(config('--attachment-store', 'memory'), externals);
    for (const root of ROOTS) expect(c.get(root)).toBeInstanceOf(root);
    expect(c.get(AttachmentStore)).toBeInstanceOf(InMemoryAttachmentStore);
    expect(c.get(AttachVolume)).toBe(c.get(AttachVolume));
  });

  it('resolves the Identity service alone in node mode', () => {
    const parsed = parseConfig(['--mode', 'node', '--node-id', 'n1', '--attachment-store', 'memory'], {}, 'host');
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const c = buildContainer(parsed.config, { logger: new RecordingLogger(), version: '0.0.0-test' });
    expect(c.get(IdentityService)).toBeInstanceOf(IdentityService);
    expect(c.isBound(ControllerService)).toBe(false);
  });

  it('resolves every root service with the kubernetes store, and they work end to end', async () => {
    putPv(api, 'pvc-wired');
    const c = buildContainer(config('--attachment-store', 'kubernetes'), { ...externals, kubeClients: KubeClients.fromOptions(api.kubeConfigOptions()) });
    for (const root of ROOTS) expect(c.get(root)).toBeInstanceOf(root);
    const store = c.get(AttachmentStore);
    expect(store).toBeInstanceOf(PvAnnotationAttachmentStore);
    await c.get(RebuildAttachments).execute();
    await c.get(AttachVolume).execute({ volumeId: vol('pvc-wired'), nodeId: node('n1'), accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem', readonly: false });
    expect(api.get<{ metadata: { annotations: Record<string, string> } }>('persistentvolumes', 'pvc-wired')?.metadata.annotations['rds.csi.srvlab.io/attached-node']).toBe('n1');
    expect(c.get(LockManager).activeEntries()).toBe(0);
    (store as PvAnnotationAttachmentStore).close();
  });
});
