import { describe, expect, it } from 'vitest';
import { evaluateBasePath } from '../../src/app/doctor/base-path-check.js';
import { fail, pass, skip, warn } from '../../src/app/doctor/doctor-check.js';
import { exitStatusOf, formatReport } from '../../src/app/doctor/doctor-report.js';
import { evaluateFreeSpace, formatBytes } from '../../src/app/doctor/free-space-check.js';
import { evaluateTools } from '../../src/app/doctor/fs-tools-check.js';
import { evaluateHostKey, presentedFingerprintIn } from '../../src/app/doctor/host-key-check.js';
import { evaluateHostNqn, placeholderReason } from '../../src/app/doctor/host-nqn-check.js';
import { evaluatePropagation, mountContaining, parsePropagation } from '../../src/app/doctor/mount-propagation-check.js';
import { evaluateRouterOsVersion, parseRouterOsVersion } from '../../src/app/doctor/routeros-version-check.js';
import { GiB } from '../../src/domain/size.js';

const FP_A = `SHA256:${'a'.repeat(43)}`;
const FP_B = `SHA256:${'b'.repeat(43)}`;

describe('doctor report', () => {
  it('aligns names, adds hints under WARN and FAIL only, and summarises', () => {
    const text = formatReport([pass('short', 'ok'), warn('a longer name', 'hmm', 'do this'), fail('x', 'broken', 'fix that'), skip('y', 'not run')]);
    expect(text).toBe(
      'PASS  short          ok\n' +
        'WARN  a longer name  hmm\n' +
        '      hint: do this\n' +
        'FAIL  x              broken\n' +
        '      hint: fix that\n' +
        'SKIP  y              not run\n' +
        '1 failed, 1 warnings, 1 passed, 1 skipped\n',
    );
  });

  it('exits 1 on any FAIL, 0 with only warnings and skips', () => {
    expect(exitStatusOf([pass('a', ''), warn('b', '', ''), skip('c', '')])).toBe(0);
    expect(exitStatusOf([pass('a', ''), fail('b', '', '')])).toBe(1);
  });
});

describe('RouterOS version', () => {
  it.each([
    ['7.16', { major: 7, minor: 16, patch: 0 }],
    ['7.16.2', { major: 7, minor: 16, patch: 2 }],
    ['7.17beta2', { major: 7, minor: 17, patch: 0 }],
    ['6.49.7 (long-term)', { major: 6, minor: 49, patch: 7 }],
    ['seven', undefined],
    ['7', undefined],
    ['7.16.2.1', undefined],
  ])('parses %j', (text, expected) => {
    expect(parseRouterOsVersion(text)).toEqual(expected);
  });

  it('passes 7.x, warns below 7 and on what it cannot read', () => {
    expect(evaluateRouterOsVersion('7.16').status).toBe('PASS');
    expect(evaluateRouterOsVersion('8.0').status).toBe('PASS');
    expect(evaluateRouterOsVersion('6.49.7')).toMatchObject({ status: 'WARN', detail: 'RouterOS 6.49.7 is older than 7.x' });
    expect(evaluateRouterOsVersion('garbage')).toMatchObject({ status: 'WARN', detail: 'cannot read the version "garbage"' });
    expect(evaluateRouterOsVersion(undefined)).toMatchObject({ status: 'WARN', detail: 'RouterOS did not report a version' });
  });
});

describe('free space', () => {
  it('passes at 10% free and above, warns below, fails at zero', () => {
    expect(evaluateFreeSpace('p', 100 * GiB, 10 * GiB)).toMatchObject({ status: 'PASS', detail: 'pool "p": 10.0GiB free of 100.0GiB (10.0%)' });
    expect(evaluateFreeSpace('p', 100 * GiB, 10 * GiB - 1).status).toBe('WARN');
    expect(evaluateFreeSpace('p', 100 * GiB, 0).status).toBe('FAIL');
    expect(evaluateFreeSpace('p', 0, 0).status).toBe('FAIL');
  });

  it('formats bytes in binary units', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(7 * 1024 ** 4)]).toEqual(['0B', '1023B', '1.5KiB', '7.0TiB']);
  });
});

describe('host key', () => {
  it('passes a matching pin, fails a mismatch naming both, fails a missing pin, warns when insecure', () => {
    expect(evaluateHostKey({ expected: FP_A, insecure: false, presented: FP_A })).toMatchObject({ status: 'PASS', detail: FP_A });
    expect(evaluateHostKey({ expected: FP_A, insecure: false, presented: FP_B })).toMatchObject({ status: 'FAIL', detail: `mismatch: expected ${FP_A}, the RDS presents ${FP_B}` });
    expect(evaluateHostKey({ insecure: false, presented: FP_B })).toMatchObject({ status: 'FAIL', hint: expect.stringContaining(`--rds-host-key ${FP_B}`) });
    expect(evaluateHostKey({ insecure: true, presented: FP_B }).status).toBe('WARN');
  });

  it('reads the presented fingerprint from a mismatch message only', () => {
    expect(presentedFingerprintIn(`host key mismatch for RouterOS at h:22: expected ${FP_A}, presented ${FP_B}; refusing`)).toBe(FP_B);
    expect(presentedFingerprintIn(`RouterOS at h:22 refused the TCP connection, presented ${FP_B}`)).toBeUndefined();
  });
});

