import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { KubeClients } from '../../../src/adapters/kubernetes/kube-clients.js';
import { endpointFromKubeconfig, inClusterEndpoint, KubeConfigError, rereadEvery } from '../../../src/adapters/kubernetes/kube-endpoint.js';
import { kubeconfigFile } from '../../support/controller-processes.js';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import { putPv } from '../../support/kube-store-harness.js';

const doc = (user: Record<string, unknown>) => ({
  clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority': 'ca.pem' } }],
  users: [{ name: 'u', user }],
  contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
  'current-context': 'x',
});

describe('Kubernetes endpoints from kubeconfig and the service account', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rds-csi-kubeconfig-'));
    await writeFile(join(dir, 'ca.pem'), 'CA PEM');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('reads a relative CA file and a token file, and picks up a rotated token', async () => {
    await writeFile(join(dir, 'token'), 'first\n');
    const endpoint = endpointFromKubeconfig(doc({ tokenFile: 'token' }), dir);
    expect(endpoint.ca).toBe('CA PEM');
    expect(endpoint.server.href).toBe('https://10.0.0.1:6443/');
    expect(endpoint.token()).toBe('first');
    let now = 0;
    await writeFile(join(dir, 'token'), 'second\n');
    const token = rereadEvery(join(dir, 'token'), 60_000, () => now);
    await writeFile(join(dir, 'token'), 'third\n');
    expect(token()).toBe('second');
    now = 60_000;
    expect(token()).toBe('third');
    await rm(join(dir, 'token'));
    now = 120_000;
    expect(token()).toBe('third');
  });

  it('refuses exec and auth-provider plugins, and a missing context, with a KubeConfigError', () => {
    expect(() => endpointFromKubeconfig(doc({ exec: { command: 'aws' } }), dir)).toThrow(KubeConfigError);
    expect(() => endpointFromKubeconfig(doc({ 'auth-provider': { name: 'oidc' } }), dir)).toThrow(/exec or auth-provider/);
    expect(() => endpointFromKubeconfig({ ...doc({ token: 't' }), 'current-context': 'nope' }, dir)).toThrow(/current context "nope"/);
  });

  it('in a pod: the API server from the environment, token and CA from the service account directory', async () => {
    await writeFile(join(dir, 'token'), 'sa-token');
    await writeFile(join(dir, 'ca.crt'), 'CLUSTER CA');
    const endpoint = inClusterEndpoint({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, dir);
    expect(endpoint.server.hostname).toBe('[fd00::1]');
    expect([endpoint.token(), endpoint.ca, endpoint.skipTlsVerify]).toEqual(['sa-token', 'CLUSTER CA', false]);
    expect(() => inClusterEndpoint({}, dir)).toThrow(KubeConfigError);
  });

  it('talks to an API server through a YAML kubeconfig file (token user, CA data)', async () => {
    const api = await FakeKubeApi.start();
    try {
      putPv(api, 'pv-yaml');
      await writeFile(join(dir, 'kubeconfig.yaml'), stringify(kubeconfigFile(api)));
      const clients = await KubeClients.fromEnvironment(join(dir, 'kubeconfig.yaml'), {});
      const pv = await clients.core.readPersistentVolume('pv-yaml');
      expect(pv.metadata?.name).toBe('pv-yaml');
      await expect(clients.core.readPersistentVolume('pv-none')).rejects.toMatchObject({ code: 404 });
      clients.close();
    } finally {
      await api.stop();
    }
  });
});
