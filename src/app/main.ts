#!/usr/bin/env node
/**
 * Entry point. Checks the Node.js version before anything else loads: the Kubernetes client crashes
 * with an obscure error at import on Node.js older than 22.19, so an operator gets a plain message.
 */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(`rds-csi needs Node.js 24 (at least 22.19); this is ${process.versions.node}. Run it through npm (npm start) or the container image.\n`);
  process.exit(2);
}
await import('./run-cli.js');
