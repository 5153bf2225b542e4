import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateExampleObject } from './example-schema.js';
import type { KubeObject } from './render.js';
import { chartDir, find, parseObjects, renderKustomize, repoRoot } from './render.js';

// deploy/examples: each file is validated strictly against the Kubernetes, VolumeSnapshot and
// KubeVirt schemas, then checked against the chart (class names, class settings) and against the
// other examples it builds on (the PVC a snapshot, clone or expansion starts from).

const examplesDir = join(repoRoot, 'deploy/examples');
const files = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort();
const load = (file: string): KubeObject[] => parseObjects(readFileSync(join(examplesDir, file), 'utf8'));
const objectsOf = (file: string, kind: string): any[] => load(file).filter((o) => o.kind === kind);
const one = (file: string, kind: string): any => {
  const found = objectsOf(file, kind);
  if (found.length !== 1) throw new Error(`${file}: expected one ${kind}, found ${found.length}`);
  return found[0];
};

const UNITS: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
/** Bytes of a storage quantity such as 10Gi or 500M (the suffixes examples use). */
function bytes(quantity: string): number {
  const m = /^(\d+)([kMGT]i?|Ki)?$/.exec(quantity);
  const unit = UNITS[m?.[2] ?? ''];
  if (!m || unit === undefined) throw new Error(`unsupported quantity ${quantity}`);
  return Number(m[1]) * unit;
}
const request = (pvc: any): number => bytes(pvc.spec.resources.requests.storage);

const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as {
  storageClasses: { filesystem: { name: string }; blockRwx: { name: string } };
  volumeSnapshotClass: { name: string };
};

describe('deploy/examples', () => {
  it('holds the five worked examples, each opening with its explanation', () => {
    expect(files).toEqual([
      '01-filesystem-pvc-pod.yaml',
      '02-kubevirt-vm-block-rwx.yaml',
      '03-snapshot-restore.yaml',
      '04-clone-pvc.yaml',
      '05-expand-pvc.yaml',
    ]);
    for (const file of files) {
      const text = readFileSync(join(examplesDir, file), 'utf8');
      expect(text.split('\n').slice(0, 3).every((line) => line.startsWith('#')), file).toBe(true);
      expect(text, `${file} says how to apply it`).toContain(`kubectl apply -f deploy/examples/${file}`);
    }
  });

  it.each(files)('%s is valid against the API schemas, unknown fields refused', async (file) => {
    const objects = load(file);
    expect(objects.length).toBeGreaterThan(0);
    const problems = (await Promise.all(objects.map(validateExampleObject))).flat();
    expect(problems).toEqual([]);
  });

  it('docs/installation.md links every example', () => {
    const doc = readFileSync(join(repoRoot, 'docs/installation.md'), 'utf8');
    for (const file of files) expect(doc).toContain(`](../deploy/examples/${file})`);
  });
});

/** Validation problems of a copy of an example object after `change`. */
async function problemsAfter(file: string, kind: string, change: (o: any) => void): Promise<string> {
  const copy = structuredClone(one(file, kind));
  change(copy);
  return (await validateExampleObject(copy)).join('\n');
}

