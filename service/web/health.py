"""Liveness for load balancers and ops: is the database reachable?"""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from service.web.database import get_session

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    get_session().execute(text("SELECT 1"))
    return jsonify(status="ok")
