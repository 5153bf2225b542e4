import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from './render.js';
import { NAMESPACE, renderChart, renderKustomize } from './render.js';

/**
 * Every Kubernetes API call that runs under each ServiceAccount: the driver's own (from its
 * adapters) and the sidecars' (their documented RBAC for the versions shipped, without secrets,
 * capacity tracking and volume group snapshots, none of which is enabled). `namespaced` calls
 * must be granted by a Role in the release namespace only.
 */
interface Call {
  readonly who: string;
  readonly group: string;
  readonly resource: string;
  readonly verbs: readonly string[];
  readonly namespaced?: true;
}

const CONTROLLER_CALLS: readonly Call[] = [
  { who: 'driver', group: '', resource: 'persistentvolumes', verbs: ['get', 'list', 'watch', 'patch'] },
  { who: 'driver', group: 'storage.k8s.io', resource: 'volumeattachments', verbs: ['list'] },
  { who: 'driver', group: 'storage.k8s.io', resource: 'csinodes', verbs: ['get', 'list', 'watch'] },
  { who: 'driver', group: 'coordination.k8s.io', resource: 'leases', verbs: ['get', 'create', 'update'], namespaced: true },
  { who: 'driver', group: '', resource: 'events', verbs: ['create', 'patch'] },
  { who: 'provisioner', group: '', resource: 'persistentvolumes', verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { who: 'provisioner', group: '', resource: 'persistentvolumeclaims', verbs: ['get', 'list', 'watch', 'update'] },
  { who: 'provisioner', group: 'storage.k8s.io', resource: 'storageclasses', verbs: ['get', 'list', 'watch'] },
  { who: 'provisioner', group: '', resource: 'events', verbs: ['list', 'watch', 'create', 'update', 'patch'] },
  { who: 'provisioner', group: 'snapshot.storage.k8s.io', resource: 'volumesnapshots', verbs: ['get', 'list', 'watch', 'update'] },
  { who: 'provisioner', group: 'snapshot.storage.k8s.io', resource: 'volumesnapshotcontents', verbs: ['get', 'list'] },
  { who: 'provisioner', group: 'storage.k8s.io', resource: 'csinodes', verbs: ['get', 'list', 'watch'] },
  { who: 'provisioner', group: '', resource: 'nodes', verbs: ['get', 'list', 'watch'] },
  { who: 'provisioner', group: 'storage.k8s.io', resource: 'volumeattachments', verbs: ['get', 'list', 'watch'] },
  { who: 'provisioner', group: 'storage.k8s.io', resource: 'volumeattributesclasses', verbs: ['get'] },
  { who: 'attacher', group: '', resource: 'persistentvolumes', verbs: ['get', 'list', 'watch', 'patch'] },
  { who: 'attacher', group: 'storage.k8s.io', resource: 'csinodes', verbs: ['get', 'list', 'watch'] },
  { who: 'attacher', group: 'storage.k8s.io', resource: 'volumeattachments', verbs: ['get', 'list', 'watch', 'patch'] },
  { who: 'attacher', group: 'storage.k8s.io', resource: 'volumeattachments/status', verbs: ['patch'] },
  { who: 'resizer', group: '', resource: 'persistentvolumes', verbs: ['get', 'list', 'watch', 'patch'] },
  { who: 'resizer', group: '', resource: 'persistentvolumeclaims', verbs: ['get', 'list', 'watch'] },
  { who: 'resizer', group: '', resource: 'persistentvolumeclaims/status', verbs: ['patch'] },
  { who: 'resizer', group: '', resource: 'pods', verbs: ['get', 'list', 'watch'] },
  { who: 'resizer', group: '', resource: 'events', verbs: ['list', 'watch', 'create', 'update', 'patch'] },
  { who: 'resizer', group: 'storage.k8s.io', resource: 'volumeattributesclasses', verbs: ['get', 'list', 'watch'] },
  { who: 'snapshotter', group: '', resource: 'events', verbs: ['list', 'watch', 'create', 'update', 'patch'] },
  { who: 'snapshotter', group: 'snapshot.storage.k8s.io', resource: 'volumesnapshotclasses', verbs: ['get', 'list', 'watch'] },
  { who: 'snapshotter', group: 'snapshot.storage.k8s.io', resource: 'volumesnapshotcontents', verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { who: 'snapshotter', group: 'snapshot.storage.k8s.io', resource: 'volumesnapshotcontents/status', verbs: ['update', 'patch'] },
  ...['provisioner', 'attacher', 'resizer', 'snapshotter'].map(
    (who): Call => ({ who, group: 'coordination.k8s.io', resource: 'leases', verbs: ['get', 'watch', 'list', 'delete', 'update', 'create'], namespaced: true }),
  ),
];

const NODE_CALLS: readonly Call[] = [{ who: 'driver', group: '', resource: 'events', verbs: ['create', 'patch'] }];

interface Rule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
  readonly nonResourceURLs?: string[];
}

/** Permissions "scope|group|resource|verb" granted to a ServiceAccount through its bindings. */
function grants(objects: readonly KubeObject[], serviceAccount: string): Set<string> {
  const granted = new Set<string>();
  for (const binding of objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')) {
    const subjects = binding['subjects'] as { kind: string; name: string; namespace: string }[];
    if (!subjects.some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === NAMESPACE)) continue;
    const ref = binding['roleRef'] as { kind: string; name: string };
    const role = objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name);
    if (!role) throw new Error(`${binding.kind} ${binding.metadata.name} refers to a missing ${ref.kind} ${ref.name}`);
    const scope = binding.kind === 'RoleBinding' ? `ns:${binding.metadata.namespace}` : 'cluster';
    for (const rule of role['rules'] as Rule[]) {
      for (const g of rule.apiGroups) for (const r of rule.resources) for (const v of rule.verbs) granted.add(`${scope}|${g}|${r}|${v}`);
    }
  }
  return granted;
}

