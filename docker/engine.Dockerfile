# Manticore's searchd under alco's supervisor (workers/searchd.ts), which writes its plain-mode config from the
# logger indexes in PostgreSQL, reloads it with SIGHUP and restarts searchd if it dies. Node comes from the
# official image: its builds need only an older glibc than Manticore's base has. `alco-app` is the app service's
# image, passed in as a named build context (docker-compose.yml `additional_contexts`), so Compose builds it first.
FROM manticoresearch/manticore:6.3.6
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=alco-app /app /app
ENV SEARCHD_BINARY=searchd SEARCHD_DATA_DIR=/var/lib/alco/searchd SEARCHD_LISTEN=0.0.0.0:9306
ENTRYPOINT []
CMD ["node", "dist/workers/searchd.mjs"]
