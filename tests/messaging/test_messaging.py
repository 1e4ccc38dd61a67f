"""Messages: written in the request, sent by a job after the commit, through the provider the deployment chose.

The real providers are tested against what runs here: SMTP against a local aiosmtpd server; Tencent Cloud SMS by
building the SDK's request without the network (the live call needs credentials: skipped, with the reason).
"""

from __future__ import annotations

import email
import email.policy
import os
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.db import commit, rollback, utcnow
from backend.extensions import db
from backend.messaging import services
from backend.messaging.models import Message
from backend.messaging.providers import Outgoing, PermanentFailure, TencentSmsProvider, provider_for


def _messages():
    db.session.expire_all()
    return list(db.session.scalars(select(Message).order_by(Message.id)))


def _send_code(to="+8613812345678", channel="sms", **kwargs):
    params = {"code": "482913", "minutes": 10}
    return services.send(channel=channel, to=to, purpose="sign_in_code", params=params, **kwargs)


def test_a_message_is_sent_by_the_job_after_the_commit_and_the_outbox_keeps_its_words(ctx, caplog):
    caplog.set_level("INFO", logger="linli.messaging")
    _send_code(locale="en")
    assert _messages()[0].status == "queued"  # nothing leaves before the commit
    commit()
    [message] = _messages()
    assert (message.status, message.provider, message.attempts) == ("sent", "outbox", 1)
    assert "482913" in message.body and message.body.startswith("Your Linli sign-in code is 482913")
    assert "482913" in caplog.text  # the development outbox: the code is in the log
    assert "13812345678" not in caplog.text  # ... but the log filter masks the number


def test_a_rolled_back_request_sends_nothing(ctx):
    _send_code()
    rollback()
    assert _messages() == []


def test_the_chinese_text_is_the_default_and_fills_every_field(ctx):
    _send_code(locale="zh-CN")
    commit()
    assert _messages()[0].body == "【邻里】您的登录验证码是 482913，10 分钟内有效。如非本人操作，请忽略本消息。"


def test_a_message_is_delivered_once_when_two_jobs_race_for_it(ctx):
    message_id = _send_code().id
    db.session.commit()  # committed without running the after-commit job
    db.session.info.pop("after_commit", None)
    assert services.deliver(message_id) == "sent"
    db.session.commit()
    assert services.deliver(message_id) is None  # the second job finds it claimed and sends nothing
    assert _messages()[0].attempts == 1


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port (aiosmtpd), collecting what it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message as MessageHandler

    received = []

    class Collect(MessageHandler):
        def handle_message(self, message):
            received.append(email.message_from_bytes(message.as_bytes(), policy=email.policy.default))

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


