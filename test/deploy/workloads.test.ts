import { beforeAll, describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/app/config-options.js';
import type { KubeObject } from './render.js';
import { find, renderChart } from './render.js';

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; mountPropagation?: string }[];
}

let objects: KubeObject[];
const podSpec = (kind: string, name: string) => (find(objects, kind, name)['spec'] as any).template.spec;
const containers = (kind: string, name: string): Container[] => podSpec(kind, name).containers;
const container = (kind: string, name: string, c: string): Container => containers(kind, name).find((x) => x.name === c)!;
const controller = (c: string) => container('Deployment', 'rds-csi-controller', c);
const node = (c: string) => container('DaemonSet', 'rds-csi-node', c);

beforeAll(() => {
  objects = renderChart();
});

/** Minimum sidecar versions built with a grpc-go that sends :authority "localhost" over unix sockets. */
const MIN_VERSIONS: Record<string, [number, number]> = {
  'csi-provisioner': [5, 0],
  'csi-attacher': [4, 8],
  'csi-resizer': [1, 13],
  'csi-snapshotter': [8, 2],
  'csi-node-driver-registrar': [2, 13],
};

describe('sidecars', () => {
  it('are pinned registry.k8s.io/sig-storage images at or above the versions known to work with grpc-js', () => {
    const all = [...containers('Deployment', 'rds-csi-controller'), ...containers('DaemonSet', 'rds-csi-node')];
    const sidecars = all.filter((c) => c.name !== 'rds-csi');
    expect(sidecars).toHaveLength(5);
    for (const { image } of sidecars) {
      const m = /^registry\.k8s\.io\/sig-storage\/([a-z-]+):v(\d+)\.(\d+)\.(\d+)$/.exec(image);
      expect(m, image).not.toBeNull();
      const [major, minor] = MIN_VERSIONS[m![1]!]!;
      expect(Number(m![2]) * 1000 + Number(m![3]), image).toBeGreaterThanOrEqual(major * 1000 + minor);
    }
  });

  it('run with the flags the issue asks for', () => {
    expect(controller('csi-provisioner').args).toEqual(
      expect.arrayContaining(['--extra-create-metadata', '--leader-election', '--default-fstype=ext4']),
    );
    expect(controller('csi-provisioner').args!.some((a) => /^--timeout=\d+s$/.test(a))).toBe(true);
    for (const c of ['csi-provisioner', 'csi-attacher', 'csi-resizer', 'csi-snapshotter']) {
      expect(controller(c).args).toEqual(expect.arrayContaining(['--csi-address=/csi/csi.sock', '--leader-election', '--leader-election-namespace=$(POD_NAMESPACE)']));
    }
    expect(node('node-driver-registrar').args).toContain('--kubelet-registration-path=/var/lib/kubelet/plugins/rds.csi.srvlab.io/csi.sock');
  });
});

