"""Providers: how a message leaves Linli. One interface, `send(outgoing) -> reference`, three implementations.

- `OutboxProvider` (the default, and the tests'): writes the message to the log; the platform admin reads it in
  the outbox page (GET /api/v1/messaging/outbox). Nothing leaves the machine.
- `SmtpEmailProvider`: e-mail over SMTP with Python's own smtplib and email packages (STARTTLS, TLS or plain).
- `TencentSmsProvider`: SMS through Tencent Cloud's maintained SDK (tencentcloud-sdk-python-sms, API
  2021-01-11). Mainland SMS must use templates approved beforehand, so a purpose names a template id and the
  message's parameters fill it in order.

Chosen per channel by MESSAGING_SMS_PROVIDER and MESSAGING_EMAIL_PROVIDER (docs/operations.md). A provider raises
`PermanentFailure` when trying again cannot help (a refused number, an unknown template) and any other exception
when it may (the network, a timeout); the delivery job retries only the latter.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from backend.core.logs import redact

log = logging.getLogger("linli.messaging")


@dataclass(frozen=True)
class Outgoing:
    """What a provider needs of a message, without the database row."""

    id: int
    channel: str  # "sms" | "email"
    to: str  # E.164 phone number or e-mail address
    purpose: str  # the catalogue key: "sign_in_code", "urgent_notice", ...
    subject: str
    body: str
    params: list[str] = field(default_factory=list)  # the SMS template's parameters, in order


def masked(address: str) -> str:
    """138****5678 for a phone, m***@example.org for an e-mail address: enough to tell messages apart in a log."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return redact(address)


class PermanentFailure(Exception):
    """The provider refused the message for good; the job marks it failed instead of trying again."""


class Provider(Protocol):
    name: str

    def send(self, message: Outgoing) -> str:
        """Hand the message over; return the provider's reference for it."""


class OutboxProvider:
    """Development and tests: the message goes to the log and stays readable in the outbox page."""

    name = "outbox"

    def send(self, message: Outgoing) -> str:
        # The code itself is meant to be read here; the address is masked (the whole of it is in the outbox page).
        to, channel = masked(message.to), message.channel
        log.info("outbox %s #%s to %s [%s]: %s", channel, message.id, to, message.purpose, message.body)
        return f"outbox-{message.id}"


class SmtpEmailProvider:
    name = "smtp"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        security: str = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
    ):
        if security not in ("starttls", "ssl", "none"):
            raise ValueError("SMTP_SECURITY must be starttls, ssl or none")
        self.host, self.port, self.sender, self.security = host, port, sender, security
        self.username, self.password, self.timeout = username, password, timeout

    def build(self, message: Outgoing) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip(">") or None)
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a code
        email.set_content(message.body)
        return email

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
        return connection

    def send(self, message: Outgoing) -> str:
        email = self.build(message)
        try:
            with self._connect() as connection:
                if self.username:
                    connection.login(self.username, self.password or "")
                connection.send_message(email)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as error:
            raise PermanentFailure(type(error).__name__) from error
        return email["Message-ID"]


class TencentSmsProvider:
    name = "tencent"

    def __init__(
        self,
        *,
        secret_id: str,
        secret_key: str,
        sdk_app_id: str,
        sign_name: str,
        templates: dict[str, str],
        region: str = "ap-guangzhou",
        endpoint: str | None = None,
        timeout: int = 10,
    ):
        self.secret_id, self.secret_key, self.region = secret_id, secret_key, region
        self.sdk_app_id, self.sign_name, self.templates = sdk_app_id, sign_name, templates
        self.endpoint, self.timeout = endpoint, timeout

    def build_request(self, message: Outgoing):
        """The SDK's SendSmsRequest for this message (no network: the tests check it as built)."""
        from tencentcloud.sms.v20210111 import models

        template_id = self.templates.get(message.purpose)
        if not template_id:
            raise PermanentFailure(f"no SMS template for {message.purpose}")
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.sdk_app_id
        request.SignName = self.sign_name
        request.TemplateId = template_id
        request.TemplateParamSet = [str(p) for p in message.params]
        request.PhoneNumberSet = [message.to]
        request.SessionContext = f"linli-{message.id}"
        return request

    def client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        http = HttpProfile(endpoint=self.endpoint or "sms.tencentcloudapi.com", reqTimeout=self.timeout)
        return sms_client.SmsClient(
            credential.Credential(self.secret_id, self.secret_key), self.region, ClientProfile(httpProfile=http)
        )

    def send(self, message: Outgoing) -> str:
        request = self.build_request(message)
        response = self.client().SendSms(request)
        status = (response.SendStatusSet or [None])[0]
        if status is None or status.Code != "Ok":
            # e.g. InvalidParameterValue.TemplateParameterFormatError, LimitExceeded.PhoneNumberDailyLimit
            raise PermanentFailure(getattr(status, "Code", None) or "no status")
        return status.SerialNo or response.RequestId


def _templates(setting: str) -> dict[str, str]:
    """ "sign_in_code:1234567,urgent_notice:7654321" -> {"sign_in_code": "1234567", ...}."""
    pairs = (item.split(":", 1) for item in setting.split(",") if ":" in item)
    return {purpose.strip(): template.strip() for purpose, template in pairs}


def provider_for(channel: str, config) -> Provider:
    """The provider the deployment chose for `channel` ("sms" or "email")."""
    if channel == "email" and config.get("MESSAGING_EMAIL_PROVIDER", "outbox") == "smtp":
        return SmtpEmailProvider(
            host=config["SMTP_HOST"],
            port=int(config.get("SMTP_PORT", 587)),
            sender=config["MAIL_FROM"],
            security=config.get("SMTP_SECURITY", "starttls"),
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            timeout=float(config.get("SMTP_TIMEOUT_SECONDS", 10)),
        )
    if channel == "sms" and config.get("MESSAGING_SMS_PROVIDER", "outbox") == "tencent":
        return TencentSmsProvider(
            secret_id=config["TENCENT_SMS_SECRET_ID"],
            secret_key=config["TENCENT_SMS_SECRET_KEY"],
            sdk_app_id=config["TENCENT_SMS_SDK_APP_ID"],
            sign_name=config["TENCENT_SMS_SIGN_NAME"],
            templates=_templates(config.get("TENCENT_SMS_TEMPLATES", "")),
            region=config.get("TENCENT_SMS_REGION", "ap-guangzhou"),
            endpoint=config.get("TENCENT_SMS_ENDPOINT"),
        )
    return OutboxProvider()


def provider_name(channel: str, config) -> str:
    """The name of the provider `provider_for` would build, without building it (no credentials needed)."""
    if channel == "email":
        return "smtp" if config.get("MESSAGING_EMAIL_PROVIDER", "outbox") == "smtp" else "outbox"
    return "tencent" if config.get("MESSAGING_SMS_PROVIDER", "outbox") == "tencent" else "outbox"
