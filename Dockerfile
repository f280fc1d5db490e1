# syntax=docker/dockerfile:1
# subdub: one image for the API (`serve`), the worker (`worker`) and migrations (`migrate up`).
# Build: docker build -t subdub .      Everything comes from PyPI wheels (espeak-ng, FFmpeg and
# libsndfile ship inside them): no system packages, nothing downloaded at run time.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
RUN pip install --no-cache-dir "uv>=0.5"
WORKDIR /app
# Dependencies first (a layer that changes only with the lockfile), then the project itself.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY src ./src
COPY migrations ./migrations
RUN uv sync --frozen --no-dev

FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 subdub \
    && useradd --system --uid 10001 --gid subdub --home-dir /app --shell /usr/sbin/nologin subdub \
    && mkdir -p /data && chown subdub:subdub /data
COPY --from=build --chown=subdub:subdub /app /app
WORKDIR /app
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    SUBDUB_ENV=production \
    SUBDUB_LOG_FORMAT=json \
    SUBDUB_HTTP_HOST=0.0.0.0 \
    SUBDUB_HTTP_PORT=8000 \
    SUBDUB_DATA_DIR=/data
USER subdub
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=2)"]
ENTRYPOINT ["subdub"]
CMD ["serve"]