const needed = (calls: readonly Call[]) =>
  new Set(calls.flatMap((c) => c.verbs.map((v) => `${c.namespaced ? `ns:${NAMESPACE}` : 'cluster'}|${c.group}|${c.resource}|${v}`)));

describe.each([
  ['helm chart', () => renderChart()],
  ['kustomize base', () => renderKustomize()],
])('RBAC of the %s', (_name, render) => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = render();
  });

  it('grants the controller ServiceAccount exactly the calls of the driver and its sidecars', () => {
    const granted = grants(objects, 'rds-csi-controller');
    const missing = [...needed(CONTROLLER_CALLS)].filter((p) => !granted.has(p));
    const extra = [...granted].filter((p) => !needed(CONTROLLER_CALLS).has(p));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it('grants the node ServiceAccount exactly event writes', () => {
    expect([...grants(objects, 'rds-csi-node')].sort()).toEqual([...needed(NODE_CALLS)].sort());
  });

  it('uses no wildcard, resourceName or non-resource URL in any rule', () => {
    const rules = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role').flatMap((o) => o['rules'] as Rule[]);
    expect(rules.length).toBeGreaterThan(20);
    for (const rule of rules) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs].filter((x) => x.includes('*'))).toEqual([]);
      expect(rule.resourceNames ?? rule.nonResourceURLs).toBeUndefined();
    }
  });

  it('runs the pods under these ServiceAccounts', () => {
    const podSpec = (kind: string) => ((objects.find((o) => o.kind === kind)!['spec'] as any).template.spec as { serviceAccountName: string });
    expect(podSpec('Deployment').serviceAccountName).toBe('rds-csi-controller');
    expect(podSpec('DaemonSet').serviceAccountName).toBe('rds-csi-node');
  });
});

describe('the permission check itself', () => {
  it('notices a missing verb and an extra grant', () => {
    const objects = renderChart().map((o) => structuredClone(o) as any);
    const driverRole = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'rds-csi-controller');
    driverRole.rules[0].verbs = ['get', 'list', 'watch', 'update'];
    const granted = grants(objects, 'rds-csi-controller');
    expect(granted.has('cluster||persistentvolumes|update')).toBe(true);
    expect([...needed(CONTROLLER_CALLS)].every((p) => granted.has(p))).toBe(true);
    const attacher = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'rds-csi-external-attacher');
    attacher.rules = attacher.rules.filter((r: Rule) => r.resources[0] !== 'volumeattachments/status');
    expect(grants(objects, 'rds-csi-controller').has('cluster|storage.k8s.io|volumeattachments/status|patch')).toBe(false);
  });
});
