# Cedar Heights API. Build: docker build -t cedar-heights .
# Run (embedded PGlite, data in a volume): docker run -p 8080:8080 -v cedar-data:/app/data cedar-heights
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# npm ci runs the `prepare` script (scripts/build.mjs), which finds no src/ in this layer and builds nothing.
COPY scripts/build.mjs scripts/build-state.mjs ./scripts/
RUN npm ci --omit=dev --no-audit --no-fund

# The build needs the development dependencies too (Vite and React build the web app).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts/build.mjs scripts/build-state.mjs scripts/build-web.mjs ./scripts/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY web ./web
# dist/: the bundled CLI, the SQL migrations, the web app (dist/web) and the migrated PGlite image
# an empty DATA_DIR starts from.
RUN node scripts/build.mjs

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0 DATA_DIR=/app/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY scripts/start.mjs scripts/build-state.mjs ./scripts/
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The launcher runs dist/main.js (there are no sources in the image to rebuild from); `worker`,
# `migrate`, `seed` are the other commands.
ENTRYPOINT ["node", "scripts/start.mjs"]
CMD ["serve"]
