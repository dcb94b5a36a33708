# syntax=docker/dockerfile:1
# Palate's serving and controller image. Three stages:
#   deps    production dependencies only, with the native addons (better-sqlite3, hnswlib-node)
#           compiled against this image's Node by the C++ toolchain, which stays in this stage;
#   build   all dependencies (TypeScript) and `npm run build`: src/ -> dist/;
#   runtime the slim Node image, the production node_modules and dist/ only, as a non-root user.
# src/deploy/dockerfile.test.ts checks that every COPY source exists in the build context and
# that the runtime's entry point starts the compiled server.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends g++ make python3 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the root package's `prepare` would run `tsc`, absent without dev
# dependencies; the two native addons are then built explicitly.
RUN npm ci --omit=dev --ignore-scripts \
  && npm rebuild better-sqlite3 hnswlib-node \
  && npm cache clean --force

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# A numeric user, so Kubernetes' runAsNonRoot can verify it without a passwd lookup.
RUN groupadd --system --gid 10001 palate \
  && useradd --system --uid 10001 --gid palate --no-create-home --shell /usr/sbin/nologin palate \
  && mkdir -p /var/lib/palate \
  && chown palate:palate /var/lib/palate
WORKDIR /app
# package.json's "type": "module" makes node load dist/*.js as ES modules.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The dashboard's page files are not TypeScript, so tsc does not emit them: they go beside the
# compiled module that serves them (src/server/dashboard/static-assets.ts looks there first).
COPY --from=build /app/src/server/dashboard/public ./dist/server/dashboard/public
# The application files stay root-owned and read-only to the process. The working directory is
# the only place `palate serve` writes (the SQLite event log and the spill file default to
# paths relative to it), so the root filesystem can be mounted read-only with a volume here.
WORKDIR /var/lib/palate
VOLUME ["/var/lib/palate"]
USER 10001:10001
EXPOSE 8080
# Slim images have no curl: the probe is a compiled Node script (PALATE_HEALTHCHECK_URL
# overrides the default http://127.0.0.1:8080/healthz). Kubernetes ignores HEALTHCHECK and uses
# the liveness/readiness probes in deploy/kubernetes instead.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "/app/dist/deploy/healthcheck.js"]
# Exec form: node is PID 1 and receives SIGTERM itself; `palate serve` drains the event queue
# into the log on SIGTERM and exits 0.
# The V8 flags of src/server/node-flags.ts (a larger young generation: less GC per request).
ENTRYPOINT ["node", "--max-semi-space-size=64", "/app/dist/cli/main.js"]
CMD ["serve", "--model", "/models/current", "--port", "8080"]
