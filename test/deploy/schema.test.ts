import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateObject } from './kube-schema.js';
import type { KubeObject } from './render.js';
import { find, helmTemplate, keyOf, KUSTOMIZE_BASE_VALUES, renderChart, renderKustomize } from './render.js';

let chart: KubeObject[];
let kustomize: KubeObject[];

beforeAll(() => {
  chart = renderChart();
  kustomize = renderKustomize();
});

/**
 * The chart's objects less what only Helm can compute: the checksum annotations of the pod templates
 * (kustomize has no equivalent; its base says to roll the pods after a config change).
 */
const withoutChecksums = (objects: readonly KubeObject[]): KubeObject[] =>
  objects.map((o) => {
    const copy = structuredClone(o) as any;
    const pod = copy.spec?.template?.metadata;
    if (pod?.annotations) {
      for (const key of Object.keys(pod.annotations)) if (key.startsWith('checksum/')) delete pod.annotations[key];
      if (Object.keys(pod.annotations).length === 0) delete pod.annotations;
    }
    return copy as KubeObject;
  });

const withDeploymentChange = (objects: readonly KubeObject[], change: (d: any) => void): KubeObject => {
  const copy = structuredClone(find(objects, 'Deployment', 'rds-csi-controller')) as any;
  change(copy);
  return copy as KubeObject;
};

describe('every rendered object is valid against the Kubernetes API schemas', () => {
  it('helm chart with the required values only', async () => {
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
      'namespace.create=true',
      'secret.createExample=true',
      'imagePullSecrets[0].name=regcred',
      'controller.resources.requests.cpu=10m',
      'controller.nodeSelector.role=infra',
      'controller.tolerations[0].key=dedicated',
      'controller.tolerations[0].operator=Exists',
      'controller.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=role',
      'controller.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=Exists',
      'controller.podAnnotations.team=storage',
      'controller.podLabels.tier=infra',
      'controller.priorityClassName=',
      'controller.extraArgs[0]=--reconcile-grace=300',
      'controller.podDisruptionBudget.maxUnavailable=50%',
      'sidecars.provisioner.resources.limits.memory=1Gi',
      'node.resources.limits.memory=256Mi',
      'node.nodeSelector.storage=nvme',
      'node.kubeletDir=/var/lib/k0s/kubelet',
      'node.tolerations[0].key=storage',
      'node.tolerations[0].operator=Equal',
      'node.tolerations[0].value=only',
      'node.tolerations[0].effect=NoSchedule',
      'node.tolerations[0].tolerationSeconds=30',
      'node.extraArgs[0]=--default-fs-type=xfs',
      'storageClasses.filesystem.default=true',
      'storageClasses.filesystem.mountOptions[0]=noatime',
      'storageClasses.filesystem.parameters.ctrlLossTmo=600',
      'storageClasses.filesystem.reclaimPolicy=Retain',
      'storageClasses.filesystem.volumeBindingMode=WaitForFirstConsumer',
      'storageClasses.blockRwx.allowVolumeExpansion=false',
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
  it('render the same set of objects with identical content (the base\'s values, no helm labels, no checksums)', () => {
    const byKey = (objects: readonly KubeObject[]) => new Map(objects.map((o) => [keyOf(o), o]));
    const fromChart = byKey(withoutChecksums(helmTemplate(KUSTOMIZE_BASE_VALUES)));
    const fromKustomize = byKey(kustomize);
    expect([...fromChart.keys()].sort()).toEqual([...fromKustomize.keys()].sort());
    for (const [key, object] of fromChart) expect({ key, object: fromKustomize.get(key) }).toEqual({ key, object });
  });

  it('the comparison sees a difference in a pod template and in the ConfigMap', () => {
    const fromChart = withoutChecksums(helmTemplate([...KUSTOMIZE_BASE_VALUES, 'controller.podLabels.tier=infra', 'rds.port=2222']));
    const fromKustomize = new Map(kustomize.map((o) => [keyOf(o), o]));
    const differing = fromChart.filter((o) => !isDeepStrictEqual(o, fromKustomize.get(keyOf(o)))).map(keyOf);
    expect(differing.sort()).toEqual(['ConfigMap/rds-csi/rds-csi-config', 'Deployment/rds-csi/rds-csi-controller']);
  });

  it('with the required values only, the chart renders exactly the expected objects', () => {
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
        'PodDisruptionBudget/rds-csi/rds-csi-controller',
        'Role/rds-csi/rds-csi-leader-election',
        'RoleBinding/rds-csi/rds-csi-leader-election',
        'Service/rds-csi/rds-csi-controller-metrics',
        'Service/rds-csi/rds-csi-node-metrics',
        'ServiceAccount/rds-csi/rds-csi-controller',
        'ServiceAccount/rds-csi/rds-csi-node',
        'StorageClass//rds-nvme',
        'StorageClass//rds-nvme-block-rwx',
        'VolumeSnapshotClass//rds-nvme-snapshot',
      ].sort(),
    );
  });
});
