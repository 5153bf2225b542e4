// postinstall: removes the C/C++ headers (~67 MB) that the `node` package's platform binary brings
// along. They serve only to compile native add-ons, and this project builds none (its dependencies'
// install scripts are not run; see allowScripts in package.json). The Node.js binary stays as it is.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const dir = join('node_modules', 'node', 'node_modules');
const platforms = (await readdir(dir).catch(() => [])).filter((name) => /^node-(linux|darwin|win)-/.test(name));
for (const name of platforms) await rm(join(dir, name, 'include'), { recursive: true, force: true });
