import { InvalidArgumentError } from './errors.js';
import { describeValue } from './ids.js';

declare const basePathBrand: unique symbol;
/** An absolute directory on the appliance under which volume files live, e.g. /storage-pool/metal-csi. */
export type BasePath = string & { readonly [basePathBrand]: true };

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
export const BASE_PATH_MAX_LENGTH = 200;

/**
 * Accepts `/segment[/segment…]` where each segment is letters, digits, '.', '_' or '-' and not '.' or
 * '..'; a trailing slash is dropped. Anything else (spaces, quotes, shell or RouterOS metacharacters,
 * relative paths) is refused, because the value reaches RouterOS commands and file paths.
 */
export function parseBasePath(value: string, field = 'volume base path'): BasePath {
  const trimmed = value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
  const segments = trimmed.split('/').slice(1);
  const ok =
    trimmed.startsWith('/') &&
    trimmed.length <= BASE_PATH_MAX_LENGTH &&
    segments.length > 0 &&
    segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..');
  if (ok) return trimmed as BasePath;
  throw new InvalidArgumentError(
    `${field} ${describeValue(value)} is invalid: give an absolute path such as /storage-pool/csi whose ` +
      `components use only letters, digits, '.', '_' and '-'`,
  );
}

/** The first path component: the RouterOS pool (mount point) that holds the directory. */
export function poolOf(basePath: BasePath): string {
  return basePath.split('/')[1]!;
}
