#!/usr/bin/env bash
# Proves that the README's commands work on a fresh Debian machine: builds a bookworm root with debootstrap,
# clones this repository's HEAD into it, and there runs `bash scripts/setup.sh` as a user without root (it must
# name the commands), then as root (it must install and start PostgreSQL, Redis, RabbitMQ and sphinxsearch),
# checks the default URLs, runs setup again (it must say nothing), and runs `npm run dev` until "alco is up".
#
# Run as root on Debian, with Node.js >= 20.9 on the PATH (the fresh root gets a copy: bookworm's nodejs is 18).
# The root runs in a network namespace of its own, so its services never meet ones this machine runs on the same
# ports; its only way out is a forward proxy that reaches the Debian mirror and the npm registry and nothing else.
# Its packages do not start services on install (policy-rc.d says no, as in a container), so setup starts them.
# Takes 10 to 20 minutes and about 3 GB under ALCO_PROOF_ROOT; everything it started is stopped and unmounted at
# the end, and the root is removed unless ALCO_PROOF_KEEP=1. Not part of `npm test`.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
root=${ALCO_PROOF_ROOT:-/tmp/alco-fresh-debian}
suite=bookworm
host=alco-fresh
ns=alco-fresh-$$
work=$(mktemp -d)

say() { printf '[prove] %s\n' "$*"; }
die() { say "FAILED: $*"; exit 1; }

[ "$(id -u)" = "0" ] || die "run as root"
[ ! -e "$root" ] || die "$root exists; remove it first (or set ALCO_PROOF_ROOT)"
node_bin=$(command -v node) || die "no node on the PATH"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 9) ? 0 : 1)' ||
  die "node $(node -v) is older than 20.9"
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
mirror=${ALCO_PROOF_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
  grep -E '^[[:space:]]*(deb[[:space:]]|URIs:)' | grep -oE 'https?://[^[:space:]]+' | grep -E '/debian/?$' | head -n 1 || true)}
[ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list*: set ALCO_PROOF_MIRROR"
registry=$(npm config get registry)
command -v debootstrap >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

pids=()
cleanup() {
  set +e
  # Everything that runs with the fresh root as its root was started by this script (setup's services, npm run dev).
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -TERM "${p#/proc/}" 2>/dev/null
  done
  sleep 3
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for m in dev/shm dev/pts sys proc; do mountpoint -q "$root/$m" && umount "$root/$m"; done
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
  if [ "${ALCO_PROOF_KEEP:-0}" != "1" ] && [ -d "$root" ]; then
    if [ -z "$(findmnt -rn -o TARGET | grep -F "$root")" ]; then rm -rf --one-file-system "$root"
    else say "left $root: something is still mounted under it"; fi
  fi
}
trap cleanup EXIT

say "$(date -u '+%Y-%m-%d %H:%M UTC'): debootstrap $suite from $mirror into $root"
nice -n 10 debootstrap "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 20 "$work/debootstrap.log"; die "debootstrap"; }
# What the Debian installer writes and debootstrap does not: the hostname resolves (RabbitMQ's node name needs it).
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$host" >"$root/etc/hosts"
echo "$host" >"$root/etc/hostname"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules" && cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# CA certificates added on this machine (say, for a TLS-inspecting proxy) are trusted there too, as their admin would.
extra_ca=""
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cat /usr/local/share/ca-certificates/*.crt >"$root/usr/local/share/alco-proof-extra-ca.pem"
  extra_ca=NODE_EXTRA_CA_CERTS=/usr/local/share/alco-proof-extra-ca.pem
  say "trusting this machine's local CA certificates there too (NODE_EXTRA_CA_CERTS)"
fi
git clone --quiet --no-hardlinks "$repo" "$root/opt/alco"
say "cloned $(git -C "$repo" rev-parse --short HEAD) into /opt/alco; node $(node -v) and npm $(npm -v) copied in"

mount -t proc proc "$root/proc"
mount -t sysfs -o ro sysfs "$root/sys"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"

# The proxy: plain HTTP for apt, CONNECT for npm's HTTPS, only to the mirror's and the registry's hosts. It listens
# on a Unix socket outside; a bridge inside the namespace turns 127.0.0.1:3128 into that socket.
cat >"$work/proxy.mjs" <<'JS'
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
const [mode, where, ...rest] = process.argv.slice(2);
const pipe = (a, b) => {
  a.on("error", () => b.destroy());
  b.on("error", () => a.destroy());
  a.pipe(b).pipe(a);
};
if (mode === "bridge") {
  net.createServer((c) => pipe(c, net.connect(rest[0]))).listen(Number(where), "127.0.0.1");
} else {
  const allowed = new Set(rest);
  fs.rmSync(where, { force: true });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url);
    if (!allowed.has(url.hostname)) return void res.writeHead(403).end();
    const headers = { ...req.headers };
    delete headers["proxy-connection"];
    const up = http.request(
      { host: url.hostname, port: url.port || 80, path: url.pathname + url.search, method: req.method, headers },
      (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  server.on("connect", (req, sock, head) => {
    const [name, port] = req.url.split(":");
    if (!allowed.has(name)) return void sock.end("HTTP/1.1 403 Forbidden\r\n\r\n");
    const up = net.connect(Number(port) || 443, name, () => {
      sock.write("HTTP/1.1 200 Connection established\r\n\r\n");
      up.write(head);
      pipe(sock, up);
    });
    up.on("error", () => sock.destroy());
  });
  server.listen(where);
}
JS
mirror_host=$(node -e 'console.log(new URL(process.argv[1]).hostname)' "$mirror")
registry_host=$(node -e 'console.log(new URL(process.argv[1]).hostname)' "$registry")
node "$work/proxy.mjs" serve "$work/proxy.sock" "$mirror_host" "$registry_host" &
pids+=($!)
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" node "$work/proxy.mjs" bridge 3128 "$work/proxy.sock" &
pids+=($!)
sleep 1

# Runs a command in the fresh root: its own network and hostname, a clean login-like environment.
in_root() {
  ip netns exec "$ns" unshare --uts -- chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    http_proxy=http://127.0.0.1:3128 https_proxy=http://127.0.0.1:3128 ALCO_SKIP_BROWSER=1 $extra_ca \
    /bin/bash -c "hostname $host && $1"
}

say "setup as a user without root (it must name the commands and stop):"
in_root "useradd -m dev && chown -R dev: /opt/alco"
if in_root "cd /opt/alco && runuser -u dev -- bash scripts/setup.sh" >"$work/user.log" 2>&1; then
  cat "$work/user.log"; die "setup succeeded without root on a machine without the services"
fi
cat "$work/user.log"

say "setup as root:"
start=$SECONDS
in_root "cd /opt/alco && nice -n 10 bash scripts/setup.sh" || die "setup as root"
say "setup took $((SECONDS - start)) s"

say "the default URLs:"
in_root "dpkg-query -W -f '\${Package} \${Version}\n' postgresql redis-server rabbitmq-server sphinxsearch"
in_root "psql postgres://postgres@127.0.0.1:5432/postgres -Atc 'select version()'" || die "PostgreSQL"
in_root "redis-cli -u redis://127.0.0.1:6379 ping" || die "Redis"
in_root "rabbitmqctl status | grep -E 'RabbitMQ version|Node name|protocol: amqp'" || die "RabbitMQ"

say "setup again (it must say nothing):"
start=$SECONDS
out=$(in_root "cd /opt/alco && bash scripts/setup.sh" 2>&1) || { echo "$out"; die "second setup"; }
[ -z "$out" ] || { echo "$out"; die "second setup printed something"; }
say "second setup printed nothing and took $((SECONDS - start)) s"

say "npm run dev (until 'alco is up'):"
setsid bash -c "$(declare -f in_root); ns=$ns root=$root host=$host extra_ca=$extra_ca; in_root 'cd /opt/alco && nice -n 10 npm run dev'" \
  >"$work/dev.log" 2>&1 &
dev=$!
pids+=("$dev")
up=0
for _ in $(seq 1 600); do
  if grep -q "alco is up" "$work/dev.log"; then up=1; break; fi
  kill -0 "$dev" 2>/dev/null || break
  sleep 1
done
grep -E '^\[dev\]|alco is up|sign in' "$work/dev.log" | grep -v 'sign in as admin' || true
[ "$up" = 1 ] || { tail -n 40 "$work/dev.log"; die "npm run dev did not say 'alco is up'"; }
in_root "node -e 'fetch(\"http://127.0.0.1:3000/api/grep/demo?limit=1\").then((r) => console.log(\"the web app answers GET /api/grep/demo (no token):\", r.status))'"
kill -INT -- "-$dev" 2>/dev/null || true
wait "$dev" 2>/dev/null || true
say "$(date -u '+%Y-%m-%d %H:%M UTC'): passed"
