import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedAttachmentRepository } from '../../src/adapters/attachments/cached-attachment-repository.js';
import { ControllerService } from '../../src/adapters/csi/controller-service.js';
import { IdentityService } from '../../src/adapters/csi/identity-service.js';
import { NodeService } from '../../src/adapters/csi/node-service.js';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { KubeNodeRegistry } from '../../src/adapters/kubernetes/kube-node-registry.js';
import { PvAttachmentSource } from '../../src/adapters/kubernetes/pv-attachment-source.js';
import { InMemoryAttachmentSource } from '../../src/adapters/memory/in-memory-attachment-source.js';
import { InMemoryStorageBackend } from '../../src/adapters/memory/in-memory-storage-backend.js';
import type { Config } from '../../src/app/config.js';
import { buildContainer } from '../../src/app/container.js';
import { parseConfig } from '../../src/app/parse-config.js';
import { CreateVolume } from '../../src/app/use-cases/create-volume.js';
import { DeleteVolume } from '../../src/app/use-cases/delete-volume.js';
import { EnforceMigrationWindows } from '../../src/app/use-cases/enforce-migration-windows.js';
import { PublishVolume } from '../../src/app/use-cases/publish-volume.js';
import { ReconcileAttachments } from '../../src/app/use-cases/reconcile-attachments.js';
import { UnpublishVolume } from '../../src/app/use-cases/unpublish-volume.js';
import { nqnForVolume } from '../../src/domain/nqn.js';
import { GiB } from '../../src/domain/size.js';
import { parseBasePath } from '../../src/domain/storage-path.js';
import { AttachmentRepository } from '../../src/ports/attachment-repository.js';
import { EventRecorder } from '../../src/ports/event-recorder.js';
import { LockManager } from '../../src/ports/lock-manager.js';
import { NodeRegistry } from '../../src/ports/node-registry.js';
import { FakeKubeApi } from '../support/fake-kube-api/fake-kube-api.js';
import { csiNode } from '../support/fake-kube-api/objects.js';
import { DRIVER, putPv } from '../support/kube-store-harness.js';
import { publishCommand, vol } from '../support/mothers.js';
import { RecordingLogger } from '../support/recording-logger.js';

function config(...flags: string[]): Config {
  const parsed = parseConfig(['--mode', 'controller', '--embedded-rds', '/tmp/unused', ...flags], {}, 'host');
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.config;
}
const externals = () => ({ logger: new RecordingLogger(), version: '0.0.0-test', storageBackend: new InMemoryStorageBackend(64 * GiB) });

const ROOTS: ReadonlyArray<abstract new (...args: any[]) => object> = [
  IdentityService, ControllerService, PublishVolume, UnpublishVolume, DeleteVolume, CreateVolume, ReconcileAttachments, EnforceMigrationWindows,
];

describe('composition root', () => {
  let api: FakeKubeApi;
  beforeAll(async () => {
    api = await FakeKubeApi.start();
  });
  afterAll(async () => api.stop());

  it('resolves every root service with the memory store, as singletons', async () => {
    const c = await buildContainer(config('--attachment-store', 'memory'), externals());
    for (const root of ROOTS) expect(c.get(root)).toBeInstanceOf(root);
    expect(c.get(AttachmentRepository)).toBeInstanceOf(CachedAttachmentRepository);
    expect(c.get(InMemoryAttachmentSource)).toBeInstanceOf(InMemoryAttachmentSource);
    expect(c.get(AttachmentRepository)).toBe(c.get(AttachmentRepository));
    expect(c.get(PublishVolume)).toBe(c.get(PublishVolume));
  });

  it.each(['memory', 'kubernetes'])('resolves the node services without the controller in node mode (%s store)', async (store) => {
    const parsed = parseConfig(['--mode', 'node', '--node-id', 'n1', '--attachment-store', store], {}, 'host');
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const c = await buildContainer(parsed.config, { logger: new RecordingLogger(), version: '0.0.0-test', kubeClients: KubeClients.fromOptions(api.kubeConfigOptions()) });
    expect(c.get(IdentityService)).toBeInstanceOf(IdentityService);
    expect(c.get(NodeService)).toBeInstanceOf(NodeService);
    expect(c.get(EventRecorder)).toBeDefined();
    expect(c.isBound(ControllerService)).toBe(false);
  });

  it('resolves every root service with the kubernetes store, and they work end to end', async () => {
    putPv(api, 'pvc-wired');
    api.put('csinodes', csiNode('n1', DRIVER, 'n1'));
    const ext = externals();
    await ext.storageBackend.createVolume({ id: vol('pvc-wired'), sizeBytes: GiB, basePath: parseBasePath('/storage-pool/metal-csi'), nvme: { port: 4420, nqn: nqnForVolume(vol('pvc-wired')) } });
    const c = await buildContainer(config('--attachment-store', 'kubernetes'), { ...ext, kubeClients: KubeClients.fromOptions(api.kubeConfigOptions()) });
    for (const root of ROOTS) expect(c.get(root)).toBeInstanceOf(root);
    expect(c.get(PvAttachmentSource)).toBeInstanceOf(PvAttachmentSource);
    expect(c.get(NodeRegistry)).toBeInstanceOf(KubeNodeRegistry);
    const repository = c.get(AttachmentRepository);
    await repository.sync();
    await c.get(PublishVolume).execute(publishCommand('pvc-wired', 'n1'));
    expect(api.get<{ metadata: { annotations: Record<string, string> } }>('persistentvolumes', 'pvc-wired')?.metadata.annotations['rds.csi.srvlab.io/attached-node']).toBe('n1');
    expect(c.get(LockManager).activeEntries()).toBe(0);
    repository.close();
    c.get(NodeRegistry).close();
  });
});