@pytest.fixture
def smtp_settings(app, monkeypatch, smtp_server):
    port, received = smtp_server
    for key, value in {
        "MESSAGING_EMAIL_PROVIDER": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "MAIL_FROM": "邻里 Linli <no-reply@linli.test>",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return received


def test_smtp_delivers_the_e_mail_and_the_words_are_erased_once_sent(ctx, smtp_settings):
    _send_code(to="mei@example.test", channel="email", locale="zh-CN")
    commit()
    [received] = smtp_settings
    assert received["To"] == "mei@example.test"
    assert received["Subject"] == "邻里登录验证码"
    assert received["Auto-Submitted"] == "auto-generated"
    assert "482913" in received.get_content()
    [message] = _messages()
    assert (message.status, message.provider) == ("sent", "smtp")
    assert message.body is None and message.params is None  # the code is not kept once a real provider has it
    assert message.provider_ref.startswith("<")


def test_an_unreachable_smtp_server_is_tried_again_then_marked_failed(ctx, app, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    for key, value in {
        "MESSAGING_EMAIL_PROVIDER": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": closed_port,
        "SMTP_SECURITY": "none",
        "SMTP_TIMEOUT_SECONDS": 2,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    retries = []
    monkeypatch.setattr(services.jobs, "enqueue_in", lambda delay, func, *args: retries.append((delay, args)))
    message_id = _send_code(to="mei@example.test", channel="email").id
    commit()
    message = _messages()[0]
    assert (message.status, message.attempts, message.error) == ("queued", 1, "ConnectionRefusedError")
    assert retries == [(services.jobs.backoff(1), (message_id,))]
    for _ in range(services.MAX_ATTEMPTS - 1):
        services.deliver(message_id)
        commit()
    message = _messages()[0]
    assert (message.status, message.attempts) == ("failed", services.MAX_ATTEMPTS)
    assert message.body is None  # a real provider's message keeps no code, sent or not


TENCENT = {
    "MESSAGING_SMS_PROVIDER": "tencent",
    "TENCENT_SMS_SECRET_ID": "AKIDexample",
    "TENCENT_SMS_SECRET_KEY": "secret",
    "TENCENT_SMS_SDK_APP_ID": "1400000000",
    "TENCENT_SMS_SIGN_NAME": "邻里社区",
    "TENCENT_SMS_TEMPLATES": "sign_in_code:1000001, password_reset_code:1000002,urgent_notice:1000003",
}


def test_tencent_sms_request_is_built_from_the_template_and_parameters():
    provider = provider_for("sms", TENCENT)
    assert isinstance(provider, TencentSmsProvider)
    outgoing = Outgoing(
        id=7, channel="sms", to="+8613812345678", purpose="sign_in_code", subject="", body="", params=["482913", "10"]
    )
    request = provider.build_request(outgoing)
    assert request.SmsSdkAppId == "1400000000"
    assert request.SignName == "邻里社区"
    assert request.TemplateId == "1000001"
    assert request.TemplateParamSet == ["482913", "10"]
    assert request.PhoneNumberSet == ["+8613812345678"]
    assert provider.templates["password_reset_code"] == "1000002"


def test_tencent_sms_without_a_template_for_the_purpose_fails_for_good():
    provider = provider_for("sms", {**TENCENT, "TENCENT_SMS_TEMPLATES": "sign_in_code:1000001"})
    outgoing = Outgoing(id=8, channel="sms", to="+8613812345678", purpose="urgent_notice", subject="", body="")
    with pytest.raises(PermanentFailure):
        provider.build_request(outgoing)


def test_tencent_sms_refusal_marks_the_message_failed_without_retry(ctx, app, monkeypatch):
    from tencentcloud.sms.v20210111 import models

    for key, value in TENCENT.items():
        monkeypatch.setitem(app.config, key, value)
    refused = models.SendSmsResponse()
    refused._deserialize(
        {"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit", "SerialNo": ""}], "RequestId": "r-1"}
    )

    class Client:
        def SendSms(self, request):  # noqa: N802 (the SDK's name)
            assert request.TemplateParamSet == ["482913", "10"]
            return refused

    monkeypatch.setattr(TencentSmsProvider, "client", lambda self: Client())
    _send_code()
    commit()
    message = _messages()[0]
    assert (message.status, message.error, message.provider) == (
        "failed",
        "LimitExceeded.PhoneNumberDailyLimit",
        "tencent",
    )
    assert message.body is None


@pytest.mark.skipif(
    not os.environ.get("TENCENT_SMS_LIVE_TO"),
    reason="a live SMS needs Tencent Cloud credentials and an approved template (set TENCENT_SMS_* and "
    "TENCENT_SMS_LIVE_TO to a phone you own); the request is checked without the network above",
)
def test_tencent_sms_live_call():
    provider = provider_for("sms", {**os.environ, "MESSAGING_SMS_PROVIDER": "tencent"})
    outgoing = Outgoing(
        id=1,
        channel="sms",
        to=os.environ["TENCENT_SMS_LIVE_TO"],
        purpose="sign_in_code",
        subject="",
        body="",
        params=["123456", "10"],
    )
    assert provider.send(outgoing)


def test_old_sent_messages_are_purged_and_queued_ones_kept(ctx):
    _send_code()
    commit()
    _send_code(to="+8613900000000")
    db.session.commit()
    db.session.info.pop("after_commit", None)
    old = utcnow() - timedelta(days=8)
    for message in _messages():
        message.created_at = old
    db.session.commit()
    assert services.purge_old_messages() == 1
    db.session.commit()
    assert [m.status for m in _messages()] == ["queued"]


def test_only_the_platform_admin_reads_the_outbox_and_each_read_is_audited(app, client_for, make_user):
    admin, resident = make_user(platform_admin=True), make_user()
    with app.app_context():
        _send_code()
        commit()
    assert client_for(None).get("/api/v1/admin/outbox").status_code == 401
    refused = client_for(resident).get("/api/v1/admin/outbox")
    assert (refused.status_code, refused.json["reason"]) == (403, "platform_admin_required")
    page = client_for(admin).get("/api/v1/admin/outbox?channel=sms").json
    assert page["items"][0]["body"].startswith("【邻里】您的登录验证码是 482913")
    assert client_for(admin).get("/api/v1/admin/outbox?channel=fax").status_code == 422
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "messaging.outbox_read")))
        assert [(e.actor_id, e.after["message_ids"]) for e in entries] == [(admin.id, [page["items"][0]["id"]])]


def test_my_messages_are_in_my_data_download(app, client_for, make_user):
    user = make_user()
    with app.app_context():
        _send_code(user_id=user.id)
        commit()
    section = client_for(user).get("/api/v1/me/export").json["messaging"]
    assert [m["purpose"] for m in section["messages"]] == ["sign_in_code"]
    assert "params" not in section["messages"][0]


def test_the_outbox_shows_only_what_the_outbox_provider_got_and_is_gone_with_real_providers(
    app, client_for, make_user, monkeypatch, smtp_settings
):
    admin = make_user(platform_admin=True)
    with app.app_context():
        _send_code(to="mei@example.test", channel="email")  # to the SMTP server: never shown
        _send_code()  # SMS still on the outbox
        commit()
    items = client_for(admin).get("/api/v1/admin/outbox").json["items"]
    assert [(m["channel"], m["to"]) for m in items] == [("sms", "+8613812345678")]
    for key, value in TENCENT.items():
        monkeypatch.setitem(app.config, key, value)
    assert client_for(admin).get("/api/v1/admin/outbox").status_code == 404
