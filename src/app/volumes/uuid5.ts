import { createHash } from 'node:crypto';

/** The DNS namespace of RFC 4122, which the Go driver derives its names in. */
export const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

/**
 * A name-based UUID, version 5 (RFC 4122 section 4.3): SHA-1 of the namespace's 16 bytes followed by
 * the name's UTF-8 bytes, first 16 bytes kept, version and variant bits set. Lower-case hex, the form
 * the Go driver's github.com/google/uuid prints, so IDs derived here equal the ones it derived.
 */
export function uuid5(name: string, namespace = DNS_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
