import { beforeAll, describe, expect, it } from 'vitest';
import { validateObject } from './kube-schema.js';
import type { KubeObject } from './render.js';
import { find, keyOf, renderChart, renderKustomize } from './render.js';

let chart: KubeObject[];
let kustomize: KubeObject[];

beforeAll(() => {
  chart = renderChart();
  kustomize = renderKustomize();
});

const withDeploymentChange = (objects: readonly KubeObject[], change: (d: any) => void): KubeObject => {
  const copy = structuredClone(find(objects, 'Deployment', 'rds-csi-controller')) as any;
  change(copy);
  return copy as KubeObject;
};

describe('every rendered object is valid against the Kubernetes API schemas', () => {
  it('helm chart with default values', async () => {
    expect(chart.length).toBeGreaterThan(15);
    const problems = (await Promise.all(chart.map(validateObject))).flat();
    expect(problems).toEqual([]);
  });

  it('kustomize base', async () => {
    const problems = (await Promise.all(kustomize.map(validateObject))).flat();
    expect(problems).toEqual([]);
  });

  it('helm chart with every optional block filled in', async () => {
    const objects = renderChart([
      'controller.resources.requests.cpu=10m',
      'controller.nodeSelector.role=infra',
      'controller.tolerations[0].key=dedicated',
      'controller.tolerations[0].operator=Exists',
      'node.resources.limits.memory=256Mi',
      'node.nodeSelector.storage=nvme',
      'node.kubeletDir=/var/lib/k0s/kubelet',
    ]);
    const problems = (await Promise.all(objects.map(validateObject))).flat();
    expect(problems).toEqual([]);
    expect(JSON.stringify(find(objects, 'DaemonSet', 'rds-csi-node'))).toContain('/var/lib/k0s/kubelet/plugins_registry');
  });
});

describe('the validation rejects broken objects', () => {
  it('an unknown field in a container', async () => {
    const broken = withDeploymentChange(chart, (d) => (d.spec.template.spec.containers[0].mountPropagation = 'Bidirectional'));
    expect((await validateObject(broken)).join('\n')).toMatch(/containers\[0\]\.mountPropagation: unknown field in V1Container/);
  });

  it('a wrong type and a missing required field', async () => {
    const wrongType = withDeploymentChange(chart, (d) => (d.spec.replicas = 'two'));
    expect((await validateObject(wrongType)).join('\n')).toMatch(/replicas/);
    const missing = withDeploymentChange(chart, (d) => delete d.spec.template.spec.containers[1].name);
    expect((await validateObject(missing)).join('\n')).toMatch(/name/);
  });

  it('an unknown top-level field of a CSIDriver and an unknown kind', async () => {
    const driver = { ...find(chart, 'CSIDriver', 'rds.csi.srvlab.io'), attachRequired: true } as KubeObject;
    expect((await validateObject(driver)).join('\n')).toMatch(/attachRequired: unknown field in V1CSIDriver/);
    const unknown = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageKlass', metadata: { name: 'x' } } as KubeObject;
    expect(await validateObject(unknown)).not.toEqual([]);
  });

  it('a VolumeSnapshotClass with an unknown field, a bad deletionPolicy or bad metadata', async () => {
    const good = find(chart, 'VolumeSnapshotClass', 'rds-nvme-snapshot');
    expect(await validateObject(good)).toEqual([]);
    expect(await validateObject({ ...good, parameter: {} } as KubeObject)).not.toEqual([]);
    expect(await validateObject({ ...good, deletionPolicy: 'Keep' } as KubeObject)).not.toEqual([]);
    expect(await validateObject({ ...good, metadata: { name: 'x', label: {} } } as KubeObject)).not.toEqual([]);
  });
});

describe('kustomize and helm agree', () => {
  it('render the same set of objects with identical content (defaults, no helm labels)', () => {
    const byKey = (objects: readonly KubeObject[]) => new Map(objects.map((o) => [keyOf(o), o]));
    const fromChart = byKey(chart);
    const fromKustomize = byKey(kustomize);
    expect([...fromChart.keys()].sort()).toEqual([...fromKustomize.keys()].sort());
    for (const [key, object] of fromChart) expect({ key, object: fromKustomize.get(key) }).toEqual({ key, object });
  });

  it('render exactly the expected objects', () => {
    expect(chart.map(keyOf).sort()).toEqual(
      [
        'CSIDriver//rds.csi.srvlab.io',
        'ClusterRole//rds-csi-controller',
        'ClusterRole//rds-csi-external-attacher',
        'ClusterRole//rds-csi-external-provisioner',
        'ClusterRole//rds-csi-external-resizer',
        'ClusterRole//rds-csi-external-snapshotter',
        'ClusterRole//rds-csi-node',
        'ClusterRoleBinding//rds-csi-controller',
        'ClusterRoleBinding//rds-csi-external-attacher',
        'ClusterRoleBinding//rds-csi-external-provisioner',
        'ClusterRoleBinding//rds-csi-external-resizer',
        'ClusterRoleBinding//rds-csi-external-snapshotter',
        'ClusterRoleBinding//rds-csi-node',
        'ConfigMap/rds-csi/rds-csi-config',
        'DaemonSet/rds-csi/rds-csi-node',
        'Deployment/rds-csi/rds-csi-controller',
        'Namespace//rds-csi',
        'Role/rds-csi/rds-csi-leader-election',
        'RoleBinding/rds-csi/rds-csi-leader-election',
        'Secret/rds-csi/rds-csi-secret',
        'ServiceAccount/rds-csi/rds-csi-controller',
        'ServiceAccount/rds-csi/rds-csi-node',
        'StorageClass//rds-nvme',
        'StorageClass//rds-nvme-block-rwx',
        'VolumeSnapshotClass//rds-nvme-snapshot',
      ].sort(),
    );
  });
});
