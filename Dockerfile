# The Birdseye image: `birdseye server` by default, `birdseye agent` with the host's files mounted
# (deploy/kubernetes, deploy/compose, deploy/fleet). Build from a checkout:
#   docker build -t birdseye:0.1.0 .
# See docs/deployment.md.

# Build stage: the full image has python3, make and g++ for better-sqlite3, should its prebuilt
# binary not be downloadable. `npm pack` builds the UI (prepack) and makes the same package
# `npm install --global` takes anywhere else.
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm pack --silent \
 && npm install --global --omit=dev --no-audit --no-fund ./birdseye-*.tgz \
 && birdseye --version

FROM node:20-bookworm-slim
# journalctl, which the journald source runs (against /var/log/journal mounted from the host).
RUN apt-get update \
 && apt-get install --yes --no-install-recommends systemd \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/lib/node_modules/birdseye /usr/local/lib/node_modules/birdseye
RUN ln -s ../lib/node_modules/birdseye/bin/birdseye.js /usr/local/bin/birdseye \
 && mkdir -p /var/lib/birdseye \
 && chown node:node /var/lib/birdseye
# MALLOC_*: glibc's malloc gives freed memory back sooner, which keeps the agent's RSS 9–11 MB
# lower after a catch-up (MALLOC_ENV in src/agent/heap-mode.ts).
ENV BIRDSEYE_DATA_DIR=/var/lib/birdseye \
    BIRDSEYE_LOG_FORMAT=json \
    MALLOC_MMAP_THRESHOLD_=131072 \
    MALLOC_ARENA_MAX=2
# The server runs as the unprivileged `node` user (uid 1000); the agent's deployments run it as
# root, which reading the host's journal, cgroups and Docker socket needs.
USER node
VOLUME /var/lib/birdseye
# 8080: API and UI (server). 9000: log gateway, 9001: the agent's /healthz and /metrics (agent).
EXPOSE 8080 9000
ENTRYPOINT ["birdseye"]
CMD ["server"]
