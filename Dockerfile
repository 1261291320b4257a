# syntax=docker/dockerfile:1
# voxlens: API server and worker image. Build: docker build -t voxlens .

FROM node:20-bookworm-slim AS build
# Toolchain and headers for the PocketSphinx addon (native/sphinx).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ pkg-config libpocketsphinx-dev libsphinxbase-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY native ./native
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
# ffmpeg decodes M4A/AAC/WebM and encodes spoken replies; pocketsphinx-en-us is the offline
# engine's model; flite and espeak-ng are the offline voices; tini forwards signals so shutdown is graceful.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libpocketsphinx3 libsphinxbase3 pocketsphinx-en-us flite espeak-ng tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# MALLOC_ARENA_MAX: glibc gives each thread (decoders, libuv) its own malloc arena; two arenas keep a
# long recording's peak about 45 MB lower (npm run bench:memory -- --compare).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/native ./native
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/prompts ./prompts
COPY --from=build --chown=node:node /app/models ./models
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/server.js"]