describe('host NQN', () => {
  it.each([
    'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000000',
    'nqn.2014-08.org.nvmexpress:uuid:ffffffff-ffff-ffff-ffff-ffffffffffff',
    'nqn.2014-08.org.nvmexpress:uuid:03000200-0400-0500-0006-000700080009',
    'nqn.2014-08.org.example:host-000',
    'nqn.2014-08.org.example:default',
  ])('flags the placeholder %s', (nqn) => {
    expect(placeholderReason(nqn)).toBeDefined();
    expect(evaluateHostNqn('/etc/nvme/hostnqn', `${nqn}\n`).status).toBe('WARN');
  });

  it('passes a unique-looking NQN and warns on a missing, empty or malformed one', () => {
    const good = 'nqn.2014-08.org.nvmexpress:uuid:db69361b-0cc7-48b0-b850-39ca1fc3b791';
    expect(evaluateHostNqn('/etc/nvme/hostnqn', `${good}\n`)).toMatchObject({ status: 'PASS', detail: good });
    expect(evaluateHostNqn('/etc/nvme/hostnqn', 'nqn.2014-08.org.example:node-7').status).toBe('PASS');
    expect(evaluateHostNqn('/etc/nvme/hostnqn', undefined).status).toBe('WARN');
    expect(evaluateHostNqn('/etc/nvme/hostnqn', ' \n').status).toBe('WARN');
    expect(evaluateHostNqn('/etc/nvme/hostnqn', 'not an nqn')).toMatchObject({ status: 'WARN', detail: expect.stringMatching(/is not an NQN/) });
  });
});

describe('kubelet mount propagation', () => {
  const mountinfo = [
    '22 1 0:21 / / rw,relatime shared:1 - overlay overlay rw',
    '30 22 259:2 / /var/lib rw,relatime master:2 - ext4 /dev/sda2 rw',
    '31 30 259:2 /kubelet /var/lib/kubelet rw,relatime - ext4 /dev/sda2 rw',
    '32 31 259:2 /kubelet /var/lib/kubelet rw,relatime shared:5 master:2 - ext4 /dev/sda2 rw',
    '40 22 0:50 / /mnt/with\\040space rw shared:9 - tmpfs tmpfs rw',
    'garbage line',
  ].join('\n');

  it('parses optional fields and unescapes mount points', () => {
    const entries = parsePropagation(mountinfo);
    expect(entries).toHaveLength(5);
    expect(entries[3]).toEqual({ mountPoint: '/var/lib/kubelet', optionalFields: ['shared:5', 'master:2'] });
    expect(entries[4]?.mountPoint).toBe('/mnt/with space');
  });

  it('takes the top mount on a point, else the nearest parent mount', () => {
    const entries = parsePropagation(mountinfo);
    expect(mountContaining(entries, '/var/lib/kubelet')?.optionalFields).toEqual(['shared:5', 'master:2']);
    expect(mountContaining(entries, '/var/lib/kubelet/pods/x')?.optionalFields).toEqual(['shared:5', 'master:2']);
    expect(mountContaining(entries, '/var/lib/kubeletx')?.mountPoint).toBe('/var/lib');
    expect(mountContaining(entries, '/etc')?.mountPoint).toBe('/');
  });

  it('passes shared, fails slave and private mounts with the Bidirectional hint', () => {
    expect(evaluatePropagation('/var/lib/kubelet', mountinfo)).toMatchObject({ status: 'PASS', detail: '/var/lib/kubelet is shared (shared:5)' });
    const slave = evaluatePropagation('/var/lib/other', mountinfo);
    expect(slave).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/^\/var\/lib\/other \(on the mount at \/var\/lib\) is a slave mount/) });
    expect(slave.hint).toContain('mountPropagation: Bidirectional');
    expect(evaluatePropagation('/x', '31 1 259:2 / / rw - ext4 /dev/sda2 rw')).toMatchObject({ status: 'FAIL', detail: '/x (on the mount at /) is private: mounts made here never reach kubelet' });
    expect(evaluatePropagation('/x', '').status).toBe('FAIL');
  });
});

describe('base path and tools', () => {
  it('passes a directory, fails a missing path or a file', () => {
    expect(evaluateBasePath('/storage-pool/csi', [{ name: '/storage-pool/csi', type: 'directory' }]).status).toBe('PASS');
    expect(evaluateBasePath('/storage-pool/csi', [])).toMatchObject({ status: 'FAIL', hint: expect.stringContaining('/file add type=directory name=storage-pool/csi') });
    expect(evaluateBasePath('/storage-pool/csi', [{ name: '/storage-pool/csi', type: '.img file' }]).status).toBe('FAIL');
  });

  it('fails on tools that could not be started (exit 127), naming their packages', () => {
    expect(evaluateTools(new Map([['mkfs.ext4', 0], ['resize2fs', 1]])).status).toBe('PASS');
    expect(evaluateTools(new Map([['blkid', 127], ['e2fsck', 127]]))).toMatchObject({ status: 'FAIL', detail: 'missing: e2fsck, blkid', hint: expect.stringContaining('e2fsprogs, util-linux') });
  });
});
