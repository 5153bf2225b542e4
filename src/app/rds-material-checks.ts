import { parseHostKeyPin } from '../adapters/routeros/routeros-host-key.js';
import { describeValue } from '../domain/ids.js';

/** Reads a small text file; the error is the errno code (ENOENT, EACCES, …) when it cannot. */
export type ReadText = (path: string) => { readonly text: string } | { readonly error: string };
/** Why a private key cannot be used, never quoting it; undefined when it can. */
export type PrivateKeyCheck = (text: string) => string | undefined;

/** What `serve` checks in the files the configuration names before it starts anything. */
export interface MaterialChecks {
  readonly read: ReadText;
  readonly privateKey: PrivateKeyCheck;
}

const PLACEHOLDER = /REPLACE[-_ ]?ME|CHANGE[-_ ]?ME|\bYOUR[-_ ][A-Z]|<[A-Za-z][^>]*>|\bplaceholder\b|\bexample\b|\bTODO\b|\bFIXME\b|\.\.\.|…|^x{3,}$/i;

/** The text that marks `text` as a placeholder (REPLACE-ME, <your key>, SHA256:…), if any. */
export function placeholderMarker(text: string): string | undefined {
  return PLACEHOLDER.exec(text.trim())?.[0];
}

/**
 * Addresses reserved for documentation (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24;
 * RFC 3849: 2001:db8::/32). The shipped examples use them, so one that reaches `serve` was never replaced.
 */
export function isDocumentationAddress(address: string): boolean {
  if (/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/.test(address)) return true;
  return /^2001:0?db8(:|$)/i.test(address);
}

export function placeholderAddressProblem(where: string, address: string): string | undefined {
  if (!isDocumentationAddress(address)) return undefined;
  return `${where} ${describeValue(address)} is a documentation placeholder, not an RDS: set the RDS's own address (rds.address in the Helm values, rds-address in the ConfigMap)`;
}

/** A pinned host key given inline (fingerprint or key line) rather than as the path of a file holding one. */
export function isInlineHostKey(value: string): boolean {
  return /^SHA256:/.test(value) || /^(ssh|ecdsa|rsa)-\S+ \S+/.test(value);
}

export function keyFileProblem(where: string, path: string, checks: MaterialChecks): string | undefined {
  const file = checks.read(path);
  if ('error' in file) return `${where}: cannot read ${path} (${file.error}); mount the Secret's rds-private-key there or fix the path`;
  const fix = 'put the RouterOS user\'s private key in the Secret\'s rds-private-key (kubectl create secret generic … --from-file=rds-private-key=./id_ed25519)';
  const why = checks.privateKey(file.text);
  if (why === undefined) return undefined;
  const marker = placeholderMarker(file.text);
  // The file's text is secret: only the placeholder marker or the parser's redacted reason is shown.
  if (marker !== undefined) return `${where}: ${path} holds placeholder text (${describeValue(marker)}), not a private key; ${fix}`;
  return `${where}: ${path} is not a usable private key (${why}); ${fix}`;
}

export function hostKeyProblem(where: string, value: string, checks: Pick<MaterialChecks, 'read'>): string | undefined {
  const fix = 'pin the RDS host key: its fingerprint from `ssh-keyscan -p <port> <address> | ssh-keygen -lf -` or its public key line (the Secret\'s rds-host-key)';
  if (isInlineHostKey(value)) return pinProblem(`${where} ${describeValue(value)}`, value, fix);
  const file = checks.read(value);
  if ('error' in file) {
    const marker = placeholderMarker(value);
    if (marker !== undefined) return `${where} ${describeValue(value)} is placeholder text, not a host key or a file; ${fix}`;
    return `${where}: cannot read ${value} (${file.error}); give a SHA256:… fingerprint, a key line, or the path of a file holding one`;
  }
  return pinProblem(`${where}: ${value}`, file.text, fix);
}

function pinProblem(subject: string, text: string, fix: string): string | undefined {
  try {
    parseHostKeyPin(text);
    return undefined;
  } catch (error) {
    const marker = placeholderMarker(text);
    if (marker !== undefined) return `${subject} holds placeholder text (${describeValue(marker)}), not a host key; ${fix}`;
    return `${subject}: ${(error as Error).message}; ${fix}`;
  }
}
