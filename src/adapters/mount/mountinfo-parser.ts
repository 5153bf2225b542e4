import type { MountEntry } from '../../ports/mounts.js';

/**
 * Parses /proc/self/mountinfo (proc(5)):
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * Fields 1-6 are fixed, then zero or more optional fields ended by a lone "-", then type, source
 * and super options. Paths carry octal escapes (\040 space, \011 tab, \012 newline, \134 backslash).
 * Lines that do not have this shape are skipped: the kernel never writes them, and one odd line
 * must not hide the rest of the table.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const entry = parseLine(text.slice(start, end));
    if (entry) entries.push(entry);
    start = end + 1;
  }
  return entries;
}

function parseLine(line: string): MountEntry | undefined {
  const f = line.split(' ');
  if (f.length < 9) return undefined;
  const separator = f.indexOf('-', 6);
  if (separator === -1 || separator + 2 >= f.length) return undefined;
  const [mountId, parentId, device, root, mountPoint, options] = f as [string, string, string, string, string, string];
  const fsType = f[separator + 1];
  const source = f[separator + 2];
  const superOptions = f[separator + 3];
  const dev = /^(\d+):(\d+)$/.exec(device);
  if (!/^\d+$/.test(mountId) || !/^\d+$/.test(parentId) || !dev || fsType === undefined || source === undefined) return undefined;
  return {
    mountId: Number(mountId),
    parentId: Number(parentId),
    major: Number(dev[1]),
    minor: Number(dev[2]),
    root: unescapeOctal(root),
    mountPoint: unescapeOctal(mountPoint),
    options: options.split(','),
    fsType: unescapeOctal(fsType),
    source: unescapeOctal(source),
    superOptions: superOptions === undefined || superOptions === '' ? [] : superOptions.split(','),
  };
}

export function unescapeOctal(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\([0-3][0-7]{2})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
