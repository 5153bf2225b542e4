import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './render.js';

/** scripts/bundle.mjs replaces a few dependencies of dependencies by stubs: each must load, and fail loudly when used. */
const bundler = readFileSync(join(repoRoot, 'scripts/bundle.mjs'), 'utf8');
const aliases = Object.fromEntries([...bundler.matchAll(/'([@\w/.-]+)': stub\('([\w.-]+)'\)/g)].map((m) => [m[1]!, m[2]!]));
const stubDir = join(repoRoot, 'scripts/bundle-stubs');
const load = createRequire(import.meta.url);

describe('bundle stubs', () => {
  it('has one stub per alias and no stub left unused', () => {
    expect(Object.keys(aliases).sort()).toEqual(['@grpc/proto-loader', '@opentelemetry/api', 'thread-stream']);
    expect(Object.values(aliases).sort()).toEqual(readdirSync(stubDir).sort());
  });

  it('stubs only packages that are not the driver’s own dependencies', () => {
    const sources = readFileSync(join(repoRoot, 'package.json'), 'utf8');
    for (const name of Object.keys(aliases)) expect(sources).not.toContain(`"${name}"`);
  });

  it('loads, and throws a message naming the package when a feature that needs it is used', () => {
    const protoLoader = load(join(stubDir, aliases['@grpc/proto-loader']!)) as { loadSync: () => unknown };
    expect(() => protoLoader.loadSync()).toThrow(/@grpc\/proto-loader is not bundled/);
    const otel = load(join(stubDir, aliases['@opentelemetry/api']!)) as { trace: { getSpan: () => unknown }; context: { active: () => unknown } };
    expect(() => otel.trace.getSpan()).toThrow(/@opentelemetry\/api is not bundled/);
    expect(() => otel.context.active()).toThrow(/@opentelemetry\/api is not bundled/);
    const ThreadStream = load(join(stubDir, aliases['thread-stream']!)) as new () => unknown;
    expect(() => new ThreadStream()).toThrow(/thread-stream is not bundled/);
  });
});
