"""Discussion and signals in the web pages: comments with @mentions, notifications, failure
sentences for editors, the admins' Models and Webhooks pages, and e-mail copies."""

from __future__ import annotations

import html5lib
import pytest

from service.db import session_scope
from service.models import Notification, WebhookDelivery
from tests.factories import page_token, sign_in, submit
from workers.drafting import draft_translation


def doc(response):
    return html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def drafted(client, people, sessions, settings, locales=("es",), **overrides) -> dict:
    post = submit(client, people.editor, target_locales=list(locales), **overrides).get_json()
    for translation in post["translations"]:
        draft_translation(sessions, settings, post["id"], translation["locale"])
    return {t["locale"]: t["id"] for t in post["translations"]}


def comment(client, translation_id: int, body: str, position: str = "") -> object:
    token = page_token(client, f"/translations/{translation_id}/comments")
    return client.post(
        f"/translations/{translation_id}/comments",
        data={"csrf_token": token, "body": body, "position": position, "next": f"/review/{translation_id}"},
    )


def switch_user(client, name: str) -> None:
    client.post("/logout", data={"csrf_token": page_token(client, "/login")})
    sign_in(client, name)


def unread_badge(client) -> str:
    badge = doc(client.get("/notifications")).find(".//a[@id='notifications-link']/span")
    return "" if badge is None else badge.text


def test_a_segment_comment_reaches_the_mentioned_editor_and_stays_escaped(client, people, sessions, settings):
    ids = drafted(client, people, sessions, settings)
    sign_in(client, "maria")
    posted = comment(client, ids["es"], "Is <b>“plan”</b> right here? @editor @dariush", position="2")
    assert posted.status_code == 303 and posted.headers["Location"].endswith(f"/review/{ids['es']}#comments")
    page = client.get(f"/review/{ids['es']}").get_data(as_text=True)
    assert "&lt;b&gt;“plan”&lt;/b&gt;" in page and "<b>“plan”</b>" not in page
    assert '<strong class="mention">@editor</strong>' in page
    assert "on segment 3" in page

    switch_user(client, "editor")
    assert unread_badge(client) == "1"
    inbox = doc(client.get("/notifications"))
    item = inbox.find(".//li[@data-kind='mention']")
    assert "maria mentioned you on the Spanish translation of “City opens three new schools”" in text_of(item)
    assert "<b>" in text_of(item)  # as text: the page escapes it
    thread = client.get(item.find(".//a").get("href"))
    assert thread.status_code == 200 and "@editor" in thread.get_data(as_text=True)
    client.post("/notifications/read", data={"csrf_token": page_token(client, "/notifications")})
    assert unread_badge(client) == ""

    # dariush translates fa and de: the Spanish discussion is not his; the mention told him nothing
    switch_user(client, "dariush")
    assert client.get(f"/translations/{ids['es']}/comments").status_code == 403
    assert comment(client, ids["es"], "me too").status_code in (400, 403)
    with session_scope(sessions) as session:
        assert session.query(Notification).filter_by(user_id=people.dariush.id).count() == 0


def test_comment_input_is_checked(client, people, sessions, settings):
    ids = drafted(client, people, sessions, settings)
    sign_in(client, "maria")
    assert comment(client, ids["es"], "   ").status_code == 303
    assert "write a comment first" in client.get(f"/review/{ids['es']}").get_data(as_text=True)
    comment(client, ids["es"], "about nothing", position="999")
    assert "segment 999 does not exist" in client.get(f"/review/{ids['es']}").get_data(as_text=True)
    with session_scope(sessions) as session:
        assert session.query(Notification).filter(Notification.kind != "work_arrived").count() == 0


