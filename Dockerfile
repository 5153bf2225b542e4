# rds-csi driver image: one image for controller (runs as non-root, set by the manifests) and node
# plugin (privileged, needs nvme-cli, mkfs/fsck and mount tools from the host's view of /dev).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# scripts/ first: npm ci's postinstall (prune-node-headers.mjs) lives there.
COPY scripts ./scripts
RUN npm ci --no-fund --no-audit
COPY tsconfig.json tsconfig.build.json ./
COPY proto ./proto
COPY src ./src
COPY simulator ./simulator
COPY bench ./bench
COPY test/support ./test/support
COPY test/fakes ./test/fakes
RUN npm run build

FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nvme-cli e2fsprogs xfsprogs util-linux ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
# The bundle is self-contained: every dependency is inside it, so no node_modules tree is shipped.
# ssh2's optional native pieces (cpu-features, its .node binding) are left out: ssh2 falls back to
# Node's own crypto. package.json gives GetPluginInfo its version.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist/bundle/ ./
# --max-semi-space-size=1 caps V8's young generation at 3 MiB (default up to 48 MiB): the driver
# allocates little per RPC, so scavenges stay cheap, and a pod idling after a burst of work keeps
# about 15 MiB less resident (csi.*_idle_rss_mb in `npm run bench` run the bundle with these flags).
# --no-opt --no-maglev leave V8's optimising compilers (TurboFan, Maglev) off: the driver idles between
# RPCs whose time goes to RouterOS, mkfs, mount and the Kubernetes API, and its hottest JavaScript runs
# a few hundred times, not millions. Optimising even a hundred functions (mostly Node's own streams and
# timers) pages in megabytes of compiler code and keeps its zone memory: about 9 MiB per process. The
# interpreter and the baseline compiler (Sparkplug) stay on; a NodeStage/NodeUnstage cycle and a
# controller's volume lifecycle take as long as with the optimisers (measured with the bench).
ENTRYPOINT ["node", "--max-semi-space-size=1", "--no-opt", "--no-maglev", "/app/rds-csi.mjs", "serve"]
