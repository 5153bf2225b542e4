// Bundles the compiled entry points (dist/, from tsc: decorators and their metadata are already
// emitted there) into dist/bundle/: one file per entry point plus shared chunks for what is loaded
// on demand (the simulator, the loop-device initiator), tree-shaken, with source maps that lead back
// to the TypeScript sources. The container image, `npm start` and the real NVMe/TCP guest run these:
// a few files load in a fraction of the time of thousands of modules.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

const stub = (name) => join(import.meta.dirname, 'bundle-stubs', name);

// usage: node scripts/bundle.mjs [BUILD_DIR]   (tsc's output directory, default dist)
const built = process.argv[2] ?? 'dist';
const entryPoints = {
  'rds-csi': join(built, 'src/app/main.js'),
  'rds-sim': join(built, 'simulator/main.js'),
  'guest-scenario': join(built, 'test/support/guest/guest-scenario.js'),
};

await rm(join(built, 'bundle'), { recursive: true, force: true });
await build({
  entryPoints,
  outdir: join(built, 'bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
  // ssh2's optional native pieces: absent (their install scripts are not run), and ssh2 copes.
  external: ['cpu-features', '*.node'],
  // Dependencies of dependencies that are loaded but never used by the driver: each is replaced by a
  // stub that fails loudly if it ever is (the reasons are in each stub). They were about a third of
  // the code every process parsed at start.
  alias: {
    '@grpc/proto-loader': stub('proto-loader.cjs'),
    '@opentelemetry/api': stub('opentelemetry-api.cjs'),
    'thread-stream': stub('thread-stream.cjs'),
  },
  // CommonJS dependencies call require() for Node's built-ins and use __dirname: give the ES module
  // output both.
  banner: {
    js: [
      "import { createRequire as __bundleRequire } from 'node:module';",
      "import { fileURLToPath as __bundlePath } from 'node:url';",
      "import { dirname as __bundleDir } from 'node:path';",
      'const require = __bundleRequire(import.meta.url);',
      'const __filename = __bundlePath(import.meta.url);',
      'const __dirname = __bundleDir(__filename);',
    ].join(' '),
  },
});
