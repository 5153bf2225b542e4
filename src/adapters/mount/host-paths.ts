import { InvalidArgumentError } from '../../domain/errors.js';
import { describeValue } from '../../domain/ids.js';

const MAX_PATH = 4096;
const DEVICE = /^\/dev\/[A-Za-z0-9._+:@-]+(\/[A-Za-z0-9._+:@-]+)*$/;

/**
 * An absolute, normalised path: no empty, "." or ".." segments, no control characters, at most
 * 4096 bytes. Such a path can never be read as an option by a tool (it starts with "/").
 */
export function assertHostPath(path: string, field: string): string {
  const segments = path.split('/').slice(1);
  const ok =
    path.startsWith('/') &&
    Buffer.byteLength(path) <= MAX_PATH &&
    !/[\x00-\x1f\x7f]/.test(path) &&
    (path === '/' || segments.every((s) => s !== '' && s !== '.' && s !== '..'));
  if (ok) return path;
  throw new InvalidArgumentError(`${field} ${describeValue(path)} is not an absolute, normalised path`);
}

/** A block device path under /dev made of plain name characters (e.g. /dev/nvme1n1, /dev/loop3). */
export function assertDevicePath(path: string, field = 'device'): string {
  if (DEVICE.test(path) && !path.split('/').some((s) => s === '.' || s === '..') && path.length <= 255) return path;
  throw new InvalidArgumentError(`${field} ${describeValue(path)} is not a device path under /dev`);
}
