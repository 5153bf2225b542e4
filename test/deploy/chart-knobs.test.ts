import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBasePath } from '../../src/domain/storage-path.js';
import { bindOptions, mountOptionsFor } from '../../src/adapters/mount/mount-options.js';
import { KNOWN_VOLUME_PARAMETERS, parseVolumeParameters } from '../../src/app/volumes/volume-parameters.js';
import type { KubeObject } from './render.js';
import { chartDir, find, renderChart } from './render.js';

interface Container {
  name: string;
  args: string[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

const CONTROLLER = ['Deployment', 'rds-csi-controller'] as const;
const NODE = ['DaemonSet', 'rds-csi-node'] as const;
const pod = (objects: readonly KubeObject[], [kind, name]: readonly [string, string]) => (find(objects, kind, name)['spec'] as any).template;
const containers = (objects: readonly KubeObject[], workload: readonly [string, string]): Container[] => pod(objects, workload).spec.containers;
const container = (objects: readonly KubeObject[], workload: readonly [string, string], name: string): Container =>
  containers(objects, workload).find((c) => c.name === name)!;
const checksum = (objects: readonly KubeObject[], workload: readonly [string, string]): string =>
  pod(objects, workload).metadata.annotations['checksum/config'];

let defaults: KubeObject[];
beforeAll(() => {
  defaults = renderChart();
});

describe('resources', () => {
  it('every container requests CPU and memory and has a memory limit, none a CPU limit', () => {
    const all = [...containers(defaults, CONTROLLER), ...containers(defaults, NODE)];
    expect(all).toHaveLength(7);
    for (const c of all) {
      expect(Object.keys(c.resources?.requests ?? {}).sort(), c.name).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources?.limits ?? {}), c.name).toEqual(['memory']);
    }
    expect(container(defaults, CONTROLLER, 'rds-csi').resources!.limits!['memory']).toBe('384Mi');
    expect(container(defaults, NODE, 'rds-csi').resources!.limits!['memory']).toBe('256Mi');
  });

  it('are set per container: the driver of each component and each sidecar on its own', () => {
    const objects = renderChart([
      'controller.resources.limits.memory=1Gi',
      'node.resources.requests.cpu=250m',
      'sidecars.attacher.resources.limits.memory=300Mi',
      'sidecars.nodeDriverRegistrar.resources.requests.memory=20Mi',
    ]);
    const changed = new Map<string, Container['resources']>();
    for (const workload of [CONTROLLER, NODE]) {
      for (const c of containers(objects, workload)) {
        const before = container(defaults, workload, c.name).resources;
        if (JSON.stringify(before) !== JSON.stringify(c.resources)) changed.set(`${workload[1]}/${c.name}`, c.resources);
      }
    }
    expect([...changed.keys()].sort()).toEqual([
      'rds-csi-controller/csi-attacher',
      'rds-csi-controller/rds-csi',
      'rds-csi-node/node-driver-registrar',
      'rds-csi-node/rds-csi',
    ]);
    expect(changed.get('rds-csi-controller/rds-csi')!.limits!['memory']).toBe('1Gi');
    expect(changed.get('rds-csi-node/rds-csi')!.requests).toEqual({ cpu: '250m', memory: '160Mi' });
    expect(changed.get('rds-csi-controller/csi-attacher')!.limits!['memory']).toBe('300Mi');
    expect(changed.get('rds-csi-node/node-driver-registrar')!.requests!['memory']).toBe('20Mi');
  });
});

