import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseSnapshotParameters, parseVolumeParameters } from '../../src/app/volumes/volume-parameters.js';
import type { ParameterDefaults } from '../../src/app/volumes/volume-parameters.js';
import { InvalidArgumentError } from '../../src/domain/errors.js';
import { parseBasePath } from '../../src/domain/storage-path.js';

interface StorageClassDoc {
  metadata: { name: string };
  parameters: Record<string, string>;
}
const classes = new Map(
  parseAllDocuments(readFileSync(new URL('../fixtures/go-cluster/storageclasses.yaml', import.meta.url), 'utf8'))
    .map((d) => d.toJS() as StorageClassDoc)
    .map((sc) => [sc.metadata.name, sc.parameters] as const),
);
const sc = (name: string) => classes.get(name)!;

// A Go cluster as its Helm chart set it up: SSH to the management address, NVMe on the storage address.
const MANAGEMENT = '10.42.241.3';
const defaults: ParameterDefaults = { basePath: parseBasePath('/storage-pool'), nvmeAddress: MANAGEMENT, nvmePort: 4420 };
const parse = (p: Record<string, string>, d = defaults) => parseVolumeParameters(p, d, MANAGEMENT);
const refusal = (p: Record<string, string>, d = defaults): string => {
  try {
    parse(p, d);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('StorageClasses of the Go driver', () => {
  it('reads the README class with the Go meaning: rdsAddress is the NVMe address, sshPort and nqnPrefix are ignored', () => {
    const p = parse(sc('rds-nvme-tcp'));
    expect(p).toMatchObject({ nvmeAddress: '10.42.68.1', nvmePort: 4420, basePath: '/storage-pool/kubernetes-volumes', fsType: 'ext4' });
    expect(p.ignored.map((i) => i.key)).toEqual(['sshPort', 'nqnPrefix']);
    expect(p.ignored.find((i) => i.key === 'sshPort')!.reason).toMatch(/--rds-port/);
  });

  it('reads the KubeVirt guide class: rdsPort and rdsBasePath ignored with the directory volumes really go to', () => {
    const p = parse(sc('rds-kubevirt'));
    expect(p).toMatchObject({ nvmeAddress: '10.42.68.1', migrationTimeoutSeconds: 300, basePath: '/storage-pool' });
    expect(p.ignored.map((i) => i.key)).toEqual(['rdsPort', 'rdsBasePath']);
    expect(p.ignored[1]!.reason).toMatch(/go to \/storage-pool .*not to "\/storage-pool\/kubernetes-volumes"; set volumePath/);
    const same = parse(sc('rds-kubevirt'), { ...defaults, basePath: parseBasePath('/storage-pool/kubernetes-volumes') });
    expect(same.ignored[1]!.reason).not.toMatch(/not to/);
  });

  it('reads the example class without anything ignored', () => {
    expect(parse(sc('rds-nvme'))).toMatchObject({ nvmeAddress: '10.42.68.1', basePath: '/storage-pool/metal-csi', ignored: [] });
  });

  it('ignores rdsAddress when nvmeAddress is given or when it names the configured addresses', () => {
    expect(parse({ rdsAddress: '10.9.9.9', nvmeAddress: '10.42.68.1' })).toMatchObject({ nvmeAddress: '10.42.68.1', ignored: [{ key: 'rdsAddress' }] });
    expect(parse({ rdsAddress: MANAGEMENT })).toMatchObject({ nvmeAddress: MANAGEMENT, ignored: [{ key: 'rdsAddress' }] });
  });

  it('ignores a nqnPrefix that names another prefix, saying NQNs keep the MikroTik form', () => {
    const p = parse({ nqnPrefix: 'nqn.2024-01.io.example' });
    expect(p.ignored[0]!.reason).toMatch(/nqn\.2000-02\.com\.mikrotik:<volume ID>.*not under "nqn\.2024-01\.io\.example"/);
  });

  it('refuses a volumePath the controller cannot honour, saying which setting wins and how to change it', () => {
    const message = refusal({ volumePath: '/other-pool/x' });
    expect(message).toMatch(/"\/other-pool\/x" is outside the controller's --volume-base-path \/storage-pool, which wins/);
    expect(message).toMatch(/set volumePath to a directory within it, or change --volume-base-path/);
  });

  it.each([
    ['5', 30],
    ['30', 30],
    ['900', 900],
    ['99999', 3600],
    ['0', 300],
    ['-10', 300],
    ['abc', 300],
    ['', 300],
  ])('clamps migrationTimeoutSeconds %j to %d as the Go driver did, never refusing', (value, seconds) => {
    expect(parse({ migrationTimeoutSeconds: value }).migrationTimeoutSeconds).toBe(seconds);
  });

  it('takes NVMe timeouts with the Go bounds only: ≥ -1, ≥ 1, ≥ 0 and no upper cap below a C int', () => {
    expect(parse({ ctrlLossTmo: '100000', reconnectDelay: '7200', keepAliveTmo: '+7200' })).toMatchObject({
      ctrlLossTmo: 100000,
      reconnectDelay: 7200,
      keepAliveTmo: 7200,
    });
    const message = refusal({ ctrlLossTmo: '-2', reconnectDelay: '0', keepAliveTmo: '-1' });
    expect(message).toMatch(/ctrlLossTmo.*"-2"/);
    expect(message).toMatch(/reconnectDelay.*"0"/);
    expect(message).toMatch(/keepAliveTmo.*"-1"/);
  });

  it('reads nvmePort as Go\'s Sscanf did: leading digits count, no digits means the default, no TCP port is refused', () => {
    expect(parse({ nvmePort: '4421x' }).nvmePort).toBe(4421);
    expect(parse({ nvmePort: 'abc' }).nvmePort).toBe(4420);
    expect(refusal({ nvmePort: '70000' })).toMatch(/nvmePort.*"70000"/);
  });

  it('still refuses keys the Go driver never knew', () => {
    expect(refusal({ colour: 'blue', rdsUser: 'admin' })).toMatch(/unknown parameter "colour".*unknown parameter "rdsUser"/);
  });

  it('accepts the Go VolumeSnapshotClass parameters (volumePath only)', () => {
    expect(parseSnapshotParameters({ volumePath: '/storage-pool/metal-csi' }, defaults.basePath)).toBe('/storage-pool/metal-csi');
    expect(parseSnapshotParameters({}, defaults.basePath)).toBe('/storage-pool');
  });
});
