import { describe, expect, it } from 'vitest';
import { e2fsckVerdict, probeResultFromBlkid, toolDetail } from '../../../src/adapters/mount/fs-tool-output.js';
import { assertDevicePath, assertHostPath } from '../../../src/adapters/mount/host-paths.js';
import { bindOptions, mountOptionsFor } from '../../../src/adapters/mount/mount-options.js';
import { InvalidArgumentError } from '../../../src/domain/errors.js';

describe('mount option whitelist', () => {
  it('accepts restricting and tuning options, de-duplicated, without adding any', () => {
    expect(mountOptionsFor('ext4', ['noatime', 'discard', 'noatime', 'data=ordered', 'commit=30'])).toEqual([
      'noatime',
      'discard',
      'data=ordered',
      'commit=30',
    ]);
    expect(mountOptionsFor('xfs', ['inode64', 'nouuid', 'ro', 'nosuid', 'nodev', 'noexec'])).toEqual([
      'inode64',
      'nouuid',
      'ro',
      'nosuid',
      'nodev',
      'noexec',
    ]);
    expect(mountOptionsFor('ext4', [])).toEqual([]);
    expect(mountOptionsFor('ext4', ['defaults'])).toEqual([]);
  });

  it('mounts XFS with nouuid always: a restore or clone shares its source\'s UUID on the same node', () => {
    expect(mountOptionsFor('xfs', [])).toEqual(['nouuid']);
    expect(mountOptionsFor('xfs', ['noatime'])).toEqual(['noatime', 'nouuid']);
  });

  it.each(['suid', 'dev', 'exec', 'bind', 'remount', 'loop', 'uid=0', 'context=system_u', 'ro,suid', 'noatime ', ''])(
    'refuses %j, naming it',
    (option) => {
      expect(() => mountOptionsFor('ext4', [option])).toThrow(InvalidArgumentError);
      expect(() => mountOptionsFor('ext4', [option])).toThrow(JSON.stringify(option));
    },
  );

  it('keeps file-system specific options to their file system', () => {
    expect(() => mountOptionsFor('xfs', ['data=ordered'])).toThrow(InvalidArgumentError);
    expect(() => mountOptionsFor('ext4', ['inode64'])).toThrow(InvalidArgumentError);
    expect(() => mountOptionsFor('xfs', ['commit=5'])).toThrow(InvalidArgumentError);
    expect(() => mountOptionsFor('ext4', ['commit=0'])).toThrow(InvalidArgumentError);
  });

  it('refuses contradicting pairs', () => {
    expect(() => mountOptionsFor('ext4', ['ro', 'rw'])).toThrow(/contradict/);
    expect(() => mountOptionsFor('xfs', ['discard', 'nodiscard'])).toThrow(/contradict/);
  });

  it('admits only per-mount flags on a bind mount', () => {
    expect(bindOptions(['nosuid', 'nodev', 'noexec', 'noatime'])).toEqual(['nosuid', 'nodev', 'noexec', 'noatime']);
    for (const bad of ['suid', 'dev', 'bind', 'uid=0']) expect(() => bindOptions([bad])).toThrow(InvalidArgumentError);
  });

  it('drops the file system\'s own options on a bind mount: kubelet passes StorageClass mountOptions to NodePublish too', () => {
    expect(bindOptions(['noatime', 'discard', 'data=ordered', 'commit=30', 'inode64', 'ro', 'nodev'])).toEqual(['noatime', 'nodev']);
  });
});

describe('host path validation', () => {
  it('accepts absolute normalised paths, including spaces', () => {
    for (const p of ['/', '/var/lib/kubelet/pods/a b/mount', '/tmp/x']) expect(assertHostPath(p, 'p')).toBe(p);
  });

  it.each(['relative/path', '', '/a/../b', '/a/./b', '/a//b', '/a/', '/a\nb', '/a\0b', `/${'x'.repeat(4100)}`])('refuses %j', (p) => {
    expect(() => assertHostPath(p, 'p')).toThrow(InvalidArgumentError);
  });

  it('accepts device paths under /dev only', () => {
    for (const d of ['/dev/nvme1n1', '/dev/loop12', '/dev/disk/by-id/nvme-eui.0025:38b5']) expect(assertDevicePath(d)).toBe(d);
    for (const d of ['/dev/../etc/passwd', '/tmp/x', 'dev/sda', '/dev/', '/dev/a b', '-o', '/dev/./sda']) {
      expect(() => assertDevicePath(d)).toThrow(InvalidArgumentError);
    }
  });
});

describe('blkid export output', () => {
  it('reads a file system type', () => {
    const out = 'DEVNAME=/dev/loop0\nUUID=256d\nVERSION=1.0\nBLOCK_SIZE=1024\nTYPE=ext4\nUSAGE=filesystem\n';
    expect(probeResultFromBlkid(out)).toEqual({ kind: 'filesystem', fsType: 'ext4' });
  });

  it('reports non-filesystem signatures as other, so they are neither formatted nor mounted', () => {
    expect(probeResultFromBlkid('DEVNAME=/dev/x\nPTUUID=1\nPTTYPE=gpt\n')).toEqual({ kind: 'other', signature: 'partition table gpt' });
    expect(probeResultFromBlkid('TYPE=LVM2_member\nUSAGE=raid\n')).toEqual({ kind: 'other', signature: 'LVM2_member (raid)' });
    expect(probeResultFromBlkid('TYPE=crypto_LUKS\nUSAGE=crypto\n').kind).toBe('other');
    expect(probeResultFromBlkid('DEVNAME=/dev/x\n')).toEqual({ kind: 'other', signature: 'unrecognised signature' });
  });
});

describe('e2fsck exit codes', () => {
  it('treats 0 as clean, 1 and 3 as repaired, 2 as repaired with reboot advice, 4 and above as failure', () => {
    expect(e2fsckVerdict(0)).toEqual({ ok: true, outcome: 'clean', rebootAdvised: false });
    expect(e2fsckVerdict(1)).toEqual({ ok: true, outcome: 'repaired', rebootAdvised: false });
    expect(e2fsckVerdict(2)).toEqual({ ok: true, outcome: 'repaired', rebootAdvised: true });
    expect(e2fsckVerdict(3)).toEqual({ ok: true, outcome: 'repaired', rebootAdvised: true });
    for (const code of [4, 8, 12, 16, 32, 128]) expect(e2fsckVerdict(code)).toEqual({ ok: false });
  });

  it('bounds tool output quoted in errors', () => {
    expect(toolDetail('', 'only stdout\n')).toBe('only stdout');
    expect(toolDetail('1\n2\n3\n4\n5\n6\n7')).toBe('3 | 4 | 5 | 6 | 7');
    expect(toolDetail('x'.repeat(2000)).length).toBe(501);
  });
});
