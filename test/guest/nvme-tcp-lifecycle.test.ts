import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestVm } from '../support/guest-vm.js';
import { bootGuest, scenario, type Step } from './guest-session.js';

/**
 * The real driver on a real NVMe/TCP stack: in a QEMU guest with Debian's kernel, the simulator
 * exports each volume through the kernel target (nvmet) and the node service connects it with
 * nvme-cli, formats, mounts, grows, and tears it down. Data is written once and read back through a
 * restore from snapshot and a clone.
 */
const GiB = 1024 ** 3;
let vm: GuestVm;

beforeAll(async () => {
  vm = await bootGuest();
}, 180_000);

afterAll(async () => {
  await vm?.stop();
});

describe.each(['ext4', 'xfs', 'block'] as const)('volume lifecycle over NVMe/TCP: %s', (kind) => {
  let steps: Map<string, Step>;
  const step = (name: string) => {
    const found = steps.get(name);
    if (!found) throw new Error(`no step ${name} in ${[...steps.keys()].join(', ')}`);
    return found;
  };

  beforeAll(async () => {
    steps = await scenario(vm, `lifecycle ${kind}`);
  }, 480_000);

  it('connects the volume\'s own NQN and stages it from an NVMe namespace', () => {
    expect(step('staged')['nqns']).toEqual([`nqn.2000-02.com.mikrotik:pvc-nvmetcp-${kind}`]);
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
