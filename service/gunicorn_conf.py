"""Gunicorn settings for the web process: `gunicorn -c python:service.gunicorn_conf 'service.app:create_app()'`.

With TARJAMA_LOG_FORMAT=json, gunicorn's own lines (booting, worker exits) come out as JSON like
the application's, so the web process's output is one JSON object per line from the start.
"""

from service import logs
from service.settings import load_settings

_settings = load_settings()
if _settings.log_format == "json":
    logconfig_dict = logs.gunicorn_config(_settings)
