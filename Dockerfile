# Strongroom server image on Node 24 LTS. Build: docker build -t strongroom .
FROM node:24-bookworm-slim AS deps
WORKDIR /app
# pkcs11js is the one dependency with a native build step (allowScripts in package.json).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Root lifecycle scripts (prepare builds the web UI) need dev tools; only the one native addon is built here.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm rebuild pkcs11js

# The web UI is built with Vite (a development dependency) in its own stage; only its static output ships.
FROM node:24-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY --from=web /app/web/dist ./web/dist
RUN npm run build:web

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/var/lib/strongroom
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY server ./server
COPY migrations ./migrations
COPY ingest ./ingest
COPY --from=web /app/web/dist ./web/dist
RUN mkdir -p /var/lib/strongroom && chown node:node /var/lib/strongroom
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--import", "tsx", "server/main.ts"]
