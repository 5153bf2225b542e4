import { describe, expect, it } from 'vitest';
import { chartDir, find, keyOf, OPERATOR_VALUES, renderChart, renderError, run } from './render.js';

const setArgs = (sets: readonly string[]) => sets.flatMap((s) => ['--set', s]);

describe('the chart values', () => {
  it('pass helm lint with the required values set (lint itself tolerates a failing `fail`)', () => {
    expect(run('helm', ['lint', '--strict', chartDir, ...setArgs(OPERATOR_VALUES)])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('are checked by values.schema.json: wrong types, unknown keys and bad enums fail', () => {
    expect(renderError([...OPERATOR_VALUES, 'controller.replicas=two'])).toMatch(/controller\/replicas.*want integer/s);
    expect(renderError([...OPERATOR_VALUES, 'controller.replica=2'])).toMatch(/additional properties 'replica' not allowed/);
    expect(renderError([...OPERATOR_VALUES, 'logLevel=verbose'])).toMatch(/logLevel/);
    expect(renderError([...OPERATOR_VALUES, 'rds.managedNqnPrefix=iqn.2000-02.com.mikrotik:'])).toMatch(/managedNqnPrefix/);
    expect(renderError([...OPERATOR_VALUES, 'sidecars.provisioner.image=csi-provisioner'])).toMatch(/sidecars\/provisioner\/image/);
  });

  it('refuse a misspelt key in every new knob', () => {
    const misspelt: [string, RegExp][] = [
      ['controller.tolerration[0].operator=Exists', /additional properties 'tolerration' not allowed/],
      ['node.tolerations[0].opertor=Exists', /additional properties 'opertor' not allowed/],
      ['controller.affinity.nodeAfinity.x=y', /additional properties 'nodeAfinity' not allowed/],
      ['node.podAnotations.a=b', /additional properties 'podAnotations' not allowed/],
      ['controller.resources.request.cpu=1', /additional properties 'request' not allowed/],
      ['sidecars.attacher.resource.limits.memory=1Gi', /additional properties 'resource' not allowed/],
      ['imagePullSecret[0].name=regcred', /additional properties 'imagePullSecret' not allowed/],
      ['imagePullSecrets[0].nam=regcred', /imagePullSecrets\/0/],
      ['controller.podDisruptionBudget.maxUnavailble=1', /additional properties 'maxUnavailble' not allowed/],
      ['storageClasses.filesystem.mountOption[0]=noatime', /additional properties 'mountOption' not allowed/],
      ['storageClasses.filesystem.isDefault=true', /additional properties 'isDefault' not allowed/],
      ['storageClasses.blockRwx.parameters.ctrlLossTimeout=5', /additional properties 'ctrlLossTimeout' not allowed/],
    ];
    for (const [set, message] of misspelt) expect(renderError([...OPERATOR_VALUES, set]), set).toMatch(message);
  });

  it('refuse bad knob values: selector labels, arguments that are not flags, policies, quantities', () => {
    const bad = [
      'controller.podLabels.app\\.kubernetes\\.io/component=other',
      'node.extraArgs[0]=reconcile-grace',
      'controller.extraArgs[0]=--reconcile-grace 30',
      'storageClasses.filesystem.reclaimPolicy=Keep',
      'storageClasses.blockRwx.volumeBindingMode=Later',
      'storageClasses.filesystem.fsType=btrfs',
      // discard is a mount option of ext4 and xfs, but the pod's bind mount refuses it.
      'storageClasses.filesystem.mountOptions[0]=discard',
      'storageClasses.filesystem.parameters.ctrlLossTmo=-2',
      'controller.resources.limits.memory=lots',
      'controller.podDisruptionBudget.maxUnavailable=half',
      'node.tolerations[0].effect=NoSchedul',
    ];
    for (const set of bad) expect(renderError([...OPERATOR_VALUES, set]), set).toMatch(/values don't meet the specifications of the schema/);
  });

  it('switch optional objects off and override the driver image and RDS settings', () => {
    const objects = renderChart([
      'storageClasses.blockRwx.enabled=false',
      'volumeSnapshotClass.enabled=false',
      'controller.podDisruptionBudget.enabled=false',
      'image.tag=1.2.3',
      'rds.address=10.0.0.5',
      'controller.replicas=3',
    ]);
    const keys = objects.map(keyOf);
    for (const gone of ['StorageClass//rds-nvme-block-rwx', 'VolumeSnapshotClass//rds-nvme-snapshot', 'PodDisruptionBudget/rds-csi/rds-csi-controller']) {
      expect(keys).not.toContain(gone);
    }
    expect(keys).toContain('StorageClass//rds-nvme');
    const deployment = find(objects, 'Deployment', 'rds-csi-controller')['spec'] as any;
    expect(deployment.replicas).toBe(3);
    expect(deployment.template.spec.containers[0].image).toBe('ghcr.io/srvlab/rds-csi:1.2.3');
    expect((find(objects, 'ConfigMap', 'rds-csi-config')['data'] as Record<string, string>)['rds-address']).toBe('10.0.0.5');
  });
});

describe('values the chart cannot default', () => {
  it('with the defaults alone, rendering fails naming both values and how to set them', () => {
    const error = renderError([]);
    expect(error).toMatch(/rds-csi cannot be installed with these values \(see docs\/installation\.md\)/);
    expect(error).toMatch(/- rds\.address is not set: .* --set rds\.address=/);
    expect(error).toMatch(/- secret\.name is not set: create the Secret .*kubectl -n rds-csi create secret generic rds-csi-secret --from-file=rds-private-key=.* then --set secret\.name=rds-csi-secret/);
  });

  it('each is required on its own, and an empty value counts as unset', () => {
    expect(renderError(['secret.name=s'])).toMatch(/rds\.address is not set/);
    expect(renderError(['secret.name=s'])).not.toMatch(/secret\.name is not set/);
    expect(renderError(['rds.address=10.0.0.1', 'secret.name='])).toMatch(/secret\.name is not set/);
    expect(renderError(['rds.address=10.0.0.1', 'secret.createExample=true'])).toMatch(/secret\.name is not set/);
  });

  it('no placeholder address, example Secret or Namespace is a default any more', () => {
    const objects = renderChart();
    const keys = objects.map(keyOf);
    expect(keys).not.toContain('Namespace//rds-csi');
    expect(keys.filter((k) => k.startsWith('Secret/'))).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/192\.0\.2\./);
    expect((find(objects, 'ConfigMap', 'rds-csi-config')['data'] as Record<string, string>)['nvme-address']).toBe('');
  });

  it('refuses two default StorageClasses and flags the chart sets itself in extraArgs, all in one message', () => {
    const error = renderError([
      ...OPERATOR_VALUES,
      'storageClasses.filesystem.default=true',
      'storageClasses.blockRwx.default=true',
      'controller.extraArgs[0]=--metrics-address=:1234',
      'node.extraArgs[0]=--log-level=debug',
      'node.extraArgs[1]=--mode=all',
    ]);
    expect(error).toMatch(/storageClasses\.filesystem\.default and storageClasses\.blockRwx\.default are both true/);
    expect(error).toMatch(/controller\.extraArgs: --metrics-address is set by the chart, from controller\.metricsPort/);
    expect(error).toMatch(/node\.extraArgs: --log-level is set by the chart, from logLevel/);
    expect(error).toMatch(/node\.extraArgs: --mode is set by the chart; remove it/);
    // One default is fine, and so is a second default on a class that is not rendered.
    expect(() => renderChart(['storageClasses.filesystem.default=true', 'storageClasses.blockRwx.default=true', 'storageClasses.blockRwx.enabled=false'])).not.toThrow();
  });
});
