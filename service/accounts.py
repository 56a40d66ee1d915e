"""Users, roles and API tokens. Passwords and tokens are stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from service.errors import N_, Conflict, InvalidInput
from service.models import ApiToken, LoginAttempt, LoginThrottle, Role, User, as_utc, utcnow


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


def set_display_name(user: User, name: object) -> None:
    """The name shown as byline and in history; blank falls back to the login name."""
    if not isinstance(name, str) or len(name.strip()) > 120:
        raise InvalidInput(N_("the display name can have at most 120 characters"), field="display_name")
    user.display_name = " ".join(name.split()) or None


def set_password(user: User, password: str) -> None:
    """A new password (e.g. for users imported from an archive made without passwords)."""
    if len(password) < 8:
        raise InvalidInput("password must be at least 8 characters", field="password")
    user.password_hash = generate_password_hash(password)


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


MAX_FAILED_LOGINS = 5  # per name from one address
MAX_ADDRESS_LOGINS = 30  # per address, whatever the names (one office may share an address)
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


def take_login_slot(session: Session, username: str, address: str) -> int:
    """Count this sign-in attempt before its password is checked; returns the seconds to wait (0: go on).

    Each attempt increments two counters in one atomic upsert each: this name from this address
    (5 per 15 minutes) and this address across names (30). Counting first is what makes the limit
    hold under parallel guesses: the sixth concurrent guess sees 6, whatever the others are doing.
    The caller commits at once, before the (slow) password check.
    """
    now = utcnow()
    waits = [
        _count(session, key, now, limit)
        for key, limit in ((f"{username[:80]}@{address}", MAX_FAILED_LOGINS), (f"@{address}", MAX_ADDRESS_LOGINS))
    ]
    return max(waits)


def login_succeeded(session: Session, username: str, address: str) -> None:
    """A right password forgives this name's failures and gives its slot back to the address."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == f"{username[:80]}@{address}"))
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == f"@{address}", LoginThrottle.attempts > 0)
        .values(attempts=LoginThrottle.attempts - 1)
    )


def _count(session: Session, key: str, now: datetime, limit: int) -> int:
    """One more attempt on `key` (a new window once the old one is over); seconds to wait if over `limit`."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    expired = LoginThrottle.window_start < now - FAILED_LOGIN_WINDOW
    statement = (
        insert(LoginThrottle)
        .values(key=key, attempts=1, window_start=now)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={
                "attempts": case((expired, 1), else_=LoginThrottle.attempts + 1),
                "window_start": case((expired, now), else_=LoginThrottle.window_start),
            },
        )
        .returning(LoginThrottle.attempts, LoginThrottle.window_start)
    )
    attempts, started = session.execute(statement).one()
    if attempts <= limit:
        return 0
    return max(1, int((as_utc(started) + FAILED_LOGIN_WINDOW - now).total_seconds()))


def record_failed_login(session: Session, username: str, address: str) -> None:
    """Keep a log of failed sign-ins for admins (the limit itself is `take_login_slot`)."""
    session.add(LoginAttempt(username=username[:80], address=address[:64]))
    long_ago = utcnow() - FAILED_LOGIN_WINDOW * 4
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < long_ago))
    session.execute(delete(LoginThrottle).where(LoginThrottle.window_start < long_ago))


def set_ui_locale(user: User, locale: str, known_locales: tuple[str, ...]) -> None:
    if locale not in known_locales:
        raise InvalidInput(f"unknown language {locale!r}", field="locale")
    user.ui_locale = locale
