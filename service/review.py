"""Review: the states a translation goes through once its draft exists, and who may move it.

    awaiting_review/rejected/published --claim--> in_review --approve--> approved -> published
                                           |  \\--reject (comment)--> rejected
                                           \\--release--> awaiting_review
    failed --retry--> queued

Every change is recorded as a TranslationEvent (who, what, when).

Two people may act on one draft at the same instant, so every change is a conditional write:
`UPDATE ... WHERE state = <what this request read> AND claimed_by = <holder it read>`, checked by
its row count. Exactly one of two racing requests matches; the other is told who won. On
PostgreSQL (READ COMMITTED) the loser's UPDATE waits for the winner's commit and then finds the
row changed; on SQLite the first write takes the database's write lock, so the same holds.
The write on the translation row comes first in every action, which also orders a segment save
against an approval: an approval never publishes text older than a save that got its 200.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import NoReturn

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from service import characters, glossary, memory, publishing, qa, terms
from service.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from service.models import Role, State, TranslatedSegment, Translation, TranslationEvent, User, as_utc, utcnow
from service.segments import normalise

# A published translation can be claimed again to correct it; approving re-publishes it.
# An outdated translation is a correction drafted after the original was edited.
CLAIMABLE = {State.awaiting_review.value, State.rejected.value, State.published.value, State.outdated.value}


def record(translation: Translation, actor: User | None, action: str, detail: str | None = None) -> None:
    translation.events.append(TranslationEvent(actor_id=actor.id if actor else None, action=action, detail=detail))


def move(translation: Translation, state: State) -> None:
    translation.state = state.value
    translation.state_changed_at = utcnow()


def _as_read(translation: Translation) -> list[ColumnElement[bool]]:
    """The row as this request saw it: its state and its holder."""
    holder = translation.claimed_by_id
    return [
        Translation.state == translation.state,
        Translation.claimed_by_id.is_(None) if holder is None else Translation.claimed_by_id == holder,
    ]


def _change(session: Session, translation: Translation, expected: list[ColumnElement[bool]], **values: object) -> bool:
    """Write `values` only if the row still matches `expected`; False when someone changed it first.

    Everything in the session is expired afterwards, so what the caller reads next (the holder,
    the segments) comes from the database, as the winner left it.
    """
    if "state" in values:
        values["state_changed_at"] = utcnow()
    translation_id = translation.id
    statement = (
        update(Translation)
        .where(Translation.id == translation_id, *expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    changed = session.execute(statement).rowcount == 1
    session.expire_all()
    if not changed and session.scalar(select(Translation.id).where(Translation.id == translation_id)) is None:
        raise NotFound(N_("this draft no longer exists: its language was dropped or its post deleted"))
    return changed


def _lost_race(translation: Translation, user: User, check: Callable[[Translation, User], object]) -> NoReturn:
    """Someone changed the draft between our read and our write: say what it is now.

    `check` is the action's own precondition, run again on the fresh row: it raises the usual
    message (e.g. who holds the draft now); otherwise a general Conflict names the new state.
    """
    check(translation, user)
    raise Conflict(
        N_("someone changed this draft at the same moment (it is %(state)s now); reload it and try again"),
        params={"state": translation.state},
    )


def claim_expired(translation: Translation, idle_seconds: int) -> bool:
    last = translation.claimed_at
    if last is None:
        return True
    return utcnow() - as_utc(last) > timedelta(seconds=idle_seconds)


def _require_translator(translation: Translation, user: User) -> None:
    if not user.can_translate(translation.locale):
        raise Forbidden(N_("you do not translate into %(locale)s"), params={"locale": translation.locale})


def claim(session: Session, translation: Translation, user: User, idle_seconds: int) -> None:
    """Lock the draft for one translator; a claim left idle too long can be taken over."""

    def check(translation: Translation, user: User) -> bool:
        """True when the user holds the draft already; raises when it cannot be claimed."""
        _require_translator(translation, user)
        if translation.state == State.in_review.value:
            if translation.claimed_by_id == user.id:
                return True
            if not claim_expired(translation, idle_seconds):
                holder = translation.claimed_by.username if translation.claimed_by else "someone"
                raise Conflict(
                    N_("this draft is being reviewed by %(holder)s"), params={"holder": holder}, holder=holder
                )
        elif translation.state not in CLAIMABLE:
            raise Conflict(N_("a draft in state %(state)s cannot be claimed"), params={"state": translation.state})
        return False

    expected = _as_read(translation)
    if check(translation, user):
        if not _change(session, translation, expected, claimed_at=utcnow()):
            _lost_race(translation, user, check)
        return
    if translation.state == State.in_review.value:  # taking over an idle claim: only if it is still idle
        expected.append(Translation.claimed_at == translation.claimed_at)
    if not _change(
        session, translation, expected, state=State.in_review.value, claimed_by_id=user.id, claimed_at=utcnow()
    ):
        if check(translation, user):  # our own other request won: the draft is ours either way
            return
        _lost_race(translation, user, check)
    record(translation, user, "claimed")


def reassign(session: Session, translation: Translation, admin: User, to_user: User) -> None:
    """An admin hands a draft to another translator of its locale (e.g. the holder is away)."""
    if admin.role != Role.admin:
        raise Forbidden(N_("only admins can reassign drafts"))
    if not to_user.can_translate(translation.locale) or to_user.role != Role.translator:
        raise InvalidInput(
            N_("%(name)s does not translate into %(locale)s"),
            field="user",
            params={"name": to_user.username, "locale": translation.locale},
        )

    def check(translation: Translation, _admin: User) -> None:
        if translation.state not in CLAIMABLE | {State.in_review.value}:
            raise Conflict(N_("a draft in state %(state)s cannot be reassigned"), params={"state": translation.state})

    check(translation, admin)
    values = {"state": State.in_review.value, "claimed_by_id": to_user.id, "claimed_at": utcnow()}
    if not _change(session, translation, _as_read(translation), **values):
        _lost_race(translation, admin, check)
    record(translation, admin, "reassigned", to_user.username)


def release(session: Session, translation: Translation, user: User) -> None:
    _take_back(session, translation, user, State.awaiting_review)
    record(translation, user, "released")


def _take_back(session: Session, translation: Translation, user: User, state: State, **values: object) -> None:
    """End the claim: move the draft on from in_review, if it is still held as this request saw it."""
    _require_holder(translation, user)
    values = {"state": state.value, "claimed_by_id": None, "claimed_at": None, **values}
    if not _change(session, translation, _as_read(translation), **values):
        _lost_race(translation, user, _holder_if_in_review)


def _holder_if_in_review(translation: Translation, user: User) -> None:
    if translation.state == State.in_review.value:
        _require_holder(translation, user)


def _require_holder(translation: Translation, user: User) -> None:
    _require_translator(translation, user)
    if translation.state != State.in_review.value:
        raise Conflict(N_("claim the draft before changing it"))
    if translation.claimed_by_id != user.id and user.role != Role.admin:
        holder = translation.claimed_by.username if translation.claimed_by else "someone"
        raise Conflict(N_("this draft is held by %(holder)s"), params={"holder": holder}, holder=holder)


def edit_segment(
    session: Session, translation: Translation, position: int, user: User, text: object, version: object
) -> TranslatedSegment:
    """Save one segment; a stale `version` means someone saved in between: never overwrite.

    The save first touches the translation row (still in review, same holder), then writes the
    segment only if its version is the one the translator edited. The loser of two saves gets
    a Conflict carrying the winner's text and version.
    """
    _require_holder(translation, user)
    segment = session.scalar(
        select(TranslatedSegment).where(
            TranslatedSegment.translation_id == translation.id, TranslatedSegment.position == position
        )
    )
    source = next((s for s in translation.revision.segments if s.position == position), None)
    if segment is None or source is None:
        raise NotFound(N_("segment %(n)d does not exist"), params={"n": position})
    if not isinstance(text, str):
        raise InvalidInput(N_("text must be a string"), field="text")
    characters.refuse_unstorable(text, "text")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput(N_("version must be the segment's version number you edited"), field="version")
    if version != segment.version:
        raise _stale(segment)
    if not _change(session, translation, _as_read(translation), claimed_at=utcnow()):
        _lost_race(translation, user, _holder_if_in_review)
    clean = normalise(text)
    terms = glossary.terms_for(session, translation.post.source_locale, translation.locale)
    statement = (
        update(TranslatedSegment)
        .where(TranslatedSegment.id == segment.id, TranslatedSegment.version == version)
        .values(
            text=clean,
            origin="human",
            warnings=qa.check_segment(source.source_text, clean, translation.locale, terms),
            confidence=None,  # a person wrote it: nothing left for the machine to be unsure about
            version=version + 1,
            updated_by_id=user.id,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    saved = session.execute(statement).rowcount == 1
    session.expire(segment)
    if not saved:
        raise _stale(segment)
    record(translation, user, "edited", f"segment {position}")
    return segment


def _stale(segment: TranslatedSegment) -> Conflict:
    return Conflict(
        N_("this segment was saved by someone else since you opened it"),
        field="version",
        current={"text": segment.text, "version": segment.version},
    )


def approve(
    session: Session,
    translation: Translation,
    user: User,
    shown: dict[int, str] | None = None,
    versions: object = None,
) -> None:
    """Approval publishes the locale at once.

    The segments are read after the conditional write, so a save that committed first is in
    the page, and a save that comes later finds the draft approved and gets a Conflict.
    What the approver saw must still be what is stored, or nothing is published: `shown` is the
    text the web editor shows per position (an edit not saved yet), `versions` the segment
    versions an API client read (someone saved since).
    """
    read = _read_versions(translation, versions)
    _take_back(session, translation, user, State.approved)
    if any(not s.text.strip() for s in translation.segments):
        raise InvalidInput(N_("some segments are empty; fill them before approving"), field="segments")
    _refuse_unseen_changes(translation, shown or {}, read)
    record(translation, user, "approved")
    memory.store_approved(session, translation, user)
    terms.approve_names(session, translation.post, translation.locale)
    publishing.publish_approved(session, translation, user.id)


def _read_versions(translation: Translation, raw: object) -> dict[int, int]:
    """The API's optional {"<position>": version} for segments the approver read."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(key, str) and key.isdigit() and isinstance(value, int) and not isinstance(value, bool)
        for key, value in raw.items()
    ):
        raise InvalidInput(N_("versions must map segment positions to the version numbers you read"), field="versions")
    read = {int(key): value for key, value in raw.items()}
    positions = {s.position for s in translation.segments}
    missing = sorted(set(read) - positions)
    if missing:
        raise InvalidInput(N_("segment %(n)d does not exist"), field="versions", params={"n": missing[0]})
    return read


