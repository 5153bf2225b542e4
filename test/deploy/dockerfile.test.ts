import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './render.js';

/** Static checks: no Docker engine here, so the image cannot be built in CI. */
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };

describe('Dockerfile', () => {
  it('builds on Node 24 in a build stage and runs on Node 24', () => {
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage).toMatch(/^node:24-bookworm-slim\b/);
    expect(stages[0]).toMatch(/RUN npm ci\b/);
    expect(stages[0]).toMatch(/npm run build/);
  });

  it('copies every folder the build compiles into the build stage', () => {
    const build = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    for (const folder of build.include) expect(stages[0]).toMatch(new RegExp(`^COPY ${folder} \\./${folder}$`, 'm'));
  });

  it('installs the node plugin tools in the runtime stage', () => {
    const install = /apt-get install[^\n]*/.exec(stages[1]!)?.[0] ?? '';
    for (const pkg of ['nvme-cli', 'e2fsprogs', 'xfsprogs', 'util-linux']) expect(install.split(/\s+/)).toContain(pkg);
  });

  it('ships the bundle and package.json only, no node_modules, and starts the bundle with `serve`', () => {
    expect(stages[1]).toMatch(/^COPY --from=build \/app\/dist\/bundle\/ \.\/$/m);
    expect(stages[1]).toMatch(/^COPY --from=build \/app\/package\.json \.\/package\.json$/m);
    expect(stages[1]).not.toMatch(/^(COPY|RUN)[^\n]*node_modules/m);
    expect(stages[1]).not.toMatch(/^COPY (?!--from=build)/m);
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(stages[1]!)![1]!) as string[];
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint.slice(-2)).toEqual(['/app/rds-csi.mjs', 'serve']);
    expect(entrypoint.slice(1, -2).every((flag) => flag.startsWith('--'))).toBe(true);
    expect(packageJson.bin['rds-csi']).toBe('dist/bundle/rds-csi.mjs');
  });

  it('bundles every runtime dependency except the optional native pieces ssh2 does without', () => {
    const bundler = readFileSync(join(repoRoot, 'scripts/bundle.mjs'), 'utf8');
    const external = JSON.parse(/external: (\[[^\]]*\])/.exec(bundler)![1]!.replaceAll("'", '"')) as string[];
    expect(external.sort()).toEqual(['*.node', 'cpu-features']);
  });

  it('carries no secrets', () => {
    expect(dockerfile).not.toMatch(/PRIVATE KEY|ARG .*(KEY|TOKEN|PASSWORD)|ENV .*(KEY|TOKEN|PASSWORD)/i);
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8');
    for (const pattern of ['.git', '**/node_modules', '**/id_*', '**/*.key']) expect(ignore.split('\n')).toContain(pattern);
  });
});
