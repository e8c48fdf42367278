#!/usr/bin/env bash
# npm run bench:pooling — what routing through the catalog costs. Starts three servers on
# PostgreSQL databases of their own and runs post1-4q and worker-4q (4 queues each) against them:
#   off       pooling off, one database
#   1 pool    pooling on, every queue on one pool
#   2 pools   pooling on, two pools of equal weight (the 4 queues spread by weight: usually 2 and 2)
# Arguments go to npm run bench (e.g. --repeat 3 --seconds 10). BENCH_PG: the PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DBS=(zbp_off zbp_one zbp_one_a zbp_two zbp_two_a zbp_two_b)
PIDS=()

stop() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT

for db in "${DBS[@]}"; do
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
npm run build --silent

start() { # port, database, pooling
  PORT=$1 STORAGE_URL="$PG/$2" POOLING=$3 WS_PORT=off SOCKETIO=off \
    node --max-semi-space-size=64 --no-allocation-site-pretenuring dist/src/main.js >"/tmp/zbp-$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/")" != 000 ] && return
    sleep 0.1
  done
  echo "the server on port $1 did not start: /tmp/zbp-$1.log" >&2
  exit 1
}

pool() { # port, pool name, database
  curl -sf -X PUT "http://127.0.0.1:$1/v2/pools/$2" -H 'X-Project-ID: admin' -H 'X-Roles: admin' -H "Client-ID: $(cat /proc/sys/kernel/random/uuid)" \
    -H 'Content-Type: application/json' -d "{\"uri\": \"$PG/$3\", \"weight\": 100}"
}

start 8871 zbp_off off
start 8872 zbp_one on
pool 8872 a zbp_one_a
start 8873 zbp_two on
pool 8873 a zbp_two_a
pool 8873 b zbp_two_b

node dist/bench/run.js --scenarios post1-4q,worker-4q --labels 'off,1 pool,2 pools' "$@" \
  http://127.0.0.1:8871 http://127.0.0.1:8872 http://127.0.0.1:8873
