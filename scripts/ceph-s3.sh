#!/usr/bin/env bash
# A single-node Ceph cluster with a radosgw S3 endpoint, for the S3 connector's integration tests:
# one mon, one OSD on memstore (objects live in memory), pools of size 1, cephx off, radosgw on
# http://127.0.0.1:7480 and one S3 user whose keys are written to a file. No cephadm, no docker.
#
#   scripts/ceph-s3.sh start    install the packages if missing, build the cluster, wait until S3 answers
#   scripts/ceph-s3.sh stop     stop the daemons and delete the state folder (all objects are lost)
#   scripts/ceph-s3.sh status   say whether radosgw answers
#   scripts/ceph-s3.sh env      print `export RECTIFY_S3_ENDPOINT=... RECTIFY_S3_ACCESS_KEY_ID=... ...`
#
# State lives in $RECTIFY_CEPH_DIR (default /var/tmp/rectify-ceph); the keys in its s3-keys.env
# (mode 600), which test/connectors/s3 reads when the RECTIFY_S3_* variables are not set.
# `start` is idempotent: a radosgw that already answers is left alone. A state folder whose daemons
# died (a reboot: memstore keeps nothing) is rebuilt from scratch, with new keys.
# Must run as root (CI: Debian 12, root, clean machine). Test-only: NOT a production setup.
set -euo pipefail

STATE=${RECTIFY_CEPH_DIR:-/var/tmp/rectify-ceph}
CONF=$STATE/ceph.conf
KEYS=$STATE/s3-keys.env
HOST=127.0.0.1
PORT=7480
ENDPOINT=http://$HOST:$PORT
export CEPH_CONF=$CONF

log() { echo "ceph-s3: $*"; }
fail() { echo "ceph-s3: $*" >&2; exit 1; }

# True when something answers HTTP on the radosgw port (bash's /dev/tcp: no curl needed).
rgw_answers() {
  (
    exec 3<>"/dev/tcp/$HOST/$PORT" || exit 1
    printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$HOST" >&3
    timeout 2 head -c 12 <&3 | grep -q '^HTTP/1'
  ) 2>/dev/null
}

install_packages() {
  local missing=()
  command -v ceph-mon >/dev/null || missing+=(ceph-mon)
  command -v ceph-osd >/dev/null || missing+=(ceph-osd)
  command -v radosgw >/dev/null || missing+=(radosgw)
  command -v ceph >/dev/null || missing+=(ceph-common)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || fail "packages ${missing[*]} are missing and installing them needs root"
  log "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd ceph-common >/dev/null
}

# Stops the daemons started from this state folder, by their pid files (never by name: another
# Ceph on the machine is none of our business).
stop_daemons() {
  local pidfile pid
  for pidfile in "$STATE"/run/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile" 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pidfile in "$STATE"/run/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile" 2>/dev/null || true)
    for _ in $(seq 1 50); do
      { [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; } && break
      sleep 0.2
    done
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

write_conf() {
  local fsid=$1
  cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon host = [v2:$HOST:3300,v1:$HOST:6789]
public network = 127.0.0.0/8
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = false
# radosgw and radosgw-admin default to a "secure" mon connection, which needs cephx: with auth
# none they would wait 300 s for the mon and give up ("failed to fetch mon config").
ms mon client mode = crc
keyring = $STATE/keyring
run dir = $STATE/run
pid file = $STATE/run/\$name.pid
admin socket = $STATE/run/\$name.asok
log file = $STATE/log/\$name.log
mon data = $STATE/mon/\$name
osd data = $STATE/osd/\$name
osd objectstore = memstore
memstore device bytes = 2147483648
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
mon max pg per osd = 1000
osd max object name len = 460
osd max object namespace len = 64

[client.rgw.rectify]
rgw frontends = beast endpoint=$HOST:$PORT
rgw data = $STATE/rgw
rgw dns name = localhost
EOF
}

build_cluster() {
  local fsid osd_uuid osd_id
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  stop_daemons
  rm -rf "$STATE"
  mkdir -p "$STATE"/{run,log,mon,osd,rgw}
  chmod 700 "$STATE"
  write_conf "$fsid"

  # cephx is off, but some tools still open the keyring: give them one.
  ceph-authtool --create-keyring "$STATE/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$STATE/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mgr 'allow *' >/dev/null

  log "creating the mon"
  monmaptool --create --fsid "$fsid" --addv a "[v2:$HOST:3300,v1:$HOST:6789]" "$STATE/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$STATE/monmap" --keyring "$STATE/keyring"
  ceph-mon -i a
  timeout 60 ceph --connect-timeout 5 -s >/dev/null || fail "the mon did not answer; see $STATE/log/mon.a.log"

  log "creating the OSD (memstore)"
  osd_id=$(ceph osd new "$osd_uuid")
  mkdir -p "$STATE/osd/osd.$osd_id"
  ceph-osd -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" 2>>"$STATE/log/osd-mkfs.log"
  ceph-osd -i "$osd_id" 2>>"$STATE/log/osd-start.log"
  for _ in $(seq 1 60); do
    ceph osd stat 2>/dev/null | grep -q '1 up' && break
    sleep 1
  done
  ceph osd stat | grep -q '1 up' || fail "the OSD did not come up; see $STATE/log/osd.$osd_id.log"

  log "starting radosgw on $ENDPOINT"
  radosgw -n client.rgw.rectify
  for _ in $(seq 1 120); do
    rgw_answers && break
    sleep 1
  done
  rgw_answers || fail "radosgw did not answer on $ENDPOINT; see $STATE/log/client.rgw.rectify.log"

  create_user
}

random_text() { # length alphabet
  tr -dc "$2" </dev/urandom | head -c "$1" || true
}

create_user() {
  local access secret
  access=$(random_text 20 'A-Z0-9')
  secret=$(random_text 40 'A-Za-z0-9')
  radosgw-admin user create --uid=rectify --display-name='Rectify tests' \
    --access-key="$access" --secret-key="$secret" >/dev/null
  (
    umask 077
    cat >"$KEYS" <<EOF
RECTIFY_S3_ENDPOINT=$ENDPOINT
RECTIFY_S3_ACCESS_KEY_ID=$access
RECTIFY_S3_SECRET_ACCESS_KEY=$secret
EOF
  )
  log "S3 user 'rectify' created; keys in $KEYS (\`scripts/ceph-s3.sh env\` prints them as exports)"
}

start() {
  if rgw_answers; then
    [ -s "$KEYS" ] || fail "something answers on $ENDPOINT but $KEYS is missing: not our radosgw? Stop it first."
    log "already up on $ENDPOINT"
    return 0
  fi
  install_packages
  local began=$SECONDS
  build_cluster
  log "up on $ENDPOINT after $((SECONDS - began)) s"
}

case "${1:-}" in
  start) start ;;
  stop)
    stop_daemons
    rm -rf "$STATE"
    log "stopped" ;;
  status)
    if rgw_answers; then log "up on $ENDPOINT"; else log "down"; exit 1; fi ;;
  env)
    [ -s "$KEYS" ] || fail "no keys in $KEYS: run \`scripts/ceph-s3.sh start\` first"
    printf 'export'
    while IFS= read -r line; do printf ' %s' "$line"; done <"$KEYS"
    printf '\n' ;;
  *) echo "usage: scripts/ceph-s3.sh start|stop|status|env" >&2; exit 2 ;;
esac
