import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GiB, type SimEnv, startEnv } from './sim-test-env.js';

const MiB = 1024 ** 2;
const BASE = '/storage-pool/metal-csi';
const add = (slot: string, size = '1G', extra = '') =>
  `/disk add type=file file-path=${BASE}/${slot}.img file-size=${size} slot=${slot} nvme-tcp-export=yes nvme-tcp-server-port=4420 nvme-tcp-server-nqn=nqn.2000-02.com.mikrotik:${slot}${extra}`;

let env: SimEnv;
beforeEach(async () => {
  env = await startEnv({ poolSizeBytes: 10 * GiB });
});
afterEach(async () => env.cleanup());

async function ok(command: string): Promise<string> {
  const r = await env.sim.execute(command);
  expect(r, command).toMatchObject({ exitCode: 0, stderr: '' });
  return r.stdout;
}

async function poolFree(): Promise<number> {
  const out = await ok('/disk print detail where mount-point="storage-pool"');
  return Number(/free=([\d ]+)/.exec(out)![1]!.replace(/ /g, ''));
}

describe('/disk add', () => {
  it('creates a sparse backing file of exactly the declared size, creating missing directories', async () => {
    await ok(add('pvc-1', '2G'));
    const info = await stat(env.sim.backingFilePath(`${BASE}/pvc-1.img`));
    expect(info.size).toBe(2 * GiB);
    expect(info.blocks * 512).toBeLessThan(MiB);
    expect(await env.sim.diskSlots()).toEqual(['pvc-1']);
  });

  it('accepts quoted values and sizes in every unit', async () => {
    await ok(`/disk add type=file file-path="${BASE}/a.img" file-size="512M" slot="a"`);
    await ok(`/disk add type=file file-path=${BASE}/b.img file-size=4096 slot=b`);
    const out = await ok('/disk print detail where slot~"^[ab]\\$"');
    expect(out).toContain('file-size=512.0MiB');
    expect(out).toContain('size=4 096');
    expect((await stat(env.sim.backingFilePath(`${BASE}/b.img`))).size).toBe(4096);
  });

  it('refuses a duplicate slot, an existing file, too little space and paths outside the pool', async () => {
    await ok(add('pvc-1'));
    expect((await env.sim.execute(add('pvc-1'))).stdout).toBe('failure: slot already exists\r\n');
    const sameFile = `/disk add type=file file-path=${BASE}/pvc-1.img file-size=1G slot=other`;
    expect((await env.sim.execute(sameFile)).stdout).toBe('failure: file already exists\r\n');
    expect((await env.sim.execute(add('pvc-big', '20G'))).stdout).toBe('failure: not enough space\r\n');
    const outside = '/disk add type=file file-path=/etc/passwd.img file-size=1G slot=x';
    expect((await env.sim.execute(outside)).stdout).toBe('invalid value for argument file-path\r\n');
    const escape = '/disk add type=file file-path=/storage-pool/../x.img file-size=1G slot=x';
    expect((await env.sim.execute(escape)).exitCode).toBe(1);
    expect(await env.sim.diskSlots()).toEqual(['pvc-1']);
  });

  it('rejects unknown arguments and bad values RouterOS-style', async () => {
    expect((await env.sim.execute('/disk add type=file foo=bar')).stdout).toBe('expected end of command (line 1 column 21)\r\n');
    expect((await env.sim.execute(add('x', '12Q'))).stdout).toBe('invalid value for argument file-size\r\n');
  });
});

describe('/disk add copy-from', () => {
  it('copies the source bytes, keeps the copy sparse and grows it to file-size', async () => {
    await ok(add('pvc-src', '64M'));
    const src = await open(env.sim.backingFilePath(`${BASE}/pvc-src.img`), 'r+');
    await src.write(Buffer.from('hello snapshot'), 0, 14, 5 * MiB);
    await src.close();
    await ok(`/disk add type=file copy-from=[find slot=pvc-src] file-path=${BASE}/snap-1.img slot=snap-1`);
    await ok(`/disk add type=file copy-from=[find slot=snap-1] file-path=${BASE}/pvc-new.img file-size=128M slot=pvc-new nvme-tcp-export=yes`);
    const srcBytes = await readFile(env.sim.backingFilePath(`${BASE}/pvc-src.img`));
    const snap = await readFile(env.sim.backingFilePath(`${BASE}/snap-1.img`));
    expect(snap.equals(srcBytes)).toBe(true);
    const restored = await stat(env.sim.backingFilePath(`${BASE}/pvc-new.img`));
    expect(restored.size).toBe(128 * MiB);
    expect(restored.blocks * 512).toBeLessThan(8 * MiB);
    const out = await ok('/disk print detail where slot=snap-1');
    expect(out).toContain('nvme-tcp-export=no');
    expect(out).toContain('file-size=64.0MiB');
  });

  it('fails with no such item when the source does not exist', async () => {
    const r = await env.sim.execute(`/disk add type=file copy-from=[find slot=nope] file-path=${BASE}/s.img slot=s`);
    expect(r).toEqual({ stdout: 'failure: no such item\r\n', stderr: '', exitCode: 1 });
  });
});

