import type { AttachmentRepository } from '../../../src/ports/attachment-repository.js';
import { attachmentRepositoryContract, CONTRACT_VOLUMES } from '../../contract/attachment-repository.contract.js';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import { kubeStore, putPv } from '../../support/kube-store-harness.js';

attachmentRepositoryContract('PersistentVolume annotations on a fake API server', async () => {
  const api = await FakeKubeApi.start();
  for (const id of CONTRACT_VOLUMES) putPv(api, id, { name: `pv-for-${id}` });
  const opened: AttachmentRepository[] = [];
  const replica = () => {
    const { repository } = kubeStore(api);
    opened.push(repository);
    return repository;
  };
  const repository = replica();
  const peer = replica();
  await Promise.all([repository.sync(), peer.sync()]);
  return {
    repository,
    peer,
    replica,
    dispose: async () => {
      for (const r of opened) r.close();
      await api.stop();
    },
  };
});
