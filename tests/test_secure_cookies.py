"""Session cookies are `Secure` whenever the browser came over HTTPS, directly or through a trusted proxy."""

from __future__ import annotations

from service.app import create_app
from tests.factories import PASSWORD, csrf_token


def session_cookie(app, base_url: str, headers: dict | None = None) -> str:
    client = app.test_client()
    page = client.get("/login", base_url=base_url, headers=headers)
    token = csrf_token(page.get_data(as_text=True))
    signed_in = client.post(
        "/login",
        data={"username": "maria", "password": PASSWORD, "csrf_token": token},
        base_url=base_url,
        headers={**(headers or {}), "Referer": "https://news.example/login"},  # CSRF checks it over HTTPS
    )
    assert signed_in.status_code == 302
    return next(c for c in signed_in.headers.getlist("Set-Cookie") if c.startswith("session="))


CASES = [  # trusted proxies, where the browser went, headers the request came with, Secure?
    (0, "http://news.example", {}, False),
    (0, "https://news.example", {}, True),
    (1, "http://news.example", {"X-Forwarded-Proto": "https"}, True),  # TLS ends at the trusted proxy
    (0, "http://news.example", {"X-Forwarded-Proto": "https"}, False),  # nobody vouches for that header
]


def test_session_cookie_is_secure_over_https(settings, people):
    for proxies, base_url, headers, secure in CASES:
        app = create_app(settings.with_(trusted_proxies=proxies))
        cookie = session_cookie(app, base_url, headers)
        assert ("; Secure" in cookie) is secure, (proxies, base_url, headers)
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