describe('pod knobs land on their own component only', () => {
  const knobs = (c: 'controller' | 'node') => [
    `${c}.tolerations[0].key=only-${c}`,
    `${c}.tolerations[0].operator=Exists`,
    `${c}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=${c}-ok`,
    `${c}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=Exists`,
    `${c}.nodeSelector.pool=${c}-pool`,
    `${c}.podAnnotations.owner=${c}-team`,
    `${c}.podLabels.tier=${c}-tier`,
    `${c}.priorityClassName=${c}-priority`,
    `${c}.extraArgs[0]=--lock-wait=${c === 'controller' ? 20 : 30}`,
  ];

  it.each(['controller', 'node'] as const)('%s', (component) => {
    const objects = renderChart(knobs(component));
    const [mine, other] = component === 'controller' ? [CONTROLLER, NODE] : [NODE, CONTROLLER];
    const template = pod(objects, mine);
    expect(template.spec.tolerations).toEqual([{ key: `only-${component}`, operator: 'Exists' }]);
    expect(template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key).toBe(`${component}-ok`);
    expect(template.spec.nodeSelector).toEqual({ pool: `${component}-pool` });
    expect(template.spec.priorityClassName).toBe(`${component}-priority`);
    expect(template.metadata.annotations).toMatchObject({ owner: `${component}-team`, 'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'rds-csi', 'app.kubernetes.io/component': component, tier: `${component}-tier` });
    const args = container(objects, mine, 'rds-csi').args;
    expect(args.at(-1)).toBe(`--lock-wait=${component === 'controller' ? 20 : 30}`);
    expect(args.slice(0, -1)).toEqual(container(defaults, mine, 'rds-csi').args);
    // The other component is untouched.
    expect(pod(objects, other)).toEqual(pod(defaults, other));
  });

  it('defaults: the controller spreads over nodes, the node plugin tolerates every taint, and priority classes are set', () => {
    const controller = pod(defaults, CONTROLLER).spec;
    expect(controller.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm).toEqual({
      topologyKey: 'kubernetes.io/hostname',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'rds-csi', 'app.kubernetes.io/component': 'controller' } },
    });
    expect(controller.tolerations).toBeUndefined();
    expect(controller.priorityClassName).toBe('system-cluster-critical');
    expect(pod(defaults, NODE).spec).toMatchObject({ tolerations: [{ operator: 'Exists' }], priorityClassName: 'system-node-critical' });
    expect(pod(defaults, NODE).spec.affinity).toBeUndefined();
    expect(pod(renderChart(['controller.priorityClassName=']), CONTROLLER).spec.priorityClassName).toBeUndefined();
  });

  it('imagePullSecrets reach both pods, and are absent by default', () => {
    for (const workload of [CONTROLLER, NODE]) {
      expect(pod(defaults, workload).spec.imagePullSecrets).toBeUndefined();
      expect(pod(renderChart(['imagePullSecrets[0].name=regcred', 'imagePullSecrets[1].name=mirror']), workload).spec.imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'mirror' }]);
    }
  });
});

describe('checksum annotations roll the pods when their configuration changes', () => {
  it('checksum/config of both pods changes with rds.address and logLevel, not with an unrelated value', () => {
    const moved = renderChart(['rds.address=10.9.9.9']);
    const debug = renderChart(['logLevel=debug']);
    const scaled = renderChart(['controller.replicas=3']);
    for (const workload of [CONTROLLER, NODE]) {
      expect(checksum(defaults, workload)).toMatch(/^[0-9a-f]{64}$/);
      expect(checksum(moved, workload)).not.toBe(checksum(defaults, workload));
      expect(checksum(debug, workload)).not.toBe(checksum(defaults, workload));
      expect(checksum(debug, workload)).not.toBe(checksum(moved, workload));
      expect(checksum(scaled, workload)).toBe(checksum(defaults, workload));
    }
  });

  it('checksum/secret appears only when the chart renders the Secret, and podAnnotations cannot replace a checksum', () => {
    expect(pod(defaults, CONTROLLER).metadata.annotations['checksum/secret']).toBeUndefined();
    const withExample = renderChart(['secret.createExample=true']);
    const renamed = renderChart(['secret.createExample=true', 'secret.name=other']);
    const a = pod(withExample, CONTROLLER).metadata.annotations['checksum/secret'];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(pod(renamed, CONTROLLER).metadata.annotations['checksum/secret']).not.toBe(a);
    const overridden = renderChart(['controller.podAnnotations.checksum/config=fixed']);
    expect(checksum(overridden, CONTROLLER)).toBe(checksum(defaults, CONTROLLER));
  });
});

describe('PodDisruptionBudget', () => {
  it('is rendered for the controller by default with maxUnavailable 1 and selects exactly the controller pods', () => {
    const pdb = find(defaults, 'PodDisruptionBudget', 'rds-csi-controller') as any;
    expect(pdb.metadata.namespace).toBe('rds-csi');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual((find(defaults, ...CONTROLLER)['spec'] as any).selector.matchLabels);
    expect((find(renderChart(['controller.podDisruptionBudget.maxUnavailable=50%']), 'PodDisruptionBudget', 'rds-csi-controller') as any).spec.maxUnavailable).toBe('50%');
  });
});

describe('Namespace', () => {
  it('namespace.create=true renders the release namespace labelled for privileged pods', () => {
    const ns = find(renderChart(['namespace.create=true']), 'Namespace', 'rds-csi');
    expect(ns.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'rds-csi', 'pod-security.kubernetes.io/enforce': 'privileged' });
  });
});

