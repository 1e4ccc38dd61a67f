"""The privacy notice people accept at sign-up, and the record of who accepted which version.

PIPL asks for informed, specific consent before personal information is handled, and for it to be
asked again when the purposes change. So the notice has a version: a new version in NOTICE_VERSION
makes `needs_consent` true for everyone until they accept it again (the PWA shows the notice first).
Withdrawing consent is deleting the account (DELETE /me), which erases the personal data.
"""

from __future__ import annotations

from flask import current_app

from backend.core.db import utcnow
from backend.core.errors import Conflict, ValidationFailed, register_messages

NOTICE_VERSION = "2026-11-23"

register_messages(
    "account",
    {
        "privacy_notice_changed": {
            "zh-CN": ("隐私说明已更新", "隐私说明已有新版本，请阅读最新版本后再同意。"),
            "en": ("Privacy notice updated", "There is a newer privacy notice; please read it before you agree."),
        },
        "consent_required": {
            "zh-CN": ("需要同意隐私说明", "注册前请阅读并同意《隐私说明》。"),
            "en": ("Consent needed", "Please read and accept the privacy notice to create an account."),
        },
    },
)

# (heading, body) per locale. Plain text: the PWA renders it with textContent.
_SECTIONS = {
    "zh-CN": [
        (
            "我们是谁",
            (
                "邻里是本社区居民、居委会和志愿组织共同使用的社区自治平台，由{operator}运营，"
                "是你的个人信息的处理者。有任何问题可联系：{contact}。"
            ),
        ),
        (
            "我们收集什么、为什么",
            (
                "账号：邮箱或手机号、密码（只保存不可逆的散列）、昵称，用于登录和识别你。"
                "住址：加入社区时填写的楼栋、单元、房号，用于居委会核实你是本社区居民，以及按户投票。"
                "你发布的内容：项目、评论、问题上报（含位置和照片）、互助帖、志愿报名与服务时长。"
                "设备：登录会话的时间、你允许的推送订阅。我们不收集通讯录，不做定位追踪。"
            ),
        ),
        (
            "谁能看到",
            (
                "其他居民只能看到你的昵称和你公开发布的内容，永远看不到你的手机号、邮箱和住址。"
                "居委会成员能看到住址和联系方式，仅用于核实身份和处理你提交的事项。"
                "网格员能看到本网格的问题上报。不记名投票与你的身份不关联，任何人（包括居委会）都无法查到你投了什么。"
                "上传的照片会去除 GPS 等全部元数据。"
            ),
        ),
        (
            "保存多久",
            (
                "账号存续期间保存。注销账号时，手机号、邮箱、昵称、住址、推送订阅和通知立即删除；"
                "你发布的公共内容保留，署名改为“原居民”。服务器日志不记录密码和完整手机号，保留不超过 30 天。"
            ),
        ),
        (
            "你的权利",
            (
                "你可以随时在“我的”页面查看和修改个人资料、下载你的全部数据（JSON 文件）、"
                "调整通知设置，或注销账号（即撤回同意）。"
            ),
        ),
        (
            "不对外提供",
            (
                "我们不出售、不向第三方提供你的个人信息。推送通知经浏览器厂商的推送服务送达，内容端到端加密。"
                "个人信息存储在境内服务器。"
            ),
        ),
        ("说明的更新", "本说明更新时，你会在下次打开应用时看到新版本，同意后才能继续使用。"),
    ],
    "en": [
        (
            "Who we are",
            (
                "Linli is the self-governance platform shared by the residents, the residents' committee "
                "and the volunteer organisations of this community. It is run by {operator}, who handles "
                "your personal information. Questions: {contact}."
            ),
        ),
        (
            "What we collect and why",
            (
                "Account: e-mail or phone number, password (kept only as an irreversible "
                "hash), display name, to sign you in and recognise you. Address: the building, "
                "unit and room you give when joining a community, so the committee can verify "
                "that you live here and so that household votes count once. What you post: "
                "projects, comments, problem reports (with place and photos), aid posts, "
                "volunteer sign-ups and hours. Devices: when you signed in, and the push "
                "subscriptions you allow. No contacts, no location tracking."
            ),
        ),
        (
            "Who sees what",
            (
                "Other residents see your display name and what you post publicly, never your phone, "
                "e-mail or address. Committee members see your address and contact details, only to "
                "verify you and to handle what you submit. Grid workers see the problem reports of their "
                "grid. Secret ballots are not linked to you: nobody, the committee included, can find "
                "out how you voted. Uploaded photos are stripped of GPS and all other metadata."
            ),
        ),
        (
            "How long we keep it",
            (
                "While your account exists. When you delete it, your phone, e-mail, name, "
                "address, push subscriptions and notifications are erased at once; what you posted "
                'publicly stays under "Former resident". Server logs never hold passwords or full '
                "phone numbers and are kept at most 30 days."
            ),
        ),
        (
            "Your rights",
            (
                "On the Me screen you can see and correct your profile, download all your data (a JSON "
                "file), choose your notifications, or delete your account, which withdraws your consent."
            ),
        ),
        (
            "No one else",
            (
                "We do not sell or pass on your personal information. Push notifications travel through "
                "your browser maker's push service, end-to-end encrypted. Data is stored in mainland "
                "China."
            ),
        ),
        (
            "Changes",
            (
                "When this notice changes you will see the new version the next time you open the app, and "
                "can go on after accepting it."
            ),
        ),
    ],
}


DEFAULT_OPERATOR = {"zh-CN": "本社区居民委员会", "en": "the residents' committee of this community"}
DEFAULT_CONTACT = {"zh-CN": "居委会办公室", "en": "the committee office"}


def _contact(locale: str) -> str:
    """How to reach the operator, in the notice's language: PRIVACY_CONTACT (and PRIVACY_CONTACT_EN for the English
    notice when set), else the committee office in that language. A notice never mixes both languages."""
    config = current_app.config
    own = config.get("PRIVACY_CONTACT_EN") if locale == "en" else None
    return own or config.get("PRIVACY_CONTACT") or DEFAULT_CONTACT[locale]


def notice(locale: str) -> dict:
    """The current notice in `locale`."""
    filled = {
        "operator": current_app.config["PRIVACY_OPERATOR"] or DEFAULT_OPERATOR[locale],
        "contact": _contact(locale),
    }
    return {
        "version": NOTICE_VERSION,
        "locale": locale,
        "title": "隐私说明" if locale == "zh-CN" else "Privacy notice",
        "sections": [{"heading": heading, "body": body.format(**filled)} for heading, body in _SECTIONS[locale]],
        "contact": filled["contact"],
    }


def needs_consent(user) -> bool:
    return user.privacy_notice_version != NOTICE_VERSION


def require_consent_at_sign_up(privacy_consent: bool | None) -> None:
    """`privacy_consent: false` is refused; omitted (older clients) leaves the account needing consent."""
    if privacy_consent is False:
        raise ValidationFailed(
            {"privacy_consent": ["accept the privacy notice to create an account"]}, code="consent_required"
        )


def record_consent(user, version: str = NOTICE_VERSION) -> None:
    """:raises Conflict: ``privacy_notice_changed`` when `version` is not the one shown now"""
    if version != NOTICE_VERSION:
        raise Conflict("privacy_notice_changed")
    user.privacy_notice_version = NOTICE_VERSION
    user.privacy_accepted_at = utcnow()
