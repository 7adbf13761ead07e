#!/usr/bin/env bash
# WebRTC gathers no ICE candidates on loopback alone, so browser tests and benchmarks run in a private
# network namespace with a veth pair. Nothing leaves it. Already inside one (NETNS_INSIDE=1)? Run directly.
set -euo pipefail
if [ "${NETNS_INSIDE:-}" = 1 ] || ! command -v unshare >/dev/null; then exec "$@"; fi
flag=-n
[ "$(id -u)" = 0 ] || flag=-rn
exec unshare $flag bash -c '
  ip link set lo up
  ip link add v0 type veth peer name v1
  ip addr add 10.77.0.1/24 dev v0; ip addr add 10.77.0.2/24 dev v1
  ip link set v0 up; ip link set v1 up
  ip route add default dev v0
  export NETNS_INSIDE=1
  exec "$@"' bash "$@"
