/** What `rds-csi start` tells a newcomer once it serves. */
export interface StartFacts {
  readonly version: string;
  readonly services: readonly string[];
  /** Absolute path of the CSI socket. */
  readonly socketPath: string;
  readonly dataDir: string;
  readonly ssh: { readonly host: string; readonly port: number; readonly user: string };
  readonly hostKeyFingerprint: string;
  /** Absolute path of the client key the simulator accepts. */
  readonly privateKeyPath: string;
  readonly basePath: string;
  /** How to run rds-csi again: the Node.js binary and the entry script, absolute. */
  readonly command: readonly string[];
}

/** Quotes a shell word only when it needs it, so the printed lines can be pasted as they are. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** The `rds-csi doctor` line that checks the embedded RDS exactly as the driver reaches it. */
export function doctorCommand(facts: StartFacts): string[] {
  return [
    ...facts.command, 'doctor', '--mode', 'controller',
    '--rds-address', facts.ssh.host, '--rds-port', String(facts.ssh.port), '--rds-user', facts.ssh.user,
    '--rds-key-file', facts.privateKeyPath, '--rds-host-key', facts.hostKeyFingerprint,
    '--volume-base-path', facts.basePath,
  ];
}

export function startBanner(facts: StartFacts): string {
  const endpoint = `unix://${facts.socketPath}`;
  return [
    `rds-csi ${facts.version} is serving CSI (${facts.services.join(', ')}) on ${endpoint}`,
    `  embedded RDS simulator, data in ${facts.dataDir}:`,
    `    SSH address      ${facts.ssh.host}:${facts.ssh.port} (user ${facts.ssh.user})`,
    `    host key         ${facts.hostKeyFingerprint}`,
    `    client key file  ${facts.privateKeyPath}`,
    `    volume base path ${facts.basePath}`,
    `  check the RDS as the driver sees it:`,
    `    ${doctorCommand(facts).map(shellWord).join(' ')}`,
    `  watch a volume's whole lifecycle through the CSI socket, from another terminal:`,
    `    npm run demo -- --endpoint ${endpoint}`,
    `  stop with Ctrl-C (the simulator's data stays in ${facts.dataDir}; delete it for a fresh start)`,
    '',
  ].join('\n');
}
