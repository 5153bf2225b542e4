import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import { kubeStore, putPv } from '../../support/kube-store-harness.js';
import { attachmentStoreContract, CONTRACT_VOLUMES } from '../../contract/attachment-store.contract.js';

attachmentStoreContract('PersistentVolume annotations on a fake API server', async () => {
  const api = await FakeKubeApi.start();
  for (const id of CONTRACT_VOLUMES) putPv(api, id, { name: `pv-for-${id}` });
  const { store } = kubeStore(api);
  return {
    store,
    dispose: async () => {
      store.close();
      await api.stop();
    },
  };
});
