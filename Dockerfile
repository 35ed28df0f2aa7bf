# mock-visma-connect: a local Visma Connect for development and tests. Not for production identity.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The image holds what the npm package holds (package.json "files": the server, the scenario library,
# fixtures, views) and the production dependencies, so the two cannot drift apart.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund \
 && mkdir package && tar xzf "$(npm pack --ignore-scripts --silent)" -C package --strip-components=1 \
 && mv node_modules package/

FROM node:22-slim
WORKDIR /app
# MALLOC_MMAP_THRESHOLD_: glibc gives large blocks (128 KB and up) back to the system when they are freed,
# instead of keeping them in per-thread pools: the process's memory then grows no faster than the
# state it keeps (README, Benchmarks). glibc reads it at process start only, so it is set here.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=5080 \
    PUBLIC_API_PORT=5081 \
    MALLOC_MMAP_THRESHOLD_=131072
COPY --from=build /app/package ./
USER node
# Node's compile cache and the bin's code cache (bin/code-cache.js; in Node's default directory under
# /tmp), filled once here by one start: a container's first start reads V8's compiled code of the
# bundle and of what a start runs instead of compiling it.
RUN node -e "require('./bin/code-cache.js').warmCodeCache()"
EXPOSE 5080 5081
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 5080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "bin/mock-visma-connect.js"]
