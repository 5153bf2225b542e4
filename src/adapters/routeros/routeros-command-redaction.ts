/**
 * Argument names whose values may be secret in a RouterOS command: passwords and passphrases (`/user
 * add password=`), shared secrets and pre-shared keys (`secret=`, `psk=`), key material or key files
 * (`private-key=`, `private-key-file=`, `key=`), tokens and SNMP communities. The driver sends none of
 * these today; the redaction keeps it that way in the log if one is ever added or typed by hand.
 */
const SECRET_NAME = /^[a-z0-9-]*(password|passphrase|secret|psk|private-key|key|token|community|auth)[a-z0-9-]*$/i;
// name=value or name~value, the value quoted ("…" with \-escapes, maybe unterminated) or bare.
const ARGUMENT = /(^|[\s[(;])([A-Za-z0-9-]+)([=~])("(?:[^"\\]|\\.)*(?:"|$)|[^\s\])]*)/g;
export const REDACTED_VALUE = '[redacted]';

/** The command with the value of every secret-named argument replaced, everything else untouched. */
export function redactRouterOsCommand(command: string): string {
  return command.replace(ARGUMENT, (whole, lead: string, name: string, op: string) =>
    SECRET_NAME.test(name) ? `${lead}${name}${op}${REDACTED_VALUE}` : whole,
  );
}
