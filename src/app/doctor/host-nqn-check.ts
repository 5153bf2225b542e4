import { isValidHostNqn } from '../../adapters/nvme/nvme-connect-args.js';
import { CHECK, pass, warn } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';

/**
 * UUIDs that many machines share: all zeros or all f's, and the firmware default
 * 03000200-0400-0500-0006-000700080009 that boards with unset DMI data report (nvme-cli derives the
 * host NQN from the DMI product UUID). Two hosts with one NQN look like one host to the RDS.
 */
const SHARED_UUIDS = [/^0{8}-0{4}-0{4}-0{4}-0{12}$/, /^f{8}-f{4}-f{4}-f{4}-f{12}$/, /^03000200-0400-0500-0006-000700080009$/];

export function placeholderReason(nqn: string): string | undefined {
  const uuid = /:uuid:([0-9a-f-]+)$/.exec(nqn)?.[1];
  if (uuid !== undefined) {
    if (SHARED_UUIDS.some((p) => p.test(uuid))) return `its UUID ${uuid} is a well-known placeholder shared by many hosts`;
    return undefined;
  }
  if (/(?:^|[:.-])0+$/.test(nqn)) return 'it ends in zeros, like a template value';
  if (/:(?:default|hostnqn|changeme|example|localhost)$/.test(nqn)) return 'it looks like a template value';
  return undefined;
}

/** `content` is the text of /etc/nvme/hostnqn, or undefined when the file is missing. */
export function evaluateHostNqn(path: string, content: string | undefined): CheckResult {
  const generate = `generate one per host: \`nvme gen-hostnqn > ${path}\` on the node (the node plugin reads the host's ${path})`;
  if (content === undefined) return warn(CHECK.hostNqn, `${path} does not exist; nvme-cli falls back to a generated or default NQN`, generate);
  const nqn = content.trim();
  if (nqn === '') return warn(CHECK.hostNqn, `${path} is empty`, generate);
  if (!isValidHostNqn(nqn)) {
    return warn(CHECK.hostNqn, `${path}: ${JSON.stringify(nqn.slice(0, 60))} is not an NQN (nqn.…, printable, no spaces); the driver ignores it`, generate);
  }
  const reason = placeholderReason(nqn);
  if (reason) return warn(CHECK.hostNqn, `${nqn}: ${reason}`, generate);
  return pass(CHECK.hostNqn, nqn);
}
