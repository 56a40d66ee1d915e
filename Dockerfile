# One image for web, worker and beat. CPU-only: torch comes from PyTorch's CPU index,
# never the multi-GB CUDA build that argostranslate's declared deps would pull.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends apertium apertium-eng-spa apertium-fr-es \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && pip install --no-cache-dir stanza==1.10.1 \
 && pip install --no-cache-dir --no-deps argostranslate==1.11.0 minisbd==0.9.5 \
 && pip install --no-cache-dir onnxruntime filelock \
 && pip install --no-cache-dir -e . \
 && pybabel compile -d locales
ENV TARJAMA_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "service.app:create_app()"]
