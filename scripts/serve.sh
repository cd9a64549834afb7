#!/usr/bin/env bash
# Production serving on one host: gunicorn (workers × threads from the configuration,
# see gunicorn.conf.py) and the certificate worker processes, stopped together.
#
#   scripts/serve.sh                   # both (what `make serve` runs)
#   SERVE_WORKER=0 scripts/serve.sh    # web only: an extra app server when scaling out
#   SERVE_WEB=0 scripts/serve.sh       # certificate worker only: an extra worker host
#   CERT_WORKERS=4 scripts/serve.sh    # worker processes (default 2)
#
# Migrations are not run here: run `flask --app dankheo db upgrade` once per release,
# from one host (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
# Production: gunicorn (wsgi.py, gunicorn.conf.py) and the certificate workers refuse to
# start with the demo's SECRET_KEY or PUBLIC_BASE_URL (dankheo/config.py).
export DANKHEO_PRODUCTION=${DANKHEO_PRODUCTION:-true}
SERVE_WEB=${SERVE_WEB:-1}
SERVE_WORKER=${SERVE_WORKER:-1}
CERT_WORKERS=${CERT_WORKERS:-2}

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$SERVE_WORKER" = 1 ]; then
  "$VENV/bin/flask" --app dankheo certificates worker --workers "$CERT_WORKERS" &
  pids+=($!)
fi
if [ "$SERVE_WEB" = 1 ]; then
  "$VENV/bin/gunicorn" -c gunicorn.conf.py &
  pids+=($!)
fi
if [ "${#pids[@]}" = 0 ]; then
  echo "serve: nothing to run (SERVE_WEB=0 and SERVE_WORKER=0)" >&2
  exit 2
fi
# When either process ends, stop the other and report its status.
set +e
wait -n "${pids[@]}"
status=$?
set -e
echo "serve: a process ended with status $status; stopping the others" >&2
exit "$status"
