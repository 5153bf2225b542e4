import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boundLoopDevices } from '../../../src/adapters/loop/loop-sysfs.js';

describe('boundLoopDevices', () => {
  let root: string;
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('reads bound loop devices and their backing files from a sysfs tree, skipping unbound ones', async () => {
    root = await mkdtemp(join(tmpdir(), 'sysfs-'));
    const device = async (name: string, backing?: string) => {
      await mkdir(join(root, 'block', name, backing === undefined ? '' : 'loop'), { recursive: true });
      if (backing !== undefined) await writeFile(join(root, 'block', name, 'loop', 'backing_file'), `${backing}\n`);
    };
    await device('loop0', '/data/files/pvc-1.img');
    await device('loop1');
    await device('loop12', '/data/files/pvc 2.img (deleted)');
    await device('vda');
    const found = await boundLoopDevices(root);
    expect(found.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: '/dev/loop0', backFile: '/data/files/pvc-1.img' },
      { name: '/dev/loop12', backFile: '/data/files/pvc 2.img (deleted)' },
    ]);
  });
});
