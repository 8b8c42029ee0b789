#!/bin/sh
# What `make run` runs (tests/test_ops_serve.py runs this same file): the schema upgraded once, the
# demo data if the database is empty, then gunicorn (tracker/ops/gunicorn_conf.py: workers from the
# core count, JSON access log) with the Huey queue consumer beside it. Both stop on Ctrl-C or SIGTERM:
# gunicorn finishes the requests in progress (graceful timeout), the consumer its current task (it is
# sent SIGINT, Huey's graceful stop).
#
# BIN (the virtualenv's bin folder) and PORT come from the Makefile; INSTANCE_PATH, if set, moves the
# database, the queue, the uploads and the secret key to another folder.
set -eu
BIN=${BIN:-.venv/bin}
PORT=${PORT:-5000}
"$BIN/flask" --app wsgi migrate-once >/dev/null
"$BIN/flask" --app wsgi demo-data --if-empty
echo
echo "Follow Through is starting at http://127.0.0.1:$PORT/"
"$BIN/flask" --app wsgi sign-in-help
echo
# Demo mode (TRACKER_DEMO_MODE=1): the sign-in page lists the demo accounts. The consumer generates
# board reports and runs the periodic tasks (the hourly reminder job, tracker/reports/tasks.py); its
# queue is instance/huey.sqlite, or Redis when TRACKER_REDIS_URL is set.
"$BIN/huey_consumer" tracker.reports.consumer.huey --workers 2 --worker-type thread --quiet &
consumer=$!
TRACKER_DEMO_MODE=1 "$BIN/gunicorn" -c tracker/ops/gunicorn_conf.py --bind "127.0.0.1:$PORT" wsgi:app &
web=$!
stop() {
    trap - INT TERM
    kill -TERM "$web" 2>/dev/null || true
    kill -INT "$consumer" 2>/dev/null || true  # Huey's graceful stop: the task in progress finishes
    status=0
    wait "$web" || status=$?
    wait "$consumer" || true
    exit "$status"
}
trap stop INT TERM
status=0
wait "$web" || status=$?
# gunicorn stopped by itself (it could not start, or a worker could not boot): stop the consumer too.
kill -INT "$consumer" 2>/dev/null || true
wait "$consumer" || true
exit "$status"
