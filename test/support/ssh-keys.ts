import ssh2 from 'ssh2';

type KeyOptions = Parameters<typeof ssh2.utils.generateKeyPairSync>[1];

/**
 * An ed25519 key pair. ssh2's generator drops a leading zero byte of about 1 public key in 200,
 * leaving it unparseable; such pairs are regenerated so tests never flake on them.
 */
export function ed25519Pair(options?: KeyOptions): { private: string; public: string } {
  for (;;) {
    const pair = options ? ssh2.utils.generateKeyPairSync('ed25519', options) : ssh2.utils.generateKeyPairSync('ed25519');
    const pub = ssh2.utils.parseKey(pair.public);
    if (!(pub instanceof Error) && !Array.isArray(pub) && pub.getPublicSSH().length === 51) return pair;
  }
}
