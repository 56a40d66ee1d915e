"""Users, roles and API tokens. Passwords and tokens are stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from service.errors import Conflict, InvalidInput
from service.models import ApiToken, LoginAttempt, Role, User, as_utc, utcnow


def create_user(
    session: Session,
    username: str,
    role: str,
    password: str,
    languages: list[str] | None = None,
    known_locales: tuple[str, ...] = (),
) -> User:
    username = username.strip()
    if not username or len(username) > 80:
        raise InvalidInput("username must be 1 to 80 characters", field="username")
    if role not in {r.value for r in Role}:
        raise InvalidInput(f"role must be one of {', '.join(r.value for r in Role)}", field="role")
    if len(password) < 8:
        raise InvalidInput("password must be at least 8 characters", field="password")
    languages = [lang.strip() for lang in (languages or []) if lang.strip()]
    unknown = [lang for lang in languages if known_locales and lang not in known_locales]
    if unknown:
        raise InvalidInput(
            f"unknown languages {', '.join(unknown)}; configured: {', '.join(known_locales)}", field="languages"
        )
    if role == Role.translator and not languages:
        raise InvalidInput("a translator needs at least one language (--languages fa,ar)", field="languages")
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"user {username!r} already exists", field="username")
    user = User(username=username, role=role, languages=languages, password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user


def check_password(user: User | None, password: str) -> bool:
    return bool(user and user.active and check_password_hash(user.password_hash, password))


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, name: str = "default") -> str:
    """Return a new bearer token; only its hash is kept, so it is shown once."""
    token = "trj_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_digest(token)))
    session.flush()
    return token


TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def user_for_token(session: Session, token: str) -> User | None:
    """The token's user (one query); `last_used_at` is written at most once a minute, not per request."""
    query = select(ApiToken).where(ApiToken.token_hash == _digest(token)).options(joinedload(ApiToken.user))
    record = session.scalar(query)
    if record is None or record.revoked_at is not None or not record.user.active:
        return None
    now = utcnow()
    if record.last_used_at is None or now - as_utc(record.last_used_at) >= TOKEN_USE_RESOLUTION:
        record.last_used_at = now
    return record.user


MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


def login_wait_seconds(session: Session, username: str, address: str) -> int:
    """Seconds before this name may try again from this address (0: go ahead).

    Five failures within fifteen minutes lock that name from that address until the
    oldest of them leaves the window.
    """
    since = utcnow() - FAILED_LOGIN_WINDOW
    query = select(func.count(), func.min(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.address == address, LoginAttempt.at > since
    )
    failures, oldest = session.execute(query).one()
    if failures < MAX_FAILED_LOGINS:
        return 0
    return max(1, int((as_utc(oldest) + FAILED_LOGIN_WINDOW - utcnow()).total_seconds()))


def record_failed_login(session: Session, username: str, address: str) -> None:
    session.add(LoginAttempt(username=username[:80], address=address[:64]))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - FAILED_LOGIN_WINDOW * 4))


def set_ui_locale(user: User, locale: str, known_locales: tuple[str, ...]) -> None:
    if locale not in known_locales:
        raise InvalidInput(f"unknown language {locale!r}", field="locale")
    user.ui_locale = locale
