import { HostCommandError } from '../../domain/errors.js';

export interface LoopDevice {
  readonly name: string;
  /** The backing file as the kernel reports it; ends in " (deleted)" when the file was removed. */
  readonly backFile: string;
}

/** Parses `losetup --list --json --output NAME,BACK-FILE` (empty output means no loop devices). */
export function parseLosetupList(stdout: string): LoopDevice[] {
  const text = stdout.trim();
  if (text === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HostCommandError('losetup --list', 0, `output is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
  const devices = (data as { loopdevices?: unknown }).loopdevices;
  if (!Array.isArray(devices)) return [];
  return devices.flatMap((d: unknown) => {
    const entry = d as { name?: unknown; 'back-file'?: unknown };
    return typeof entry.name === 'string' && typeof entry['back-file'] === 'string'
      ? [{ name: entry.name, backFile: entry['back-file'] }]
      : [];
  });
}