def _refuse_unseen_changes(translation: Translation, shown: dict[int, str], read: dict[int, int]) -> None:
    """Nothing is published that the approver did not see: text shown but not saved, or saved since read."""
    unsaved = [
        s.position + 1 for s in translation.segments if s.position in shown and normalise(shown[s.position]) != s.text
    ]
    if unsaved:
        raise Conflict(
            N_("segments %(list)s show text that is not saved yet; wait until they are saved, then approve again"),
            field="segments",
            params={"list": ", ".join(map(str, unsaved))},
        )
    changed = [s for s in translation.segments if s.position in read and s.version != read[s.position]]
    if changed:
        raise Conflict(
            N_("segments %(list)s were saved since you read them; read them again, then approve"),
            field="versions",
            params={"list": ", ".join(str(s.position + 1) for s in changed)},
            current={str(s.position): {"text": s.text, "version": s.version} for s in changed},
        )


def reject(session: Session, translation: Translation, user: User, comment: object) -> None:
    _require_holder(translation, user)
    if not isinstance(comment, str) or not comment.strip():
        raise InvalidInput(N_("a rejection needs a comment saying what to fix"), field="comment")
    _take_back(session, translation, user, State.rejected, review_comment=comment.strip())
    record(translation, user, "rejected", comment.strip())


