import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface LoopDevice {
  /** /dev/loopN */
  readonly name: string;
  /** The backing file as the kernel reports it; ends in " (deleted)" when the file was removed. */
  readonly backFile: string;
}

/**
 * Bound loop devices and their backing files, read from sysfs (`/sys/block/loopN/loop/backing_file`)
 * instead of spawning `losetup --list` on every call: the same facts the kernel gives losetup.
 * A device that is unbound between listing and reading is skipped.
 */
export async function boundLoopDevices(sysfsRoot: string): Promise<LoopDevice[]> {
  const block = join(sysfsRoot, 'block');
  const names = (await readdir(block)).filter((n) => /^loop\d+$/.test(n));
  const found = await Promise.all(
    names.map(async (name) => {
      try {
        const backFile = (await readFile(join(block, name, 'loop', 'backing_file'), 'utf8')).replace(/\n$/, '');
        return backFile === '' ? undefined : { name: `/dev/${name}`, backFile };
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((d): d is LoopDevice => d !== undefined);
}
