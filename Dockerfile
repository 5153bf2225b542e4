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
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nvme-cli e2fsprogs xfsprogs util-linux ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
ENTRYPOINT ["node", "/app/dist/src/app/main.js", "serve"]