describe('/disk set, remove and the pool', () => {
  it('grows the backing file, refuses to shrink and keeps the pool arithmetic', async () => {
    await ok(add('pvc-1', '1G'));
    expect(await poolFree()).toBe(9 * GiB);
    await ok('/disk set [find slot=pvc-1] file-size=3G');
    expect((await stat(env.sim.backingFilePath(`${BASE}/pvc-1.img`))).size).toBe(3 * GiB);
    expect(await poolFree()).toBe(7 * GiB);
    expect((await env.sim.execute('/disk set [find slot=pvc-1] file-size=1G')).stdout).toMatch(/^failure: /);
    expect((await env.sim.execute('/disk set [find slot=pvc-1] file-size=11G')).stdout).toBe('failure: not enough space\r\n');
    expect(await ok('/disk print detail where slot=pvc-1')).toContain('size=3 221 225 472');
  });

  it('removes the disk entry but keeps the backing file, which still counts against the pool', async () => {
    await ok(add('pvc-1', '2G'));
    await ok('/disk remove [find slot=pvc-1]');
    expect(await env.sim.diskSlots()).toEqual([]);
    expect((await stat(env.sim.backingFilePath(`${BASE}/pvc-1.img`))).size).toBe(2 * GiB);
    expect(await poolFree()).toBe(8 * GiB);
    expect(await ok('/disk print detail where slot=pvc-1')).toMatch(/^Flags: [^\r\n]*\r\n$/);
    await ok('/file remove [find name="storage-pool/metal-csi/pvc-1.img"]');
    expect(await poolFree()).toBe(10 * GiB);
  });

  it('prints the pool line with grouped numbers and a use percentage', async () => {
    await ok(add('pvc-1', '5G'));
    const out = await ok('/disk print detail where mount-point="storage-pool"');
    expect(out.split('\r\n')).toEqual([
      expect.stringMatching(/^Flags: /),
      ' 0  slot=storage-pool type=partition mount-point=storage-pool file-system=btrfs',
      '               size=10 737 418 240 free=5 368 709 120 use=50%',
      '',
      '',
    ]);
  });

  it('lists by regex with indexes, and all disks including the pool without a filter', async () => {
    await ok(add('pvc-1'));
    await ok(`/disk add type=file file-path=${BASE}/snap-1.img file-size=1G slot=snap-1`);
    await ok(add('pvc-2'));
    const listed = await ok('/disk print detail where slot~"pvc"');
    expect([...listed.matchAll(/^ (\d)  type=file slot="([^"]+)"/gm)].map((m) => `${m[1]}:${m[2]}`)).toEqual(['0:pvc-1', '1:pvc-2']);
    const all = await ok('/disk print detail');
    expect([...all.matchAll(/^ (\d) {2}(?:type=file )?slot=("?)([^" ]+)/gm)].map((m) => m[3])).toEqual(['storage-pool', 'pvc-1', 'snap-1', 'pvc-2']);
    const quoted = await ok('/disk print detail where slot="pvc-2"');
    expect(quoted).toContain('slot="pvc-2"');
    expect(quoted).not.toContain('pvc-1');
  });

  it('answers /disk monitor-traffic once and /system resource print', async () => {
    expect(await ok('/disk monitor-traffic storage-pool once')).toMatch(/^ {18}slot: {4}storage-pool\r\n/);
    expect((await env.sim.execute('/disk monitor-traffic nope once')).stdout).toBe('failure: no such item\r\n');
    const res = await ok('/system resource print');
    expect(res).toMatch(/^ +uptime: \S+\r\n/);
    expect(res).toContain('version: 7.16 (stable)\r\n');
    expect(res).toContain('board-name: RDS2216\r\n');
    expect(await ok('/system/resource/print')).toContain('total-memory: ');
  });

  it('answers bad command name for anything else', async () => {
    expect((await env.sim.execute('/interface nvme-tcp print')).stdout).toBe('bad command name interface (line 1 column 2)\r\n');
    expect((await env.sim.execute('/disk format-drive 0')).stdout).toBe('bad command name format-drive (line 1 column 7)\r\n');
  });
});

it('keeps disks, files and pool usage across a restart on the same data dir', async () => {
  await ok(add('pvc-1', '3G'));
  await writeFile(env.sim.backingFilePath(`${BASE}/pvc-1.img`), 'data', { flag: 'r+' });
  await env.restart();
  expect(await env.sim.diskSlots()).toEqual(['pvc-1']);
  expect(await poolFree()).toBe(7 * GiB);
  expect(await ok('/file print detail where name~"pvc-1"')).toContain('name=storage-pool/metal-csi/pvc-1.img');
  const handle = await open(env.sim.backingFilePath(`${BASE}/pvc-1.img`), 'r');
  const { buffer } = await handle.read(Buffer.alloc(4), 0, 4, 0);
  await handle.close();
  expect(buffer.toString()).toBe('data');
});
