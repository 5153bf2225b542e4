import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/domain/errors.js';
import type { VolumeId } from '../../../src/domain/ids.js';
import type { Nqn } from '../../../src/domain/nqn.js';
import { GiB } from '../../../src/domain/size.js';
import type { BasePath } from '../../../src/domain/storage-path.js';
import {
  addSnapshotCommand,
  addVolumeCommand,
  addVolumeFromCommand,
  printAllDisksCommand,
  printDiskCommand,
  printDisksByNqnCommand,
  printFileCommand,
  printFilesWithPrefixCommand,
  printPoolCommand,
  printSnapshotDisksCommand,
  printVolumeFilesCommand,
  removeDiskCommand,
  removeFileCommand,
  removeVolumeFileCommand,
  resizeDiskCommand,
  systemResourceCommand,
} from '../../../src/adapters/routeros/routeros-commands.js';

const id = 'pvc-1b2c' as VolumeId;
const base = '/storage-pool/metal-csi' as BasePath;
const nqn = 'nqn.2000-02.com.mikrotik:pvc-1b2c' as Nqn;
const spec = { id, basePath: base, sizeBytes: 1.5 * GiB, port: 4420, nqn };

describe('command builders produce exact RouterOS commands', () => {
  it.each([
    [
      addVolumeCommand(spec),
      '/disk add type=file file-path=/storage-pool/metal-csi/pvc-1b2c.img file-size=1536M slot=pvc-1b2c ' +
        'nvme-tcp-export=yes nvme-tcp-server-port=4420 nvme-tcp-server-nqn=nqn.2000-02.com.mikrotik:pvc-1b2c',
    ],
    [
      addVolumeFromCommand({ ...spec, sizeBytes: 2 * GiB }, 'snap-9' as VolumeId),
      '/disk add type=file copy-from=[find slot=snap-9] file-path=/storage-pool/metal-csi/pvc-1b2c.img ' +
        'file-size=2G slot=pvc-1b2c nvme-tcp-export=yes nvme-tcp-server-port=4420 ' +
        'nvme-tcp-server-nqn=nqn.2000-02.com.mikrotik:pvc-1b2c',
    ],
    [
      addSnapshotCommand({ id: 'snap-9' as VolumeId, sourceVolumeId: id, basePath: base, createdAt: 1739800000123 }),
      '/disk add type=file copy-from=[find slot=pvc-1b2c] ' +
        'file-path=/storage-pool/metal-csi/snap-9--src--pvc-1b2c--t1739800000123.img slot=snap-9',
    ],
    [printDiskCommand(id), '/disk print detail where slot=pvc-1b2c'],
    // Values outside the shapes the Go driver sent bare are quoted.
    [printDiskCommand('pvc_1b2c' as VolumeId), '/disk print detail where slot="pvc_1b2c"'],
    [removeDiskCommand('1234' as VolumeId), '/disk remove [find slot="1234"]'],
    [printDisksByNqnCommand(nqn), '/disk print detail where nvme-tcp-server-nqn="nqn.2000-02.com.mikrotik:pvc-1b2c"'],
    [printAllDisksCommand(), '/disk print detail'],
    [printSnapshotDisksCommand(), '/disk print detail where slot~"snap-"'],
    [resizeDiskCommand(id, GiB + 1), '/disk set [find slot=pvc-1b2c] file-size=1025M'],
    [removeDiskCommand(id), '/disk remove [find slot=pvc-1b2c]'],
    [
      removeVolumeFileCommand('/pool/a.b' as BasePath, 'pvc.1' as VolumeId),
      '/file remove [find name~"^pool/a[.]b/pvc[.]1[.]img\\$|^pool/a[.]b/.+/pvc[.]1[.]img\\$"]',
    ],
    [
      printVolumeFilesCommand(base, id),
      '/file print detail where name~"^storage-pool/metal-csi/pvc-1b2c[.]img\\$|^storage-pool/metal-csi/.+/pvc-1b2c[.]img\\$"',
    ],
    [
      removeFileCommand('/storage-pool/metal-csi/pvc-1b2c.img'),
      '/file remove [find name="storage-pool/metal-csi/pvc-1b2c.img"]',
    ],
    [
      printFileCommand('/storage-pool/metal-csi/pvc.1.img'),
      '/file print detail where name="storage-pool/metal-csi/pvc.1.img"',
    ],
    [
      printFilesWithPrefixCommand('/pool/a.b' as BasePath, 'snap.1' as VolumeId),
      '/file print detail where name~"pool/a\\\\.b/snap\\\\.1"',
    ],
    [printPoolCommand(base), '/disk print detail where mount-point="storage-pool"'],
    [systemResourceCommand(), '/system resource print'],
  ])('%s', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('command builders validate every value before quoting', () => {
  const hostile = [
    'pvc-x; /system reset',
    'pvc-x"',
    'pvc-[find]',
    'pvc-]',
    'pvc-$x',
    'pvc-x\n/system reset',
    'pvc-`reboot`',
    'p'.repeat(200),
    'pvc-ä',
    '',
    '-rf',
  ];

  it.each(hostile)('volume ID %j → InvalidArgumentError naming the value', (bad) => {
    const badId = bad as VolumeId;
    const builders = [
      () => addVolumeCommand({ ...spec, id: badId }),
      () => addVolumeFromCommand(spec, badId),
      () => addSnapshotCommand({ id: badId, sourceVolumeId: id, basePath: base, createdAt: 1 }),
      () => addSnapshotCommand({ id, sourceVolumeId: badId, basePath: base, createdAt: 1 }),
      () => printDiskCommand(badId),
      () => resizeDiskCommand(badId, GiB),
      () => removeDiskCommand(badId),
      () => removeVolumeFileCommand(base, badId),
      () => printVolumeFilesCommand(base, badId),
      () => printFilesWithPrefixCommand(base, badId),
    ];
    for (const build of builders) {
      expect(build).toThrow(InvalidArgumentError);
      if (bad !== '') expect(build).toThrow(JSON.stringify(bad.slice(0, 80)).slice(0, 20));
    }
  });

  it.each(['/storage-pool/x; /system reset', 'relative/path', '/pool/../etc', '/pool/a b', '/pool/"x"', '/pööl'])(
    'base path %j → InvalidArgumentError',
    (bad) => {
      expect(() => addVolumeCommand({ ...spec, basePath: bad as BasePath })).toThrow(InvalidArgumentError);
      expect(() => printPoolCommand(bad as BasePath)).toThrow(InvalidArgumentError);
      expect(() => removeFileCommand(`${bad}/x.img`)).toThrow(InvalidArgumentError);
      expect(() => removeVolumeFileCommand(bad as BasePath, id)).toThrow(InvalidArgumentError);
    },
  );

  it('refuses a hostile NQN, port or size', () => {
    expect(() => addVolumeCommand({ ...spec, nqn: 'nqn.2000-02.com.mikrotik:x" slot="y' as Nqn })).toThrow(
      InvalidArgumentError,
    );
    expect(() => printDisksByNqnCommand('nqn.2000-02.com.mikrotik:x" slot="y' as Nqn)).toThrow(InvalidArgumentError);
    expect(() => addVolumeCommand({ ...spec, port: 70000 })).toThrow(InvalidArgumentError);
    expect(() => addVolumeCommand({ ...spec, sizeBytes: 0 })).toThrow(InvalidArgumentError);
    expect(() => resizeDiskCommand(id, -5)).toThrow(/size/);
  });
});
