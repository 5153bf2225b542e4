import { readdirSync, readFileSync } from 'node:fs';
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
 * A device that is unbound between listing and reading is skipped. The reads are synchronous: sysfs
 * is generated in memory and never waits on storage, so one read costs less than the thread-pool
 * round trip of an asynchronous one, and a host has dozens of loop devices to read.
 */
export async function boundLoopDevices(sysfsRoot: string): Promise<LoopDevice[]> {
  const block = join(sysfsRoot, 'block');
  const found: LoopDevice[] = [];
  for (const name of readdirSync(block).filter((n) => /^loop\d+$/.test(n))) {
    let backFile: string;
    try {
      backFile = readFileSync(join(block, name, 'loop', 'backing_file'), 'utf8').replace(/\n$/, '');
    } catch {
      continue;
    }
    if (backFile !== '') found.push({ name: `/dev/${name}`, backFile });
  }
  return found;
}
