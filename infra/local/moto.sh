#!/usr/bin/env bash
# Starts or stops the AWS stand-in (moto server) on 127.0.0.1, tracked by a PID file.
#
#   infra/local/moto.sh start PORT PIDFILE   start in the background, wait until it answers
#   infra/local/moto.sh stop PIDFILE         stop the process named in PIDFILE
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${SKYFORGE_VENV:-$root/.venv}

case "${1:-}" in
  start)
    port=$2 pidfile=$3
    log="${pidfile%.pid}.log"
    mkdir -p "$(dirname "$pidfile")"
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 100); do
      if "$venv/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
        "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then
        exit 0
      fi
      if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        echo "moto: the server exited; its log ($log):" >&2
        tail -20 "$log" >&2
        exit 1
      fi
      sleep 0.2
    done
    echo "moto: no answer on port $port after 20 s (log: $log)" >&2
    exit 1
    ;;
  stop)
    pidfile=$2
    if [[ -f "$pidfile" ]]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    fi
    ;;
  *)
    echo "usage: $0 start PORT PIDFILE | stop PIDFILE" >&2
    exit 2
    ;;
esac
