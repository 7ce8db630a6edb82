#!/usr/bin/env bash
# Makes a fresh machine ready to run or test alco: Debian packages (searchd, Chromium, rsyslog), npm dependencies, and
# the local services (PostgreSQL, Redis, RabbitMQ): installed from Debian when missing, started when down.
# Safe to run again; skips what is done, and says nothing when everything already runs.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done; return 1; }
# Daemons live in /usr/sbin, which is not on a Debian user's PATH.
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

# The default DATABASE_URL (postgres://postgres@127.0.0.1:5432/alco) connects as the superuser `postgres` over
# loopback without a password; Debian's pg_hba.conf asks for one there, so these lines go first in it.
hba_mark="# alco: the default DATABASE_URL connects as postgres over loopback without a password"
hba_lines="host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust"
hba_cmd="sed -i '1i $hba_mark\n$hba_lines' /etc/postgresql/*/main/pg_hba.conf"

SUDO=""; [ "$(id -u)" = "0" ] || SUDO=sudo
need_apt=()
command -v searchd >/dev/null 2>&1 || need_apt+=(sphinxsearch)
if [ "${ALCO_SKIP_BROWSER:-0}" != "1" ]; then command -v chromium >/dev/null 2>&1 || need_apt+=(chromium); fi
# The syslog tests' senders: util-linux's logger (Debian's bsdutils) and rsyslog forwarding with omfwd, TLS too.
command -v logger >/dev/null 2>&1 || need_apt+=(bsdutils)
have rsyslogd || need_apt+=(rsyslog)
compgen -G "/usr/lib/*/rsyslog/lmnsd_gtls.so" >/dev/null || need_apt+=(rsyslog-gnutls)
# A service that answers on its port is enough, wherever it comes from; one that is down and absent comes from Debian.
fresh=()
if ! port_open 5432 && ! compgen -G "/etc/postgresql/*/main/postgresql.conf" >/dev/null; then
  need_apt+=(postgresql); fresh+=(PostgreSQL)
fi
if ! port_open 6379 && ! have redis-server; then need_apt+=(redis-server); fresh+=(Redis); fi
if ! port_open 5672 && ! have rabbitmq-server; then need_apt+=(rabbitmq-server); fresh+=(RabbitMQ); fi

if [ ${#need_apt[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1 || { [ -n "$SUDO" ] && ! command -v sudo >/dev/null 2>&1; }; then
    why="not root and no sudo"; command -v apt-get >/dev/null 2>&1 || why="no apt-get (alco expects Debian)"
    say "missing ${need_apt[*]}: cannot install them here ($why); as root, run:"
    say "  apt-get update && apt-get install -y ${need_apt[*]}"
    if [[ " ${fresh[*]} " == *" PostgreSQL "* ]]; then
      say "  $hba_cmd"
      say "  pg_ctlcluster \$(ls /etc/postgresql) main reload"
    fi
    say "then run this again"
    exit 1
  fi
  if [ ${#fresh[@]} -gt 0 ]; then say "$(IFS=,; echo "${fresh[*]}" | sed 's/,/, /g') not installed; installing ${need_apt[*]} from Debian"
  else say "installing ${need_apt[*]} from Debian"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [[ " ${fresh[*]} " == *" PostgreSQL "* ]]; then
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf)
  grep -qxF "$hba_mark" "$hba" || $SUDO sed -i "1i $hba_mark\n$hba_lines" "$hba"
  # A package started under systemd is already up and reads the file again on reload; otherwise it starts below.
  if port_open 5432; then $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main reload; fi
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
  # -detached returns before the node has registered, so `rabbitmqctl await_startup` can find no node yet on a
  # first boot; the AMQP port opens last, when the broker is ready. A first boot (a new database) takes longest.
  for _ in $(seq 1 120); do port_open 5672 && break; sleep 1; done
  port_open 5672 || { say "RabbitMQ did not come up in 120 s; its log:"; tail -n 20 /var/log/rabbitmq/*.log 2>/dev/null; exit 1; }
fi
if [ ${#fresh[@]} -gt 0 ]; then
  up=()
  for s in "${fresh[@]}"; do
    case $s in
      PostgreSQL)
        super=$(psql "postgres://postgres@127.0.0.1:5432/postgres" -w -Atc "select rolsuper from pg_roles where rolname = current_user") ||
          { say "PostgreSQL is up but the default DATABASE_URL cannot connect; see $hba"; exit 1; }
        [ "$super" = "t" ] || { say "PostgreSQL's role postgres is not a superuser; alco creates its databases with it"; exit 1; }
        up+=("PostgreSQL $(ls /etc/postgresql) (superuser postgres, no password over 127.0.0.1)") ;;
      Redis) up+=("Redis") ;;
      RabbitMQ) up+=("RabbitMQ (guest over 127.0.0.1)") ;;
    esac
  done
  say "installed from Debian and up on the default URLs: $(IFS=';'; echo "${up[*]}" | sed 's/;/; /g')"
fi
