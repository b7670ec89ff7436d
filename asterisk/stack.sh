#!/usr/bin/env bash
# The local stack for machines without Docker: one Debian sid chroot (cached outside the clone) holding
# Asterisk 22, PostgreSQL 18 + DocumentDB, baresip, SIPp, espeak-ng and sox; plus the project's MongoDB
# wire-protocol gateway (tools/mongo-gateway) running on the host in front of DocumentDB.
#
#   bash asterisk/stack.sh up|down|status|build|shell
#
# Everything listens on 127.0.0.1 only. Idempotent: `up` builds what is missing and starts what is not
# running; a second `up` with a cached chroot takes seconds.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${ARIFLOW_CACHE:-/var/cache/ariflow}
PACKAGES=asterisk,asterisk-core-sounds-en-gsm,asterisk-moh-opsound-gsm,baresip-core,sip-tester,espeak-ng,sox,postgresql-18-documentdb
# The chroot's name changes with its package list, so a changed list builds a new one beside the old.
ROOT=$CACHE/sid-$(printf '%s v1' "$PACKAGES" | sha1sum | cut -c1-10)
RUN=$CACHE/run
MEDIA=${ARIFLOW_MEDIA_DIR:-$CACHE/media}
PG_PORT=${ARIFLOW_PG_PORT:-55432}
MONGO_PORT=${ARIFLOW_MONGO_PORT:-27117}
ARI_PORT=8088
ARI_USERNAME=${ARI_USERNAME:-ariflow}
ARI_PASSWORD=${ARI_PASSWORD:-ariflow}
MIRROR=${ARIFLOW_DEBIAN_MIRROR:-http://deb.debian.org/debian}
AST_CONF=/etc/ariflow-asterisk

log() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "the local stack needs root (chroot, mount); run as root or use docker-compose"; }

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # seconds, description, command...
  local secs=$1 what=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

host_apt_install() {
  # Another apt run (e.g. unattended upgrades) may hold the lock: wait for it instead of failing.
  local opts=(-o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends)
  local out; out=$(mktemp)
  # Quiet on success (debconf and needrestart chatter); the whole output on failure.
  if ! { apt-get "${opts[@]:0:2}" update -qq && DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get "${opts[@]}" install "$@"; } >"$out" 2>&1; then
    cat "$out" >&2; rm -f "$out"; die "apt-get could not install $*"
  fi
  rm -f "$out"
}

build() {
  need_root
  [ -f "$ROOT/.ariflow-ready" ] && return 0
  command -v mmdebstrap >/dev/null || { log "installing mmdebstrap on the host"; host_apt_install mmdebstrap; }
  mkdir -p "$CACHE"
  local tmp=$ROOT.partial
  unmount_all "$tmp"
  rm -rf --one-file-system "$tmp"
  log "building the Debian sid chroot in $ROOT (about a minute)"
  # Check-Valid-Until off: the archive mirror reachable here is a frozen snapshot whose Release has expired.
  mmdebstrap --variant=apt --quiet \
    --aptopt='APT::Install-Recommends "false"' --aptopt='Acquire::Check-Valid-Until "false"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --include="$PACKAGES" sid "$tmp" "$MIRROR" >"$CACHE/build.log" 2>&1 \
    || { tail -20 "$CACHE/build.log" >&2; die "chroot build failed (log: $CACHE/build.log)"; }
  # The package's default cluster is replaced by ours at first start (port and preload settings).
  chroot "$tmp" pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | while read -r v c; do
    chroot "$tmp" pg_dropcluster --stop "$v" "$c" >/dev/null 2>&1 || true
  done
  touch "$tmp/.ariflow-ready"
  mv "$tmp" "$ROOT"
  log "chroot ready"
}

mount_all() {
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  mkdir -p "$ROOT/dev/shm"
  mountpoint -q "$ROOT/dev/shm" || mount -t tmpfs -o size=512m tmpfs "$ROOT/dev/shm"
  mkdir -p "$MEDIA" "$ROOT$MEDIA"
  # Same path inside and outside, so the app and Asterisk name a media file alike.
  mountpoint -q "$ROOT$MEDIA" || mount --bind "$MEDIA" "$ROOT$MEDIA"
}

