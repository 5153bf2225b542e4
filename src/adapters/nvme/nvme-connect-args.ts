import { InvalidArgumentError } from '../../domain/errors.js';
import { parseHostAddress, parsePort } from '../../domain/network-address.js';
import { parseNqn } from '../../domain/nqn.js';
import type { NvmeTarget } from '../../ports/nvme-initiator.js';

const HOST_NQN = /^nqn\.[\x21-\x7e]{1,219}$/;

/** A host NQN as read from /etc/nvme/hostnqn: printable, no spaces, at most 223 bytes. */
export function isValidHostNqn(value: string): boolean {
  return HOST_NQN.test(value);
}

/**
 * `nvme connect -t tcp -a <addr> -s <port> -n <nqn> [-l ctrl_loss_tmo] [-c reconnect_delay]
 * [-k keep_alive_tmo] [-q hostnqn]`, every value validated first. Options needing a value take the
 * next argument verbatim (getopt), so `-l -1` is "forever", not another option.
 */
export function nvmeConnectArgs(target: NvmeTarget, hostNqn?: string): string[] {
  const argv = [
    'nvme',
    'connect',
    '-t',
    'tcp',
    '-a',
    parseHostAddress(target.address, 'NVMe target address'),
    '-s',
    String(parsePort(target.port, 'NVMe target port')),
    '-n',
    parseNqn(target.nqn, 'NVMe subsystem NQN'),
  ];
  // Bounds are the Go driver's (no upper bound there beyond nvme-cli's C int), since PVs it made carry them.
  if (target.ctrlLossTmo !== undefined) argv.push('-l', String(integer(target.ctrlLossTmo, 'ctrlLossTmo', -1, C_INT_MAX)));
  if (target.reconnectDelay !== undefined) argv.push('-c', String(integer(target.reconnectDelay, 'reconnectDelay', 1, C_INT_MAX)));
  if (target.keepAliveTmo !== undefined) argv.push('-k', String(integer(target.keepAliveTmo, 'keepAliveTmo', 1, C_INT_MAX)));
  if (hostNqn !== undefined) {
    if (!isValidHostNqn(hostNqn)) throw new InvalidArgumentError('host NQN is not a valid NQN');
    argv.push('-q', hostNqn);
  }
  return argv;
}

const C_INT_MAX = 2_147_483_647;

function integer(value: number, field: string, min: number, max: number): number {
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  throw new InvalidArgumentError(`${field} must be a whole number of seconds from ${min} to ${max}, got ${String(value)}`);
}
