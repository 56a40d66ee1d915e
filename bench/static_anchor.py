"""Tarjama's app plus one route serving files the way Flask serves static files (bench/reader_cache.py).

A module of its own so that gunicorn finds it whichever checkout's `service` package it serves.
"""

from __future__ import annotations

import os


def app():
    from flask import send_from_directory

    from service.app import create_app

    application = create_app()
    folder = os.environ["BENCH_STATIC_DIR"]
    application.add_url_rule(
        "/bench-static/<path:name>", "bench_static", lambda name: send_from_directory(folder, name)
    )
    return application