describe('the example validation is strict: it refuses', () => {
  it.each([
    ['a misspelt PVC field', '01-filesystem-pvc-pod.yaml', 'PersistentVolumeClaim', (o: any) => (o.spec.storageClass = 'rds-nvme'), /storageClass: unknown field/],
    ['an unknown field deep in a pod', '01-filesystem-pvc-pod.yaml', 'Pod', (o: any) => (o.spec.containers[0].volumeMounts[0].readonly = true), /readonly: unknown field/],
    ['a pod without containers', '01-filesystem-pvc-pod.yaml', 'Pod', (o: any) => delete o.spec.containers, /must have required property containers/],
    ['an access mode Kubernetes does not have', '02-kubevirt-vm-block-rwx.yaml', 'PersistentVolumeClaim', (o: any) => (o.spec.accessModes = ['ReadWriteMultiple']), /accessModes\/0 must be equal to one of the allowed values/],
    ['an unknown VolumeSnapshot field', '03-snapshot-restore.yaml', 'VolumeSnapshot', (o: any) => (o.spec.snapshotClassName = 'x'), /spec must NOT have additional properties.*snapshotClassName/],
    ['a VolumeSnapshot with both sources', '03-snapshot-restore.yaml', 'VolumeSnapshot', (o: any) => (o.spec.source.volumeSnapshotContentName = 'c'), /oneOf/],
    ['a VolumeSnapshot without a source', '03-snapshot-restore.yaml', 'VolumeSnapshot', (o: any) => delete o.spec.source, /required.*source/],
    ['an unknown field in a VolumeSnapshot\'s metadata', '03-snapshot-restore.yaml', 'VolumeSnapshot', (o: any) => (o.metadata.label = {}), /metadata\.label: unknown field/],
    ['a misspelt eviction strategy', '02-kubevirt-vm-block-rwx.yaml', 'VirtualMachine', (o: any) => (o.spec.template.spec.evictionStrategy = 'Migrate'), /evictionStrategy must be equal to one of the allowed values/],
    ['an unknown field deep in a VM disk', '02-kubevirt-vm-block-rwx.yaml', 'VirtualMachine', (o: any) => (o.spec.template.spec.domain.devices.disks[0].disk.buss = 'virtio'), /disks\/0\/disk must NOT have additional properties.*buss/],
    ['a VM without a domain', '02-kubevirt-vm-block-rwx.yaml', 'VirtualMachine', (o: any) => delete o.spec.template.spec.domain, /required.*domain/],
    ['a VM volume without a source', '02-kubevirt-vm-block-rwx.yaml', 'VirtualMachine', (o: any) => delete o.spec.template.spec.volumes[1].persistentVolumeClaim, /volumes\/1 must match exactly one schema/],
    ['both running and runStrategy', '02-kubevirt-vm-block-rwx.yaml', 'VirtualMachine', (o: any) => (o.spec.running = true), /must NOT be valid/],
    ['an unknown field in the VM template\'s metadata', '02-kubevirt-vm-block-rwx.yaml', 'VirtualMachine', (o: any) => (o.spec.template.metadata.label = {}), /spec\.template\.metadata\.label: unknown field/],
  ])('%s', async (_what, file, kind, change, expected) => {
    expect(await problemsAfter(file, kind, change)).toMatch(expected);
  });
});

