import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestVm } from '../support/guest-vm.js';
import { bootGuest, scenario, type Step, type Steps } from './guest-session.js';

/**
 * The real driver on a real NVMe/TCP stack: in a QEMU guest with Debian's kernel, the simulator
 * exports each volume through the kernel target (nvmet) and the node service connects it with
 * nvme-cli, formats, mounts, grows, and tears it down. Data is written once and read back through a
 * restore from snapshot and a clone. Then faults on a staged volume: the RDS's port away briefly and
 * for good, the node plugin killed, the RDS restarted, a disconnect that fails or lies. One guest
 * for the file: booting one costs 10-30 s.
 */
const GiB = 1024 ** 3;
/** The NQN the driver gives a volume: the managed prefix and the volume ID in lower case. */
const nqnOf = (s: Step) => `nqn.2000-02.com.mikrotik:${String(s['id']).toLowerCase()}`;
let vm: GuestVm;

beforeAll(async () => {
  vm = await bootGuest();
}, 180_000);

afterAll(async () => {
  await vm?.stop();
});

describe.each(['ext4', 'xfs', 'block'] as const)('volume lifecycle over NVMe/TCP: %s', (kind) => {
  let steps: Steps;
  const step = (name: string) => steps.get(name);

  beforeAll(async () => {
    steps = await scenario(vm, `lifecycle ${kind}`);
  }, 480_000);

  it('connects the volume\'s own NQN and stages it from an NVMe namespace', () => {
    expect(step('staged')['nqns']).toEqual([nqnOf(step('create'))]);
    expect(step('staged')['device']).toMatch(/^nvme\d+n1$/);
  });

  it('reads back what it wrote', () => {
    expect(step('written')['readBack']).toBe(step('written')['sha256']);
  });

  it('reports usage and a healthy condition', () => {
    const usage = step('stats')['usage'] as Array<{ unit: number; total: string; used: string }>;
    expect(step('stats')['abnormal']).toBe(false);
    const bytes = usage.find((u) => u.unit === 1)!;
    if (kind === 'block') expect(Number(bytes.total)).toBe(GiB);
    else expect(Number(bytes.total)).toBeGreaterThan(0.9 * GiB);
  });

  it('grows online to 2 GiB with the data intact', () => {
    const grown = step('expanded');
    expect(Number(grown['controller'])).toBe(2 * GiB);
    expect(grown['readBack']).toBe(step('written')['sha256']);
    if (kind === 'block') expect(Number(grown['sizeSeen'])).toBe(2 * GiB);
    else expect(Number(grown['sizeSeen'])).toBeGreaterThan(1.8 * GiB);
  });

  it('restores the snapshot and clones the volume with the same data', () => {
    expect(step('snapshot')['ready']).toBe(true);
    expect(step('from-snapshot')['readBack']).toBe(step('written')['sha256']);
    expect(step('from-volume')['readBack']).toBe(step('written')['sha256']);
  });

  it('leaves no controller, mount, disk or file behind', () => {
    expect(step('torn-down')).toMatchObject({ nqns: [], mounts: [], disks: 0, files: [], backingFiles: [] });
  });
});

describe('NVMe/TCP faults on a staged ext4 volume (gRPC codes: 0 OK)', () => {
  let steps: Steps;
  const step = (name: string) => steps.get(name);

  beforeAll(async () => {
    steps = await scenario(vm, 'faults', 900);
  }, 1_000_000);

  it('a port outage within ctrl-loss-tmo: I/O waits, then completes; the mount and the data survive', () => {
    const s = step('port-blip');
    expect(s['stalledWhileDown']).toBe(true);
    expect(s['ddExit']).toBe(0);
    expect(s['writtenBytes']).toBe(8 * 1024 * 1024);
    expect(s['readBack']).toBe(s['sha256']);
    expect(s['nqns']).toEqual([nqnOf(s)]);
  });

  it('an outage past ctrl-loss-tmo: the condition turns abnormal, unstage still ends, a new stage reconnects', () => {
    const s = step('port-lost');
    expect(s['lostAfterMs']).toBeLessThan(90_000);
    expect(s['abnormal']).toBe(true);
    expect(s).toMatchObject({ unpublish: 0, unstage: 0 });
    expect(s['unstageMs']).toBeLessThan(120_000);
    expect(s['restagedNqns']).toEqual([nqnOf(s)]);
    expect(s['readBack']).toBe(s['sha256']);
  });

  it('the node plugin killed with SIGKILL and restarted: repeats are idempotent and nothing is reformatted', () => {
    const s = step('plugin-killed');
    expect(s).toMatchObject({ stage: 0, publish: 0, stageAgain: 0, unpublish: 0, unpublishAgain: 0, unstage: 0, unstageAgain: 0 });
    expect(s['readBack']).toBe(s['sha256']);
    expect(s['formatted']).toBeLessThanOrEqual(1);
    expect(s['nqns']).toEqual([]);
  });

  it('the RDS restarts: the staged volume works again with no operator action, and doctor says so', () => {
    const s = step('rds-restart');
    expect(s['doctorWhileDown']).toMatch(/^FAIL\s+staged volumes connected\s/);
    expect(s['doctorWhileDown']).toContain(nqnOf(s));
    expect(s['doctorAfter']).toMatch(/^PASS\s+staged volumes connected\s+1 staged volume/);
    expect(s['readBack']).toBe(s['sha256']);
    expect(s['nqns']).toEqual([nqnOf(s)]);
  });

  it('unstage is verified: a failed or lying disconnect is an error naming the NQN; OK means the controller is gone', () => {
    const s = step('unstage-verified');
    const nqn = String(s['nqn']);
    for (const outcome of [s['lie'], s['fail']] as Array<{ code: number; message: string }>) {
      expect(outcome.code).not.toBe(0);
      expect(outcome.message).toContain(nqn);
    }
    expect(s['nqnsRightAfter']).not.toContain(nqn);
  });
});
