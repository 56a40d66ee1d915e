"""Sign-in with Flask-Login: hashed passwords, rate-limited attempts, role checks on every page."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from service import accounts
from service.models import Role, User
from service.web.database import get_session, settings

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"


class WebUser(UserMixin):
    """Flask-Login's view of a user; the domain `User` stays free of Flask."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.id = str(user.id)

    @property
    def is_active(self) -> bool:
        return self.user.active


@login_manager.user_loader
def load_user(user_id: str) -> WebUser | None:
    user = get_session().get(User, int(user_id)) if user_id.isdigit() else None
    return WebUser(user) if user else None


@login_manager.unauthorized_handler
def unauthorized():
    flash(_("Please sign in to continue."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def me() -> User:
    return current_user.user


def role_required(*roles: Role):
    """Only signed-in users with one of these roles; others get 403 (or the sign-in page)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if me().role not in roles:
                abort(403)
            g.user = me()
            return view(*args, **kwargs)

        return wrapper

    return decorator


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


def home_for(user: User) -> str:
    if user.role == Role.translator:
        return url_for("review_queue.queue")
    if user.role in (Role.editor, Role.admin):
        return url_for("editor.desk")
    return "/"


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never redirect a signed-in user to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        db = get_session()
        name, address = form.username.data.strip(), request.remote_addr or "unknown"
        wait = accounts.take_login_slot(db, name, address)
        db.commit()  # counted before the password is checked: parallel guesses see each other
        user = accounts.find_user(db, name)
        if wait:
            form.password.errors.append(
                _("Too many failed sign-ins. Try again in %(minutes)d minutes.", minutes=max(1, round(wait / 60)))
            )
            status = 429
        elif accounts.check_password(user, form.password.data):
            accounts.login_succeeded(db, name, address)
            db.commit()
            session.clear()
            login_user(WebUser(user))
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        else:
            accounts.record_failed_login(db, name, address)
            db.commit()
            form.password.errors.append(_("Wrong name or password."))
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.post("/language")
def choose_language():
    """The UI language: remembered on the account when signed in, in the session otherwise."""
    locale = request.form.get("locale", "")
    if locale not in settings().locales:
        abort(400)
    session["ui_locale"] = locale
    if current_user.is_authenticated:
        accounts.set_ui_locale(me(), locale, settings().locales)
        get_session().commit()
    return redirect(_safe_next(request.form.get("next")) or request.referrer or "/")
