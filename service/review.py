"""Review: the states a translation goes through once its draft exists, and who may move it.

    awaiting_review/rejected/published --claim--> in_review --approve--> approved -> published
                                           |  \\--reject (comment)--> rejected
                                           \\--release--> awaiting_review
    failed --retry--> queued

Every change is recorded as a TranslationEvent (who, what, when).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from service import memory, publishing, qa
from service.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from service.models import Role, State, TranslatedSegment, Translation, TranslationEvent, User, as_utc, utcnow
from service.segments import normalise

# A published translation can be claimed again to correct it; approving re-publishes it.
CLAIMABLE = {State.awaiting_review.value, State.rejected.value, State.published.value}


def record(translation: Translation, actor: User | None, action: str, detail: str | None = None) -> None:
    translation.events.append(TranslationEvent(actor_id=actor.id if actor else None, action=action, detail=detail))


def move(translation: Translation, state: State) -> None:
    translation.state = state.value
    translation.state_changed_at = utcnow()


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
    _require_translator(translation, user)
    if translation.state == State.in_review.value:
        if translation.claimed_by_id == user.id:
            translation.claimed_at = utcnow()
            return
        if not claim_expired(translation, idle_seconds):
            holder = translation.claimed_by.username if translation.claimed_by else "someone"
            raise Conflict(N_("this draft is being reviewed by %(holder)s"), params={"holder": holder}, holder=holder)
    elif translation.state not in CLAIMABLE:
        raise Conflict(N_("a draft in state %(state)s cannot be claimed"), params={"state": translation.state})
    translation.claimed_by_id = user.id
    translation.claimed_at = utcnow()
    move(translation, State.in_review)
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
    if translation.state not in CLAIMABLE | {State.in_review.value}:
        raise Conflict(N_("a draft in state %(state)s cannot be reassigned"), params={"state": translation.state})
    translation.claimed_by_id = to_user.id
    translation.claimed_at = utcnow()
    move(translation, State.in_review)
    record(translation, admin, "reassigned", to_user.username)


def release(session: Session, translation: Translation, user: User) -> None:
    _require_holder(translation, user)
    translation.claimed_by_id = None
    translation.claimed_at = None
    move(translation, State.awaiting_review)
    record(translation, user, "released")


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
    """Save one segment; a stale `version` means someone saved in between: never overwrite."""
    _require_holder(translation, user)
    segment = next((s for s in translation.segments if s.position == position), None)
    source = next((s for s in translation.revision.segments if s.position == position), None)
    if segment is None or source is None:
        raise NotFound(N_("segment %(n)d does not exist"), params={"n": position})
    if not isinstance(text, str):
        raise InvalidInput(N_("text must be a string"), field="text")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput(N_("version must be the segment's version number you edited"), field="version")
    if version != segment.version:
        raise Conflict(
            N_("this segment was saved by someone else since you opened it"),
            field="version",
            current={"text": segment.text, "version": segment.version},
        )
    segment.text = normalise(text)
    segment.origin = "human"
    segment.warnings = qa.check_segment(source.source_text, segment.text)
    segment.version += 1
    segment.updated_by_id = user.id
    segment.updated_at = utcnow()
    translation.claimed_at = utcnow()
    record(translation, user, "edited", f"segment {position}")
    return segment


def approve(session: Session, translation: Translation, user: User) -> None:
    """Approval publishes the locale at once."""
    _require_holder(translation, user)
    if any(not s.text.strip() for s in translation.segments):
        raise InvalidInput(N_("some segments are empty; fill them before approving"), field="segments")
    move(translation, State.approved)
    record(translation, user, "approved")
    memory.store_approved(session, translation, user)
    translation.claimed_by_id = None
    translation.claimed_at = None
    publishing.publish(session, translation)
    record(translation, user, "published")


def reject(session: Session, translation: Translation, user: User, comment: object) -> None:
    _require_holder(translation, user)
    if not isinstance(comment, str) or not comment.strip():
        raise InvalidInput(N_("a rejection needs a comment saying what to fix"), field="comment")
    translation.review_comment = comment.strip()
    translation.claimed_by_id = None
    translation.claimed_at = None
    move(translation, State.rejected)
    record(translation, user, "rejected", comment.strip())


def retry(session: Session, translation: Translation, user: User) -> None:
    """Send a failed translation back to the machine-translation queue."""
    if user.role not in (Role.editor, Role.admin) and not user.can_translate(translation.locale):
        raise Forbidden(N_("only editors, admins and this locale's translators can retry"))
    if translation.state != State.failed.value:
        raise Conflict(
            N_("only failed translations can be retried (this one is %(state)s)"), params={"state": translation.state}
        )
    move(translation, State.queued)
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
) -> None:
    """One review action by name: the API and the web pages offer the same verbs."""
    if action == "claim":
        claim(session, translation, user, idle_seconds)
    elif action == "release":
        release(session, translation, user)
    elif action == "approve":
        approve(session, translation, user)
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
