import { InvalidArgumentError } from '../../domain/errors.js';
import { parseHostAddress, parsePort } from '../../domain/network-address.js';
import { parseNqn } from '../../domain/nqn.js';
import type { NvmeTarget } from '../../ports/nvme-initiator.js';
import { PUBLISH_CONTEXT } from '../volumes/publish-context.js';
import { goInteger } from '../volumes/go-numbers.js';
import { CONTEXT } from '../volumes/volume-context.js';

/**
 * Where to connect, from the publish context (this driver's ControllerPublish) or else the volume
 * context (PVs made by the Go driver carry it there). Every value is validated before it can reach
 * nvme-cli.
 */
export function nvmeTargetFrom(publishContext: Readonly<Record<string, string>>, volumeContext: Readonly<Record<string, string>>): NvmeTarget {
  const pick = (publishKey: string, contextKey: string) => publishContext[publishKey] ?? volumeContext[contextKey];
  const nqn = pick(PUBLISH_CONTEXT.nqn, CONTEXT.nqn);
  const address = pick(PUBLISH_CONTEXT.nvmeAddress, CONTEXT.nvmeAddress) ?? volumeContext[CONTEXT.rdsAddress];
  const port = pick(PUBLISH_CONTEXT.nvmePort, CONTEXT.nvmePort) ?? '4420';
  if (!nqn) throw new InvalidArgumentError('the volume has no NQN in its publish or volume context; was it created by this driver?');
  if (!address) throw new InvalidArgumentError('the volume has no NVMe/TCP address in its publish or volume context');
  // Read as the Go driver wrote and read them: PVs it created may carry any value it accepted.
  const optional = (key: string, min: number): number | undefined => {
    const raw = volumeContext[key];
    if (raw === undefined) return undefined;
    try {
      return goInteger(raw, min);
    } catch (error) {
      throw new InvalidArgumentError(`volume context ${key}: ${(error as Error).message}`);
    }
  };
  const ctrlLossTmo = optional(CONTEXT.ctrlLossTmo, -1);
  const reconnectDelay = optional(CONTEXT.reconnectDelay, 1);
  const keepAliveTmo = optional(CONTEXT.keepAliveTmo, 0);
  return {
    address: parseHostAddress(address, 'NVMe/TCP address'),
    port: parsePort(port, 'NVMe/TCP port'),
    nqn: parseNqn(nqn),
    // 0 means the kernel default, as in the Go driver: the option is left out.
    ...(ctrlLossTmo === undefined || ctrlLossTmo === 0 ? {} : { ctrlLossTmo }),
    ...(reconnectDelay === undefined ? {} : { reconnectDelay }),
    ...(keepAliveTmo === undefined || keepAliveTmo === 0 ? {} : { keepAliveTmo }),
  };
}
