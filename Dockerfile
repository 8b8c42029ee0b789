# Follow Through's one image: the web server (gunicorn), the queue worker and the one-shot migrate step
# all run it, with different commands (compose.yaml). Build: docker build -t follow-through .
# Not built on the machine this was written on (it cannot run containers): tests/test_ops_containers.py
# checks its shape, and tests/test_ops_serve.py runs the same gunicorn command line as real processes.

# --- assets: GOV.UK Frontend and accessible-autocomplete from npm, copied into tracker/static ------
FROM node:22-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/build_assets.py scripts/
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/* \
    && mkdir -p tracker/static && python3 scripts/build_assets.py

# --- the application ------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint's libraries (Pango, HarfBuzz, fonts), and the OCR and PDF tools the importer uses.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core \
        tesseract-ocr tesseract-ocr-eng poppler-utils curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 --user-group tracker
WORKDIR /app
COPY pyproject.toml README.md ./
COPY tracker tracker
# The dependencies from pyproject.toml; the code itself runs from /app (PYTHONPATH), where the
# templates, the migrations and the built assets sit beside it.
RUN pip install --no-cache-dir .
COPY migrations migrations
COPY templates templates
COPY wsgi.py ./
COPY --from=assets /src/tracker/static/govuk tracker/static/govuk
COPY --from=assets /src/tracker/static/autocomplete tracker/static/autocomplete
# The instance folder (the secret key file, a local queue) belongs to the unprivileged user; in
# production every setting comes from the environment (README: Deploying).
RUN mkdir -p /app/instance && chown tracker:tracker /app/instance
USER tracker
ENV PYTHONPATH=/app INSTANCE_PATH=/app/instance TRACKER_BIND=0.0.0.0:8000 FLASK_APP=wsgi.py
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD curl --fail --silent --max-time 2 http://127.0.0.1:8000/healthz || exit 1
# SIGTERM (docker stop) lets gunicorn finish the requests in progress (TRACKER_GRACEFUL_TIMEOUT, 30 s).
STOPSIGNAL SIGTERM
CMD ["gunicorn", "-c", "tracker/ops/gunicorn_conf.py", "wsgi:app"]