describe('the examples fit the chart and build on each other', () => {
  let classes: KubeObject[];
  beforeAll(() => {
    classes = renderKustomize().filter((o) => o.kind === 'StorageClass' || o.kind === 'VolumeSnapshotClass');
  });
  const storageClass = (name: string): any => find(classes, 'StorageClass', name);
  const source = () => one('01-filesystem-pvc-pod.yaml', 'PersistentVolumeClaim');

  it('the class names are the chart\'s, and the kustomize base has the same classes for the driver', () => {
    for (const name of [values.storageClasses.filesystem.name, values.storageClasses.blockRwx.name]) {
      expect(storageClass(name).provisioner).toBe('rds.csi.srvlab.io');
    }
    expect((find(classes, 'VolumeSnapshotClass', values.volumeSnapshotClass.name) as any).driver).toBe('rds.csi.srvlab.io');
  });

  it('01: an ext4 ReadWriteOnce PVC on the filesystem class, mounted by the pod', () => {
    const pvc = source();
    expect(pvc.spec).toMatchObject({ storageClassName: values.storageClasses.filesystem.name, accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' });
    expect(storageClass(pvc.spec.storageClassName).parameters['csi.storage.k8s.io/fstype']).toBe('ext4');
    const pod = one('01-filesystem-pvc-pod.yaml', 'Pod');
    const volume = pod.spec.volumes.find((v: any) => v.persistentVolumeClaim?.claimName === pvc.metadata.name);
    expect(volume).toBeDefined();
    expect(pod.spec.containers[0].volumeMounts.map((m: any) => m.name)).toContain(volume.name);
  });

  it('02: a Block ReadWriteMany PVC on the block-rwx class, a disk of a VM that live-migrates', () => {
    const pvc = one('02-kubevirt-vm-block-rwx.yaml', 'PersistentVolumeClaim');
    expect(pvc.spec).toMatchObject({ storageClassName: values.storageClasses.blockRwx.name, accessModes: ['ReadWriteMany'], volumeMode: 'Block' });
    expect(storageClass(pvc.spec.storageClassName).parameters).toHaveProperty('migrationTimeoutSeconds');
    const vmi = one('02-kubevirt-vm-block-rwx.yaml', 'VirtualMachine').spec.template.spec;
    expect(vmi.evictionStrategy).toBe('LiveMigrate');
    const volume = vmi.volumes.find((v: any) => v.persistentVolumeClaim?.claimName === pvc.metadata.name);
    expect(volume).toBeDefined();
    // KubeVirt's admission webhook: every disk names a volume and every volume is used by a disk;
    // every interface names a network.
    const disks = vmi.domain.devices.disks.map((d: any) => d.name).sort();
    expect(vmi.volumes.map((v: any) => v.name).sort()).toEqual(disks);
    expect(disks).toContain(volume.name);
    expect(vmi.domain.devices.interfaces.map((i: any) => i.name).sort()).toEqual(vmi.networks.map((n: any) => n.name).sort());
  });

  it('03: a snapshot of the 01 PVC, and a PVC restored from it as big, of the same class and mode', () => {
    const snapshot = one('03-snapshot-restore.yaml', 'VolumeSnapshot');
    expect(snapshot.spec).toEqual({ volumeSnapshotClassName: values.volumeSnapshotClass.name, source: { persistentVolumeClaimName: source().metadata.name } });
    const restored = one('03-snapshot-restore.yaml', 'PersistentVolumeClaim');
    expect(restored.spec.dataSource).toEqual({ apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: snapshot.metadata.name });
    expect(restored.spec.storageClassName).toBe(source().spec.storageClassName);
    expect(restored.spec.volumeMode).toBe(source().spec.volumeMode);
    expect(request(restored)).toBeGreaterThanOrEqual(request(source()));
  });

  it('04: a clone of the 01 PVC, of the same class and mode and at least as big', () => {
    const clone = one('04-clone-pvc.yaml', 'PersistentVolumeClaim');
    expect(clone.spec.dataSource).toEqual({ kind: 'PersistentVolumeClaim', name: source().metadata.name });
    expect(clone.metadata.namespace).toBe(source().metadata.namespace);
    expect(clone.spec.storageClassName).toBe(source().spec.storageClassName);
    expect(clone.spec.volumeMode).toBe(source().spec.volumeMode);
    expect(request(clone)).toBeGreaterThanOrEqual(request(source()));
  });

  it('05: the 01 PVC with only a larger request, on a class that allows expansion', () => {
    const grown = one('05-expand-pvc.yaml', 'PersistentVolumeClaim');
    expect(grown.metadata).toEqual(source().metadata);
    expect(request(grown)).toBeGreaterThan(request(source()));
    const { resources: _grownResources, ...grownRest } = grown.spec;
    const { resources: _sourceResources, ...sourceRest } = source().spec;
    expect(grownRest).toEqual(sourceRest);
    expect(storageClass(grown.spec.storageClassName).allowVolumeExpansion).toBe(true);
    const text = readFileSync(join(examplesDir, '05-expand-pvc.yaml'), 'utf8');
    expect(text).toContain(`kubectl patch pvc ${grown.metadata.name} --type merge -p '{"spec":{"resources":{"requests":{"storage":"${grown.spec.resources.requests.storage}"}}}}'`);
  });
});
