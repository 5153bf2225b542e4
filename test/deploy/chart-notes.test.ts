import { describe, expect, it } from 'vitest';
import { renderNotes } from './render.js';

describe('NOTES.txt (what helm install prints)', () => {
  it('says what to check next: pods ready, the controller log, rds-csi doctor, the classes, troubleshooting', () => {
    const notes = renderNotes();
    expect(notes).toContain('kubectl -n rds-csi rollout status deployment/rds-csi-controller');
    expect(notes).toContain('kubectl -n rds-csi rollout status daemonset/rds-csi-node');
    expect(notes).toContain('kubectl -n rds-csi logs deployment/rds-csi-controller -c rds-csi');
    expect(notes).toContain(
      'kubectl -n rds-csi exec deployment/rds-csi-controller -c rds-csi -- node /app/dist/src/app/main.js doctor --mode=controller --rds-key-file=/etc/rds-csi/secret/rds-private-key --rds-host-key=/etc/rds-csi/secret/rds-host-key\n',
    );
    expect(notes).toMatch(/-c rds-csi -- node \/app\/dist\/src\/app\/main\.js doctor --mode=node\n/);
    expect(notes).toContain('StorageClass rds-nvme: ReadWriteOnce file system (ext4)\n');
    expect(notes).toMatch(/StorageClass rds-nvme-block-rwx: raw block .*volumeMode: Block, ReadWriteMany\n/);
    expect(notes).toContain('VolumeSnapshotClass rds-nvme-snapshot');
    expect(notes).toContain('docs/troubleshooting.md');
    // The chart did not create the namespace: say how to label it for the privileged node plugin.
    expect(notes).toContain('kubectl label namespace rds-csi pod-security.kubernetes.io/enforce=privileged');
    expect(notes).not.toMatch(/WARNING/);
  });

  it('follows the values: extra arguments in the doctor lines, the kubelet dir, class names and the default class', () => {
    const notes = renderNotes([
      'namespace.create=true',
      'controller.extraArgs[0]=--rds-command-timeout=60',
      'node.extraArgs[0]=--default-fs-type=xfs',
      'node.kubeletDir=/var/lib/k0s/kubelet',
      'storageClasses.filesystem.name=fast',
      'storageClasses.filesystem.default=true',
      'storageClasses.blockRwx.enabled=false',
      'volumeSnapshotClass.enabled=false',
    ]);
    expect(notes).toMatch(/doctor --mode=controller .*--rds-host-key=\/etc\/rds-csi\/secret\/rds-host-key '--rds-command-timeout=60'\n/);
    expect(notes).toMatch(/doctor --mode=node --kubelet-dir=\/var\/lib\/k0s\/kubelet '--default-fs-type=xfs'\n/);
    expect(notes).toContain('StorageClass fast: ReadWriteOnce file system (ext4), the cluster default\n');
    expect(notes).not.toMatch(/rds-nvme-block-rwx|VolumeSnapshotClass|kubectl label namespace/);
  });

  it('warns when the Secret is the example with placeholders', () => {
    const notes = renderNotes(['secret.createExample=true']);
    expect(notes).toMatch(/WARNING: secret\.createExample=true: the Secret rds-csi-secret holds placeholders/);
    expect(notes).toContain('--set secret.createExample=false --set secret.name=<that name>');
  });
});
