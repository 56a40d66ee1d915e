# One image for web, worker and beat. No torch, stanza or spacy: Argos comes from the Argos
# project's `argos-translate-lt` build of the `argostranslate` module, declared in pyproject.toml.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends apertium apertium-eng-spa apertium-fr-es \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
 && pybabel compile -d locales
ENV TARJAMA_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "service.app:create_app()"]
