import { InvalidArgumentError } from './errors.js';
import { describeValue } from './ids.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An IPv4 or IPv6 literal, or a DNS host name: safe to hand to nvme-cli and ssh. */
export function parseHostAddress(value: string, field: string): string {
  const ok = IPV4.test(value) || (value.includes(':') && IPV6.test(value) && value.split('::').length <= 2) || HOSTNAME.test(value);
  if (ok) return value;
  throw new InvalidArgumentError(`${field} ${describeValue(value)} is not an IP address or host name`);
}

export function parsePort(value: string | number, field: string): number {
  const n = typeof value === 'number' ? value : /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return n;
  throw new InvalidArgumentError(`${field} ${describeValue(String(value))} is not a TCP port (1-65535)`);
}
