#!/usr/bin/env bash
# Makes a fresh machine ready to run or test alco: Debian packages (searchd, Chromium), npm dependencies, and
# the local services (PostgreSQL, Redis, RabbitMQ) started if they are down. Safe to run again; skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

need_apt=()
command -v searchd >/dev/null 2>&1 || need_apt+=(sphinxsearch)
if [ "${ALCO_SKIP_BROWSER:-0}" != "1" ]; then command -v chromium >/dev/null 2>&1 || need_apt+=(chromium); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
    say "missing ${need_apt[*]} and not root: install them with apt-get and run again"; exit 1
  fi
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO=sudo
  say "installing ${need_apt[*]} from Debian"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# Debian's package starts a searchd of its own on the default ports; ours run on their own ports and dirs.
if pgrep -x searchd >/dev/null 2>&1 && [ -f /etc/sphinxsearch/sphinx.conf ] && pgrep -f "/etc/sphinxsearch/sphinx.conf" >/dev/null 2>&1; then
  (service sphinxsearch stop >/dev/null 2>&1 || true)
fi

stamp=node_modules/.alco-lock-hash
want=$(sha1sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done; return 1; }

if ! port_open 5432; then
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  wait_port 5432 || { say "PostgreSQL did not come up"; exit 1; }
fi
if ! port_open 6379; then
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 6379 || { say "Redis did not come up"; exit 1; }
fi
if ! port_open 5672; then
  say "starting RabbitMQ"
  rabbitmq-server -detached
  rabbitmqctl await_startup >/dev/null
  wait_port 5672 || { say "RabbitMQ did not come up"; exit 1; }
fi
