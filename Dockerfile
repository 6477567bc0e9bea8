# The API's image: multi-stage, non-root, installed from the hashed lock file (pip --require-hashes).
#   podman build -t aftersales .            (or docker build)
# Build arguments:
#   BASE     the Python 3.11 base image (default: python:3.11-slim-bookworm from a registry; on a closed network a
#            local Debian image with python3 and python3-venv, e.g. one made with debootstrap)
#   OFFLINE  "1" installs only from the wheels put in .container-wheels/ (pip download -d .container-wheels
#            --require-hashes -r requirements.lock), never from an index
ARG BASE=docker.io/library/python:3.11-slim-bookworm

FROM ${BASE} AS build
ARG OFFLINE=""
COPY requirements.lock /build/requirements.lock
COPY .container-wheels/ /wheels/
RUN python3 -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --require-hashes --no-deps \
      ${OFFLINE:+--no-index --find-links /wheels} -r /build/requirements.lock

FROM ${BASE}
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app
COPY --from=build /venv /venv
WORKDIR /app
COPY server.py settings.py manage.py demo.py i18n.py babel.cfg schema.graphql /app/
COPY domain /app/domain
COPY schema /app/schema
COPY persistence /app/persistence
COPY web /app/web
COPY operations /app/operations
COPY locale /app/locale
RUN mkdir -p /app/var/uploads && chown -R app:app /app/var
USER app
ENV PATH=/venv/bin:$PATH APP_ENV=prod LOG_FORMAT=json PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=2)"]
# One process per container; replicas scale the service. Migrations run once, before the replicas: `manage.py migrate`.
CMD ["uvicorn", "server:app", "--host", "0.0.0.0", "--port", "8000", "--no-server-header", "--no-access-log", \
     "--timeout-graceful-shutdown", "20", "--proxy-headers", "--forwarded-allow-ips", "*", "--ws-max-size", "2097152"]
