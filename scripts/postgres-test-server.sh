#!/usr/bin/env bash
# A throwaway PostgreSQL for the live tests of scalability-advisor-postgres, on a loopback
# port, with pg_stat_statements loaded and I/O timing on. Installs Debian's postgresql when
# no server is present.
#
#   scripts/postgres-test-server.sh start   # prints export lines for the tests
#   scripts/postgres-test-server.sh stop
#
# Port: $ADVISOR_PG_PORT (default 54329). Data: $ADVISOR_PG_DIR (default /tmp/advisor-pg).
# Databases: advisor_test (with pg_stat_statements) and advisor_plain (without). Roles:
# advisor (superuser, sets up the workload) and monitor (pg_monitor only, what the collector
# needs). A streaming replica of it listens on the next port (data in $ADVISOR_PG_DIR/replica).
set -euo pipefail
port=${ADVISOR_PG_PORT:-54329}
dir=${ADVISOR_PG_DIR:-/tmp/advisor-pg}

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}
# Something answers on this loopback port.
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Whatever fails from here on, the server's own log says why (the caller sees only stderr).
show_logs() {
  for f in "$dir/server.log" "$dir/replica.log"; do
    if [ -f "$f" ]; then echo "--- $f" >&2; tail -n 40 "$f" >&2; fi
  done
}

case "${1:-}" in
start)
  trap 'echo "postgres-test-server.sh: start failed at line $LINENO" >&2; show_logs' ERR
  bin=$(find_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "installing Debian's postgresql" >&2
    # A registry that fails once (a mirror being synced, a dropped connection) gets two
    # more tries before the run gives up.
    for try in 1 2 3; do
      if as_root apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2; then
        break
      fi
      [ "$try" = 3 ] && { echo "could not install Debian's postgresql" >&2; exit 1; }
      sleep $((try * 10))
    done
    bin=$(find_bin)
  fi
  # A server left running by an earlier run (its pid files may be gone) is stopped first.
  for d in "$dir/replica" "$dir/data"; do
    if [ -f "$d/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true
    fi
  done
  pkill -f -- "-D $dir/" 2>/dev/null && sleep 1 || true
  # Another program on the port (or the next, for the replica): move up to a free pair.
  for _ in $(seq 1 20); do
    if in_use "$port" || in_use $((port + 1)); then
      echo "port $port or $((port + 1)) is taken: trying $((port + 2))" >&2
      port=$((port + 2))
    else
      break
    fi
  done
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root: the server runs as Debian's postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$dir"
  fi
  as_owner "$bin/initdb" -D "$dir/data" -U advisor --auth=trust -E UTF8 >/dev/null
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c track_io_timing=on -c fsync=off -c synchronous_commit=off" \
    start >/dev/null
  # track_wal_io_timing exists from PostgreSQL 14.
  psql=( "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U advisor )
  "${psql[@]}" -d postgres -c "ALTER SYSTEM SET track_wal_io_timing = on" >/dev/null 2>&1 || true
  "${psql[@]}" -d postgres -c "SELECT pg_reload_conf()" >/dev/null
  "${psql[@]}" -d postgres -c "CREATE DATABASE advisor_test" -c "CREATE DATABASE advisor_plain" \
    -c "CREATE ROLE monitor LOGIN IN ROLE pg_monitor"
  "${psql[@]}" -d advisor_test -c "CREATE EXTENSION pg_stat_statements"
  # A streaming replica on the next port, reporting its position every second, so a test can
  # pause its replay and read the lag the primary sees.
  # A fast checkpoint: the default spread one makes the backup wait minutes for it.
  as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U advisor -D "$dir/replica" -R -X stream \
    --checkpoint=fast
  as_owner "$bin/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w \
    -o "-p $((port + 1)) -k $dir -c listen_addresses=127.0.0.1 -c wal_receiver_status_interval=1s" \
    start >/dev/null
  echo "export ADVISOR_PG_ADMIN='host=127.0.0.1 port=$port user=advisor dbname=advisor_test'"
  echo "export ADVISOR_PG_MONITOR='host=127.0.0.1 port=$port user=monitor dbname=advisor_test'"
  echo "export ADVISOR_PG_PLAIN='host=127.0.0.1 port=$port user=monitor dbname=advisor_plain'"
  echo "export ADVISOR_PG_REPLICA='host=127.0.0.1 port=$((port + 1)) user=advisor dbname=advisor_test'"
  echo "export ADVISOR_PGBENCH='$bin/pgbench'"
  ;;
stop)
  bin=$(find_bin)
  as_owner "$bin/pg_ctl" -D "$dir/replica" -m fast stop >/dev/null 2>&1 || true
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