describe('driver containers', () => {
  const flagsOf = (c: Container) => (c.args ?? []).map((a) => /^--([a-z-]+)/.exec(a)![1]!);

  it('use only flags and environment variables that rds-csi serve defines', () => {
    const flags = new Set(OPTIONS.map((o) => o.flag));
    const envs = new Set([...OPTIONS.flatMap((o) => o.env), 'POD_NAMESPACE']);
    for (const c of [controller('rds-csi'), node('rds-csi')]) {
      expect(flagsOf(c).filter((f) => !flags.has(f))).toEqual([]);
      expect((c.env ?? []).map((e) => e.name).filter((n) => !envs.has(n))).toEqual([]);
    }
    expect(controller('rds-csi').image).toBe('ghcr.io/srvlab/rds-csi:0.1.0');
  });

  it('controller: every required setting, secret files mounted where the flags point, non-root', () => {
    const c = controller('rds-csi');
    expect(c.args).toEqual(expect.arrayContaining(['--mode=controller', '--metrics-address=:9809']));
    const env = (c.env ?? []).map((e) => e.name);
    expect(env).toEqual(expect.arrayContaining(['RDS_CSI_RDS_ADDRESS', 'RDS_CSI_VOLUME_BASE_PATH', 'RDS_CSI_NVME_ADDRESS']));
    expect(c.args).toEqual(expect.arrayContaining(['--rds-key-file=/etc/rds-csi/secret/rds-private-key', '--rds-host-key=/etc/rds-csi/secret/rds-host-key']));
    expect(c.volumeMounts).toContainEqual({ name: 'rds-secret', mountPath: '/etc/rds-csi/secret', readOnly: true });
    const volumes = podSpec('Deployment', 'rds-csi-controller').volumes as any[];
    expect(volumes.find((v) => v.name === 'rds-secret').secret.secretName).toBe('rds-csi-secret');
    expect(podSpec('Deployment', 'rds-csi-controller').securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    for (const x of containers('Deployment', 'rds-csi-controller')) {
      expect(x.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
    expect(volumes.some((v) => v.hostPath)).toBe(false);
    expect((find(objects, 'Deployment', 'rds-csi-controller')['spec'] as any).replicas).toBe(2);
  });

  it('controller and node: liveness on the driver\'s own /healthz (up while the RDS is away), readiness on its /readyz', () => {
    for (const c of [controller('rds-csi'), node('rds-csi')] as any[]) {
      const ports = Object.fromEntries(c.ports.map((p: any) => [p.name, p.containerPort]));
      expect(Object.keys(ports)).toEqual(['metrics']);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
      expect(c.args).toContain(`--metrics-address=:${ports.metrics}`);
    }
  });

  it('node: privileged, host network, Bidirectional kubelet, /dev and /sys, host /etc/nvme read-only', () => {
    const spec = podSpec('DaemonSet', 'rds-csi-node');
    expect(spec).toMatchObject({ hostNetwork: true, priorityClassName: 'system-node-critical', tolerations: [{ operator: 'Exists' }] });
    const c = node('rds-csi');
    expect(c.securityContext).toMatchObject({ privileged: true });
    const mounts = Object.fromEntries(c.volumeMounts!.map((m) => [m.mountPath, m]));
    for (const path of ['/var/lib/kubelet', '/dev', '/sys']) expect(mounts[path]!.mountPropagation).toBe('Bidirectional');
    expect(mounts['/etc/nvme']).toMatchObject({ readOnly: true });
    const hostPaths = Object.fromEntries((spec.volumes as any[]).map((v) => [v.name, v.hostPath?.path]));
    expect(hostPaths[mounts['/etc/nvme']!.name]).toBe('/etc/nvme');
    expect(c.args).toEqual(expect.arrayContaining(['--mode=node', '--node-state-dir=/var/lib/kubelet/plugins/rds.csi.srvlab.io/state']));
    expect((c.env as any[]).find((e) => e.name === 'RDS_CSI_NODE_ID').valueFrom.fieldRef.fieldPath).toBe('spec.nodeName');
  });
});

describe('cluster objects', () => {
  it('CSIDriver', () => {
    expect(find(objects, 'CSIDriver', 'rds.csi.srvlab.io')['spec']).toEqual({
      attachRequired: true,
      podInfoOnMount: true,
      fsGroupPolicy: 'File',
      volumeLifecycleModes: ['Persistent'],
      storageCapacity: false,
    });
  });

  it('StorageClasses and the VolumeSnapshotClass', () => {
    expect(find(objects, 'StorageClass', 'rds-nvme')).toMatchObject({
      provisioner: 'rds.csi.srvlab.io',
      parameters: { 'csi.storage.k8s.io/fstype': 'ext4' },
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
      volumeBindingMode: 'Immediate',
    });
    expect(find(objects, 'StorageClass', 'rds-nvme-block-rwx')).toMatchObject({ provisioner: 'rds.csi.srvlab.io', parameters: { migrationTimeoutSeconds: '300' } });
    expect(find(objects, 'VolumeSnapshotClass', 'rds-nvme-snapshot')).toMatchObject({ driver: 'rds.csi.srvlab.io', deletionPolicy: 'Delete' });
  });

  it('the example Secret (secret.createExample=true) holds placeholders, never a key', () => {
    const data = find(renderChart(['secret.createExample=true']), 'Secret', 'rds-csi-secret')['stringData'] as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['rds-host-key', 'rds-private-key']);
    for (const value of Object.values(data)) {
      expect(value).toMatch(/^REPLACE-ME/);
      expect(value).not.toMatch(/PRIVATE KEY|ssh-(ed25519|rsa) AAAA|SHA256:[A-Za-z0-9+/]{20}/);
    }
  });
});