def test_work_arrival_approval_and_rejection_notify_the_right_people(client, people, sessions, settings):
    ids = drafted(client, people, sessions, settings, locales=("es", "de"))
    with session_scope(sessions) as session:
        arrivals = {(n.user_id, n.data["locale"]) for n in session.query(Notification).filter_by(kind="work_arrived")}
    assert arrivals == {(people.maria.id, "es"), (people.lucia.id, "es"), (people.dariush.id, "de")}

    api = {"headers": people.maria.auth}
    client.post(f"/api/v1/translations/{ids['es']}/claim", **api)
    client.patch(f"/api/v1/translations/{ids['es']}/segments/0", json={"text": "Tres escuelas", "version": 1}, **api)
    assert client.post(f"/api/v1/translations/{ids['es']}/approve", **api).status_code == 200
    dariush = {"headers": people.dariush.auth}
    client.post(f"/api/v1/translations/{ids['de']}/claim", **dariush)
    client.post(f"/api/v1/translations/{ids['de']}/reject", json={"comment": "Falsche Zahlen"}, **dariush)
    with session_scope(sessions) as session:
        told = {(n.user_id, n.kind) for n in session.query(Notification).filter(Notification.kind != "work_arrived")}
    assert told == {(people.editor.id, "approved"), (people.editor.id, "rejected")}  # never the actor
    sign_in(client, "editor")
    inbox = text_of(doc(client.get("/notifications")).find(".//ul[@class='notifications']"))
    assert "The German translation of “City opens three new schools” was sent back by dariush: Falsche Zahlen" in inbox
    assert "was approved and published by maria" in inbox


def test_editors_read_a_failure_in_their_language_and_admins_get_the_detail(client, people, sessions, settings):
    ids = drafted(client, people, sessions, settings, locales=("ar",))
    sign_in(client, "editor")
    client.post("/language", data={"locale": "es", "csrf_token": page_token(client, "/editor"), "next": "/editor"})
    desk = doc(client.get("/editor"))
    failed = desk.find(".//li[@data-locale='ar']")
    words = text_of(failed)
    assert "No hay ningún modelo de traducción al árabe instalado" in words
    assert "Argos" not in words and "Error" not in words and "tarjama models" not in words
    switch_user(client, "admin")
    review = text_of(doc(client.get(f"/review/{ids['ar']}")).find(".//main"))
    assert "No Arabic translation model is installed" in review
    assert "MissingModel: no Argos package installed for en->ar" in review


def test_only_admins_reach_models_and_webhooks(client, people):
    for name in ("editor", "maria"):
        sign_in(client, name)
        assert client.get("/admin/models").status_code == 403
        assert client.get("/admin/webhooks").status_code == 403
        token = page_token(client, "/notifications")
        assert client.post("/admin/models", data=b"zip", headers={"X-CSRFToken": token}).status_code == 403
        assert client.post("/admin/webhooks", data={"csrf_token": token, "url": "http://x.org"}).status_code == 403
        client.post("/logout", data={"csrf_token": token})
    assert "Models" not in doc(client.get("/login")).find(".//nav").itertext()


def test_models_page_installs_an_uploaded_argosmodel(client, people, settings, tmp_path):
    from workers.mt.synthetic import build_package

    sign_in(client, "admin")
    before = doc(client.get("/admin/models"))
    ar = before.find(".//tr[@data-pair='en-ar']")
    assert ar.get("data-installed") == "no"
    token = page_token(client, "/admin/models")
    broken = client.post("/admin/models", data=b"not a zip", headers={"X-CSRFToken": token})
    assert broken.status_code == 422 and "not a usable Argos" in broken.get_json()["error"]["message"]
    assert client.post("/admin/models", data=b"not a zip").status_code == 400  # no CSRF token
    archive = build_package(tmp_path, "en", "ar", seed=3).read_bytes()
    settings_dir = settings.effective_argos_dir
    try:
        installed = client.post(
            "/admin/models",
            data=archive,
            headers={"X-CSRFToken": token, "Content-Type": "application/octet-stream"},
        )
        assert installed.status_code == 200, installed.get_data(as_text=True)
        assert installed.get_json()["target"] == "ar"
        after = doc(client.get("/admin/models"))
        assert after.find(".//tr[@data-pair='en-ar']").get("data-installed") == "yes"
        assert after.find(".//ul[@class='argos-packages']/li[@data-pair='en-ar']") is not None
    finally:  # the session's shared package directory: leave it as the other tests expect
        from workers.mt import packages

        packages.remove(settings, "en", "ar")
        assert not any(p.name.startswith("translate-en_ar") for p in settings_dir.iterdir())


