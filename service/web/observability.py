"""The web side of operations: request ids and log context, request timing, and `/metrics`.

`/metrics` answers to the bearer token in TARJAMA_METRICS_TOKEN when one is set (and to nothing
else); without it, to admins' API tokens and to requests from this machine (loopback).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import time
import uuid

from flask import Blueprint, Flask, Response, g, request

from service import accounts, logs, metrics
from service.errors import DomainError, Forbidden
from service.models import Role
from service.web.database import get_session, settings

bp = Blueprint("observability", __name__)
log = logging.getLogger("tarjama.http")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
CONTEXT_ARGS = ("post_id", "translation_id", "locale")


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_unbind)


def _start() -> None:
    """Take the caller's X-Request-ID (a proxy's) or make one; bind what the URL tells."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    known = {name: (request.view_args or {}).get(name) for name in CONTEXT_ARGS}
    known["locale"] = known["locale"] or request.args.get("locale") or None
    g.log_context = logs.bind(request_id=g.request_id, **known)


def _finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule else "(unmatched)"
    metrics.observe_request(request.method, route, response.status_code, seconds)
    response.headers["X-Request-ID"] = g.get("request_id", "")
    log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={"route": route, "status": response.status_code, "duration_ms": round(seconds * 1000, 2)},
    )
    return response


def _unbind(_error: BaseException | None) -> None:
    token = g.pop("log_context", None)
    if token is not None:
        logs.reset(token)


@bp.get("/metrics")
def scrape():
    _authorise()
    return Response(metrics.render(get_session(), settings()), content_type=metrics.CONTENT_TYPE)


def _authorise() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    required = settings().metrics_token
    if required:
        if not token or not hmac.compare_digest(token.encode(), required.encode()):
            raise Unauthorized(
                "send the metrics token: 'Authorization: Bearer $TARJAMA_METRICS_TOKEN'", "Authorization"
            )
        return
    if token:
        user = accounts.user_for_token(get_session(), token)
        if user is None:
            raise Unauthorized("this API token is unknown or revoked", "Authorization")
        if user.role != Role.admin:
            raise Forbidden("only admins' tokens may read /metrics")
        get_session().commit()  # the token's last use
        return
    if not _loopback(request.remote_addr):
        raise Unauthorized("send an admin's API token or the metrics token", "Authorization")


def _loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False
