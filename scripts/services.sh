#!/usr/bin/env bash
# Starts the services the integration tests talk to, each only when it is not already answering:
# PostgreSQL (127.0.0.1:5432, trust auth), MariaDB (127.0.0.1:3306, root with no password) and
# Redis (127.0.0.1:6379). S3 (Ceph radosgw) has its own script: scripts/ceph-s3.sh.
#
#   scripts/services.sh start     start what is down, then wait until each answers
#   scripts/services.sh status    print which answer
#
# Used by .ci/run; run it by hand before `npm test` on a machine where a service is stopped.
set -euo pipefail

answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_for() { # name port
  for _ in $(seq 1 60); do
    if answers 127.0.0.1 "$2"; then echo "$1: up on 127.0.0.1:$2"; return 0; fi
    sleep 0.5
  done
  echo "$1: did not come up on 127.0.0.1:$2 within 30 s" >&2
  return 1
}

start_postgres() {
  answers 127.0.0.1 5432 && { echo "postgres: already up"; return 0; }
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  wait_for postgres 5432
}

start_mariadb() {
  answers 127.0.0.1 3306 && { echo "mariadb: already up"; return 0; }
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  wait_for mariadb 3306
}

start_redis() {
  answers 127.0.0.1 6379 && { echo "redis: already up"; return 0; }
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for redis 6379
}

case "${1:-start}" in
  start) start_postgres; start_mariadb; start_redis ;;
  status)
    for pair in postgres:5432 mariadb:3306 redis:6379; do
      if answers 127.0.0.1 "${pair#*:}"; then echo "${pair%%:*}: up"; else echo "${pair%%:*}: down"; fi
    done ;;
  *) echo "usage: scripts/services.sh [start|status]" >&2; exit 2 ;;
esac