def test_admin_adds_a_webhook_and_events_wait_in_the_outbox(client, people, sessions, settings):
    sign_in(client, "admin")
    token = page_token(client, "/admin/webhooks")
    short = client.post("/admin/webhooks", data={"csrf_token": token, "url": "http://127.0.0.1:9/h", "secret": "short"})
    assert short.status_code == 303
    assert "at least 16 characters" in client.get("/admin/webhooks").get_data(as_text=True)
    client.post(
        "/admin/webhooks",
        data={"csrf_token": token, "url": "http://127.0.0.1:9/h", "secret": "s" * 20, "events": ["post.submitted"]},
    )
    drafted(client, people, sessions, settings)
    with session_scope(sessions) as session:
        assert [d.event for d in session.query(WebhookDelivery)] == ["post.submitted"]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    from tests.conftest import free_port

    class Inbox:
        def __init__(self) -> None:
            self.messages: list[tuple[str, list[str], bytes]] = []

        async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's hook name
            self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_a_mention_is_mailed_through_the_smtp_server(client, people, sessions, settings, smtp_server):
    from email import message_from_bytes
    from email.header import decode_header, make_header

    from service import mail

    controller, inbox = smtp_server
    ids = drafted(client, people, sessions, settings)
    sign_in(client, "editor")
    client.post("/language", data={"locale": "fr", "csrf_token": page_token(client, "/editor"), "next": "/editor"})
    token = page_token(client, "/notifications")
    client.post("/notifications/email", data={"csrf_token": token, "email": "not-an-address"})
    assert "n’est pas une adresse" in client.get("/notifications").get_data(as_text=True)
    client.post("/notifications/email", data={"csrf_token": token, "email": "editor@example.org"})
    switch_user(client, "maria")
    comment(client, ids["es"], "@editor ¿está bien el titular?")
    configured = settings.with_(smtp_url=f"smtp://127.0.0.1:{controller.port}", mail_from="desk@example.org")
    assert mail.send_pending(sessions, configured) == 1
    assert mail.send_pending(sessions, configured) == 0  # sent once
    [(sender, recipients, raw)] = inbox.messages
    message = message_from_bytes(raw)
    assert sender == "desk@example.org" and recipients == ["editor@example.org"]
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject.startswith("Tarjama : maria vous a mentionné")
    assert "¿está bien el titular?" in message.get_payload(decode=True).decode()


def test_a_copy_interrupted_while_sending_is_sent_again_and_a_fresh_one_is_left(
    client, people, sessions, settings, smtp_server
):
    from datetime import timedelta

    from service import mail
    from service.models import MailAddress, utcnow

    controller, inbox = smtp_server
    ids = drafted(client, people, sessions, settings)
    with session_scope(sessions) as session:
        session.add(MailAddress(user_id=people.editor.id, address="editor@example.org"))
        now = utcnow()
        taken = {"killed an hour ago": now - timedelta(hours=1), "before the upgrade": None, "now": now}
        made = {}
        for name, since in taken.items():
            notification = Notification(
                user_id=people.editor.id,
                kind="comment",
                translation_id=ids["es"],
                data={"actor": "maria", "title": "City opens three new schools", "locale": "es", "comment": name},
                mail_state="sending",
                mail_sending_since=since,
            )
            session.add(notification)
            session.flush()
            made[name] = notification.id
        session.commit()
    configured = settings.with_(smtp_url=f"smtp://127.0.0.1:{controller.port}")

    assert mail.send_pending(sessions, configured) == 2
    assert mail.send_pending(sessions, configured) == 0  # sent once each
    bodies = sorted(message_body(raw) for _sender, _to, raw in inbox.messages)
    assert [body.rsplit(": ", 1)[1].strip() for body in bodies] == ["before the upgrade", "killed an hour ago"]
    with session_scope(sessions) as session:
        states = {name: session.get(Notification, nid).mail_state for name, nid in made.items()}
    assert states == {"killed an hour ago": "sent", "before the upgrade": "sent", "now": "sending"}


def message_body(raw: bytes) -> str:
    from email import message_from_bytes

    return message_from_bytes(raw).get_payload(decode=True).decode()
