# One image for web, worker and beat. No torch, stanza or spacy: Argos comes from the Argos
# project's `argos-translate-lt` build of the `argostranslate` module, declared in pyproject.toml.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends apertium apertium-eng-spa apertium-fr-es \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
 && pybabel compile -d locales \
 && useradd --system --home-dir /data tarjama \
 && mkdir -p /data && chown tarjama /data
USER tarjama
ENV TARJAMA_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "-c", "python:service.gunicorn_conf", "--bind", "0.0.0.0:8000", "--workers", "3", "service.app:create_app()"]
