#!/usr/bin/env bash
# Make sure the shared loopback services the tests use are running: PostgreSQL on
# 127.0.0.1:5432 and Redis on 127.0.0.1:6379. Tests that stop or break a server start
# their own instance on another port instead. Safe to run again.
set -euo pipefail
log() { printf '[services] %s\n' "$*" >&2; }

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  log "starting PostgreSQL"
  cluster_version="$(ls /etc/postgresql | sort -V | tail -n1)"
  pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi
pg_isready -q -h 127.0.0.1 -p 5432 || { log "PostgreSQL did not start; see /var/log/postgresql"; exit 1; }

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { log "Redis did not start; see /var/log/redis/ci.log"; exit 1; }

# The test database; trust authentication on loopback, as on the project's machines.
if ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='docmatch_test'" | grep -q 1; then
  log "creating database docmatch_test"
  psql -h 127.0.0.1 -U postgres -qc "create database docmatch_test"
fi
log "PostgreSQL and Redis are up"