unmount_all() {
  local root=$1 m
  [ -d "$root" ] || return 0
  # Deepest first.
  for m in $(awk -v r="$root" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}

start_postgres() {
  if port_open "$PG_PORT"; then return 0; fi
  if [ ! -d "$ROOT/etc/postgresql/18/ariflow" ]; then
    log "creating the PostgreSQL 18 + DocumentDB cluster (first start only)"
    chroot "$ROOT" pg_createcluster 18 ariflow -p "$PG_PORT" >/dev/null
  fi
  local conf=$ROOT/etc/postgresql/18/ariflow
  cat >"$conf/conf.d/ariflow.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
shared_preload_libraries = 'pg_cron,pg_documentdb_core,pg_documentdb'
cron.database_name = 'postgres'
max_connections = 200
fsync = on
EOF
  cat >"$conf/pg_hba.conf" <<'EOF'
local all all trust
host all all 127.0.0.1/32 trust
EOF
  chroot "$ROOT" pg_ctlcluster 18 ariflow start >/dev/null 2>"$RUN/postgres.err" \
    || { cat "$RUN/postgres.err" >&2; die "PostgreSQL did not start"; }
  wait_for 30 postgres port_open "$PG_PORT" || die "PostgreSQL is not listening on 127.0.0.1:$PG_PORT"
  chroot "$ROOT" su postgres -s /bin/sh -c \
    "psql -q -p $PG_PORT -h 127.0.0.1 -d postgres -c 'CREATE EXTENSION IF NOT EXISTS documentdb CASCADE'" >/dev/null \
    || die "could not create the documentdb extension"
}

stop_postgres() {
  [ -d "$ROOT/etc/postgresql/18/ariflow" ] || return 0
  chroot "$ROOT" pg_ctlcluster 18 ariflow stop -m fast >/dev/null 2>&1 || true
}

ari_up() { curl -sf -o /dev/null -u "$ARI_USERNAME:$ARI_PASSWORD" "http://127.0.0.1:$ARI_PORT/ari/asterisk/info"; }

start_asterisk() {
  if alive asterisk && ari_up; then return 0; fi
  stop_asterisk
  mkdir -p "$ROOT$AST_CONF"
  cp "$REPO"/asterisk/etc/*.conf "$ROOT$AST_CONF/"
  sed -e "s/@ARI_USERNAME@/$ARI_USERNAME/" -e "s/@ARI_PASSWORD@/$ARI_PASSWORD/" \
    "$REPO/asterisk/etc/ari.conf.template" >"$ROOT$AST_CONF/ari.conf"
  chmod 600 "$ROOT$AST_CONF/ari.conf"
  mkdir -p "$ROOT/var/spool/asterisk/recording" "$ROOT/var/run/asterisk" "$ROOT/var/log/asterisk" "$ROOT/var/lib/asterisk"
  # Registrations persist in astdb; a clean start must not see yesterday's phones.
  rm -f "$ROOT/var/lib/asterisk/astdb.sqlite3"
  ulimit -n 65536 2>/dev/null || true
  setsid chroot "$ROOT" /usr/sbin/asterisk -f -n -C "$AST_CONF/asterisk.conf" \
    </dev/null >"$RUN/asterisk.log" 2>&1 &
  echo $! >"$RUN/asterisk.pid"
  wait_for 30 asterisk ari_up || { tail -20 "$RUN/asterisk.log" >&2; die "Asterisk's ARI did not answer on 127.0.0.1:$ARI_PORT"; }
}

stop_asterisk() {
  if alive asterisk; then
    timeout 5 chroot "$ROOT" /usr/sbin/asterisk -C "$AST_CONF/asterisk.conf" -rx 'core stop now' >/dev/null 2>&1 || true
    local pid; pid=$(cat "$RUN/asterisk.pid")
    wait_for 5 asterisk-stop bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/asterisk.pid"
}

start_gateway() {
  if alive gateway && port_open "$MONGO_PORT"; then return 0; fi
  [ -d "$REPO/node_modules" ] || die "run npm install first (the gateway runs from this clone's node_modules)"
  GATEWAY_HOST=127.0.0.1 GATEWAY_PORT=$MONGO_PORT PGHOST=127.0.0.1 PGPORT=$PG_PORT PGDATABASE=postgres PGUSER=postgres \
    setsid node --import tsx "$REPO/tools/mongo-gateway/main.ts" </dev/null >"$RUN/gateway.log" 2>&1 &
  echo $! >"$RUN/gateway.pid"
  wait_for 30 gateway gateway_ready || { tail -20 "$RUN/gateway.log" >&2; die "the MongoDB gateway is not listening on 127.0.0.1:$MONGO_PORT"; }
}

gateway_ready() {
  alive gateway || { tail -20 "$RUN/gateway.log" >&2; die "the MongoDB gateway exited at start"; }
  port_open "$MONGO_PORT"
}

stop_gateway() {
  if alive gateway; then kill "$(cat "$RUN/gateway.pid")" 2>/dev/null || true; fi
  rm -f "$RUN/gateway.pid"
}

stop_chroot_processes() {
  # Phones and SIPp started by tests run inside the chroot too.
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
  done
}

print_status() {
  local ok=0
  echo "ARI_URL=http://127.0.0.1:$ARI_PORT"
  echo "ARI_USERNAME=$ARI_USERNAME"
  echo "MONGO_URL=mongodb://127.0.0.1:$MONGO_PORT/ariflow"
  echo "ARIFLOW_MEDIA_DIR=$MEDIA"
  echo "ARIFLOW_STACK_ROOT=$ROOT"
  if [ -f "$ROOT/.ariflow-ready" ]; then echo "# chroot: $ROOT"; else echo "# chroot: not built"; ok=1; fi
  if ari_up; then echo "# asterisk: running, ARI on 127.0.0.1:$ARI_PORT"; else echo "# asterisk: stopped"; ok=1; fi
  if port_open "$PG_PORT"; then echo "# postgresql: running on 127.0.0.1:$PG_PORT"; else echo "# postgresql: stopped"; ok=1; fi
  if port_open "$MONGO_PORT"; then echo "# mongo gateway: running on 127.0.0.1:$MONGO_PORT"; else echo "# mongo gateway: stopped"; ok=1; fi
  return $ok
}

cmd=${1:-status}
case "$cmd" in
  build) build ;;
  up)
    need_root
    mkdir -p "$RUN"
    build
    mount_all
    start_postgres
    start_asterisk
    start_gateway
    print_status
    ;;
  down)
    need_root
    stop_gateway
    stop_asterisk
    stop_postgres
    stop_chroot_processes
    unmount_all "$ROOT"
    log "stopped"
    ;;
  status) print_status ;;
  shell) shift; exec chroot "$ROOT" "${@:-/bin/bash}" ;;
  root) echo "$ROOT" ;;
  *) die "usage: stack.sh up|down|status|build|shell [cmd...]|root" ;;
esac