def retry(session: Session, translation: Translation, user: User) -> None:
    """Send a failed translation back to the machine-translation queue."""

    def check(translation: Translation, user: User) -> None:
        if user.role not in (Role.editor, Role.admin) and not user.can_translate(translation.locale):
            raise Forbidden(N_("only editors, admins and this locale's translators can retry"))
        if translation.state != State.failed.value:
            raise Conflict(
                N_("only failed translations can be retried (this one is %(state)s)"),
                params={"state": translation.state},
            )

    check(translation, user)
    if not _change(session, translation, [Translation.state == State.failed.value], state=State.queued.value):
        _lost_race(translation, user, check)
    record(translation, user, "retried")


ACTIONS = ("claim", "release", "approve", "reject", "retry", "reassign")


def perform(
    session: Session,
    translation: Translation,
    user: User,
    action: str,
    *,
    idle_seconds: int,
    comment: object = None,
    assignee: User | None = None,
    shown: dict[int, str] | None = None,
    versions: object = None,
) -> None:
    """One review action by name: the API and the web pages offer the same verbs."""
    if action == "claim":
        claim(session, translation, user, idle_seconds)
    elif action == "release":
        release(session, translation, user)
    elif action == "approve":
        approve(session, translation, user, shown, versions)
    elif action == "reject":
        reject(session, translation, user, comment)
    elif action == "retry":
        retry(session, translation, user)
    elif action == "reassign" and assignee is not None:
        reassign(session, translation, user, assignee)
    else:
        raise NotFound(
            N_("unknown action %(action)s; use one of %(actions)s"),
            params={"action": repr(action), "actions": ", ".join(ACTIONS)},
        )
