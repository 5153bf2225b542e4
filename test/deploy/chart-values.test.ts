import { describe, expect, it } from 'vitest';
import { chartDir, find, keyOf, renderChart, run } from './render.js';

const renderError = (sets: string[]): string => {
  try {
    renderChart(sets);
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`helm template accepted ${sets.join(' ')}`);
};

describe('the chart values', () => {
  it('pass helm lint', () => {
    expect(run('helm', ['lint', '--strict', chartDir])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('are checked by values.schema.json: wrong types, unknown keys and bad enums fail', () => {
    expect(renderError(['controller.replicas=two'])).toMatch(/controller\/replicas.*want integer/s);
    expect(renderError(['controller.replica=2'])).toMatch(/additional properties 'replica' not allowed/);
    expect(renderError(['logLevel=verbose'])).toMatch(/logLevel/);
    expect(renderError(['rds.managedNqnPrefix=iqn.2000-02.com.mikrotik:'])).toMatch(/managedNqnPrefix/);
    expect(renderError(['sidecars.provisioner.image=csi-provisioner'])).toMatch(/sidecars\/provisioner\/image/);
  });

  it('switch optional objects off and override the driver image and RDS settings', () => {
    const objects = renderChart([
      'namespace.create=false',
      'secret.createExample=false',
      'storageClasses.blockRwx.enabled=false',
      'volumeSnapshotClass.enabled=false',
      'image.tag=1.2.3',
      'rds.address=10.0.0.5',
      'controller.replicas=3',
    ]);
    const keys = objects.map(keyOf);
    for (const gone of ['Namespace//rds-csi', 'Secret/rds-csi/rds-csi-secret', 'StorageClass//rds-nvme-block-rwx', 'VolumeSnapshotClass//rds-nvme-snapshot']) {
      expect(keys).not.toContain(gone);
    }
    expect(keys).toContain('StorageClass//rds-nvme');
    const deployment = find(objects, 'Deployment', 'rds-csi-controller')['spec'] as any;
    expect(deployment.replicas).toBe(3);
    expect(deployment.template.spec.containers[0].image).toBe('ghcr.io/srvlab/rds-csi:1.2.3');
    expect((find(objects, 'ConfigMap', 'rds-csi-config')['data'] as Record<string, string>)['rds-address']).toBe('10.0.0.5');
  });
});
