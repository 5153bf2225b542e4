import { stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GiB, type SimEnv, startEnv } from './sim-test-env.js';

const BASE = '/storage-pool/metal-csi';
let env: SimEnv;
beforeEach(async () => {
  env = await startEnv({ poolSizeBytes: 10 * GiB });
  for (const slot of ['pvc-1', 'pvc-2']) {
    const r = await env.sim.execute(`/disk add type=file file-path=${BASE}/${slot}.img file-size=1G slot=${slot}`);
    expect(r.exitCode).toBe(0);
  }
});
afterEach(async () => env.cleanup());

const exists = (path: string) => stat(path).then(() => true, () => false);

describe('/file print detail', () => {
  it('lists the directory and files without leading slashes, in the fixture layout', async () => {
    const r = await env.sim.execute('/file print detail where name~"storage-pool/metal-csi"');
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toMatch(/^Flags: /);
    expect(lines.slice(1)).toEqual([
      ' 0   name=storage-pool/metal-csi type=directory',
      expect.stringMatching(/^ {5}last-modified=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      '',
      ' 1   name=storage-pool/metal-csi/pvc-1.img type=.img file size=1024.0MiB',
      expect.stringMatching(/^ {5}last-modified=/),
      '',
      ' 2   name=storage-pool/metal-csi/pvc-2.img type=.img file size=1024.0MiB',
      expect.stringMatching(/^ {5}last-modified=/),
      '',
      '',
    ]);
  });

  it('matches exact names and prints only the header when nothing matches', async () => {
    const one = await env.sim.execute('/file print detail where name="storage-pool/metal-csi/pvc-2.img"');
    expect(one.stdout.match(/name=/g)).toHaveLength(1);
    const none = await env.sim.execute('/file print detail where name="storage-pool/none.img"');
    expect(none.stdout).toMatch(/^Flags: [^\r\n]*\r\n$/);
  });
});

describe('/file remove', () => {
  it('deletes an orphaned backing file (with or without a leading slash in the name)', async () => {
    await env.sim.execute('/disk remove [find slot=pvc-1]; /disk remove [find slot=pvc-2]');
    const p1 = env.sim.backingFilePath(`${BASE}/pvc-1.img`);
    const p2 = env.sim.backingFilePath(`${BASE}/pvc-2.img`);
    expect(await exists(p1)).toBe(true);
    expect((await env.sim.execute('/file remove [find name="storage-pool/metal-csi/pvc-1.img"]')).exitCode).toBe(0);
    expect((await env.sim.execute('/file remove [find name="/storage-pool/metal-csi/pvc-2.img"]')).exitCode).toBe(0);
    expect(await exists(p1)).toBe(false);
    expect(await exists(p2)).toBe(false);
    const listed = await env.sim.execute('/file print detail where name~"pvc-"');
    expect(listed.stdout).not.toContain('name=');
  });

  it('refuses to delete a file that still backs a disk, and the pool root', async () => {
    const r = await env.sim.execute('/file remove [find name="storage-pool/metal-csi/pvc-1.img"]');
    expect(r.stdout).toBe('failure: file is in use\r\n');
    expect(await exists(env.sim.backingFilePath(`${BASE}/pvc-1.img`))).toBe(true);
    expect((await env.sim.execute('/file remove [find name="storage-pool"]')).exitCode).toBe(1);
  });

  it('treats a regex-escaped name as a syntax error, as observed on hardware', async () => {
    const r = await env.sim.execute('/file remove [find name="storage-pool/metal-csi/pvc-1\\.img"]');
    expect(r.stdout).toMatch(/^syntax error \(line 1 column \d+\)\r\n$/);
  });
});

describe('/file add type=directory', () => {
  it('creates a directory with its parents, which print lists and an existing name refuses', async () => {
    expect((await env.sim.execute('/file add type=directory name=storage-pool/team-a/csi')).exitCode).toBe(0);
    const listed = await env.sim.execute('/file print detail where name~"^storage-pool/team-a"');
    expect(listed.stdout).toMatch(/name=storage-pool\/team-a\s+type=directory/);
    expect(listed.stdout).toMatch(/name=storage-pool\/team-a\/csi\s+type=directory/);
    expect(await exists(env.sim.backingFilePath('/storage-pool/team-a/csi'))).toBe(true);
    expect((await env.sim.execute('/file add type=directory name=storage-pool/team-a/csi')).stdout).toBe('failure: file already exists\r\n');
  });

  it('refuses other types, paths outside the pool and missing arguments', async () => {
    expect((await env.sim.execute('/file add type=file name=storage-pool/x')).exitCode).toBe(1);
    expect((await env.sim.execute('/file add type=directory name=elsewhere/x')).exitCode).toBe(1);
    expect((await env.sim.execute('/file add type=directory')).stdout).toBe('failure: missing required parameters\r\n');
  });
});

describe('the forms DeleteVolume and CreateVolume send', () => {
  const pattern = (id: string) => `"^storage-pool/metal-csi/${id}[.]img\\$|^storage-pool/metal-csi/.+/${id}[.]img\\$"`;
  const names = async () => Object.keys((await env.sim.state()).files).filter((n) => n.endsWith('.img')).sort();

  it('removes by an anchored name regex exactly the file <id>.img below the base path, nested included', async () => {
    for (const slot of ['pvc-1', 'pvc-2']) expect((await env.sim.execute(`/disk remove [find slot=${slot}]`)).exitCode).toBe(0);
    for (const [path, slot] of [[`${BASE}/sub/pvc-3.img`, 'pvc-3'], [`${BASE}/xpvc-3.img`, 'x3'], [`${BASE}/pvc-3.img.img`, 'y3']]) {
      expect((await env.sim.execute(`/disk add type=file file-path=${path} file-size=1M slot=${slot}`)).exitCode).toBe(0);
    }
    await env.sim.execute('/disk remove [find slot=x3]; /disk remove [find slot=y3]; /disk remove [find slot=pvc-3]');
    expect((await env.sim.execute(`/file remove [find name~${pattern('pvc-1')}]`)).exitCode).toBe(0);
    expect((await env.sim.execute(`/file remove [find name~${pattern('pvc-3')}]`)).exitCode).toBe(0);
    expect(await names()).toEqual(['storage-pool/metal-csi/pvc-2.img', 'storage-pool/metal-csi/pvc-3.img.img', 'storage-pool/metal-csi/xpvc-3.img']);
    expect((await env.sim.execute(`/file remove [find name~${pattern('pvc-never')}]`)).exitCode).toBe(0);
  });

  it('refuses the file of a disk that still exists, and a regex escape RouterOS rejects in a quoted string', async () => {
    expect((await env.sim.execute(`/file remove [find name~${pattern('pvc-1')}]`)).stdout).toMatch(/^failure: file is in use/);
    expect((await env.sim.execute('/file remove [find name~"pvc-1\\.img"]')).stdout).toMatch(/syntax error/);
    expect(await names()).toEqual(['storage-pool/metal-csi/pvc-1.img', 'storage-pool/metal-csi/pvc-2.img']);
  });

  it('selects disks by their NQN in a where clause', async () => {
    await env.sim.execute(`/disk add type=file file-path=${BASE}/pvc-e.img file-size=1M slot=pvc-e nvme-tcp-export=yes nvme-tcp-server-nqn=nqn.2000-02.com.mikrotik:pvc-e`);
    const hit = await env.sim.execute('/disk print detail where nvme-tcp-server-nqn="nqn.2000-02.com.mikrotik:pvc-e"');
    expect(hit.stdout.match(/slot="[^"]+"/g)).toEqual(['slot="pvc-e"']);
    const miss = await env.sim.execute('/disk print detail where nvme-tcp-server-nqn="nqn.2000-02.com.mikrotik:pvc-1"');
    expect(miss.stdout).toMatch(/^Flags: [^\r\n]*\r\n$/);
  });
});