describe('StorageClasses', () => {
  const sc = (objects: readonly KubeObject[], name: string) => find(objects, 'StorageClass', name) as any;

  it('defaults: not the default class, Delete, expandable, Immediate, no mount options', () => {
    for (const name of ['rds-nvme', 'rds-nvme-block-rwx']) {
      const c = sc(defaults, name);
      expect(c.metadata.annotations).toBeUndefined();
      expect(c).toMatchObject({ reclaimPolicy: 'Delete', allowVolumeExpansion: true, volumeBindingMode: 'Immediate' });
      expect(c.mountOptions).toBeUndefined();
    }
  });

  it('every knob lands in its own class', () => {
    const objects = renderChart([
      'storageClasses.filesystem.default=true',
      'storageClasses.filesystem.fsType=xfs',
      'storageClasses.filesystem.reclaimPolicy=Retain',
      'storageClasses.filesystem.allowVolumeExpansion=false',
      'storageClasses.filesystem.volumeBindingMode=WaitForFirstConsumer',
      'storageClasses.filesystem.mountOptions={noatime,nodev}',
      'storageClasses.filesystem.parameters.ctrlLossTmo=600',
      'storageClasses.filesystem.parameters.volumePath=/storage-pool/rds-csi/fast',
      'storageClasses.blockRwx.migrationTimeoutSeconds=900',
      'storageClasses.blockRwx.parameters.nvmePort=4421',
      'storageClasses.blockRwx.reclaimPolicy=Retain',
    ]);
    expect(sc(objects, 'rds-nvme')).toMatchObject({
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      parameters: { 'csi.storage.k8s.io/fstype': 'xfs', ctrlLossTmo: '600', volumePath: '/storage-pool/rds-csi/fast' },
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: false,
      volumeBindingMode: 'WaitForFirstConsumer',
      mountOptions: ['noatime', 'nodev'],
    });
    const block = sc(objects, 'rds-nvme-block-rwx');
    expect(block.metadata.annotations).toBeUndefined();
    expect(block.parameters).toEqual({ migrationTimeoutSeconds: '900', nvmePort: '4421' });
    expect(block).toMatchObject({ reclaimPolicy: 'Retain', allowVolumeExpansion: true });
    expect(sc(renderChart(['storageClasses.blockRwx.default=true']), 'rds-nvme-block-rwx').metadata.annotations).toEqual({
      'storageclass.kubernetes.io/is-default-class': 'true',
    });
  });

  it('the schema accepts exactly the parameters the driver reads (migrationTimeoutSeconds has its own value)', () => {
    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
    const accepted = Object.keys(schema.definitions.volumeParameters.properties);
    expect([...accepted, 'migrationTimeoutSeconds'].sort()).toEqual([...KNOWN_VOLUME_PARAMETERS].sort());
  });

  it('a class with every parameter and mount option the schema accepts is one the driver accepts', () => {
    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
    const options: string[] = schema.properties.storageClasses.properties.filesystem.properties.mountOptions.items.enum;
    expect(options).toContain('noatime');
    const objects = renderChart([
      `storageClasses.filesystem.mountOptions={${options.join(',')}}`,
      'storageClasses.filesystem.parameters.volumePath=/storage-pool/rds-csi/fast',
      'storageClasses.filesystem.parameters.nvmeAddress=10.0.1.1',
      'storageClasses.filesystem.parameters.nvmePort=4421',
      'storageClasses.filesystem.parameters.ctrlLossTmo=-1',
      'storageClasses.filesystem.parameters.reconnectDelay=10',
      'storageClasses.filesystem.parameters.keepAliveTmo=30',
      'storageClasses.filesystem.parameters.fsType=ext4',
    ]);
    const defaultsOfDriver = { basePath: parseBasePath('/storage-pool/rds-csi', 'base'), nvmeAddress: '10.0.0.1', nvmePort: 4420 };
    for (const name of ['rds-nvme', 'rds-nvme-block-rwx']) {
      const c = sc(objects, name);
      expect(() => parseVolumeParameters(c.parameters, defaultsOfDriver), name).not.toThrow();
    }
    expect(parseVolumeParameters(sc(objects, 'rds-nvme').parameters, defaultsOfDriver)).toMatchObject({ nvmePort: 4421, ctrlLossTmo: -1, keepAliveTmo: 30 });
    // kubelet passes a StorageClass's mountOptions to NodeStage (the volume's mount) and to NodePublish
    // (the pod's bind mount): every option must pass both checks, for every file system.
    const rendered: string[] = sc(objects, 'rds-nvme').mountOptions;
    expect(rendered).toEqual(options);
    for (const option of rendered) {
      for (const fs of ['ext4', 'xfs', 'ext3'] as const) expect(() => mountOptionsFor(fs, [option]), `${fs} ${option}`).not.toThrow();
      expect(() => bindOptions([option]), option).not.toThrow();
    }
  });
});
