"""Configuration: defaults here, everything that differs per deployment from the environment."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_PATH = Path(os.environ.get("LINLI_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _persistent_secret_key() -> str:
    """SECRET_KEY from the environment, or one generated on first run and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_PATH / "secret_key"
    if not key_file.exists():
        # O_EXCL: when several gunicorn workers boot at once, exactly one writes the key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass
    return key_file.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE_PATH / 'linli.db'}"
    # Heroku-style URLs name the old driver; SQLAlchemy 2 with psycopg 3 wants postgresql+psycopg.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    SECRET_KEY = None  # resolved lazily in create_app so that importing config has no side effects
    SQLALCHEMY_DATABASE_URI = None
    # Statement parameters (phones, password hashes) never appear in database error messages or logs.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:8000").rstrip("/")
    INSTANCE_DIR = str(INSTANCE_PATH)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE_PATH / "uploads")
    # What one person's photos may take on disk (bytes as uploaded), and how long an unattached photo is kept.
    UPLOAD_QUOTA_BYTES = int(os.environ.get("UPLOAD_QUOTA_BYTES", 200 * 1024 * 1024))
    UPLOAD_UNATTACHED_HOURS = int(os.environ.get("UPLOAD_UNATTACHED_HOURS", 48))

    # Sessions: HttpOnly always, Secure when served over https (PUBLIC_URL decides).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("PUBLIC_URL", "").startswith("https://")
    # Over https the cookie is __Host- prefixed: Secure, whole-site, never set by a subdomain.
    SESSION_COOKIE_NAME = "__Host-linli" if SESSION_COOKIE_SECURE else "linli_session"
    REMEMBER_COOKIE_HTTPONLY = True
    # Absolute lifetime of a sign-in, and how long an unused session stays valid.
    SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 60 * 60 * 24 * 30))
    SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", 60 * 60 * 24 * 7))
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_SECONDS
    # The cookie is rewritten when the session changes (sign-in, CSRF token, "last seen" every 5 minutes:
    # accounts/sessions.py), not on every response: signing it each time cost ~0.8 ms per request.
    SESSION_REFRESH_EACH_REQUEST = False
    # Seconds a worker remembers a checked session (backend/accounts/session_cache.py; 0: off). Sign-out, a
    # password change and account changes still take effect on the very next request, on every worker.
    SESSION_CACHE_SECONDS = float(os.environ.get("SESSION_CACHE_SECONDS", 5))
    # Seconds visitors' copies of public pages live (backend/core/visitor_cache.py; 0: off); any write drops
    # them at once through the content version.
    VISITOR_CACHE_SECONDS = float(os.environ.get("VISITOR_CACHE_SECONDS", 5))

    # Passwords: argon2id, OWASP minimum is 19 MiB and 2 iterations.
    PASSWORD_HASH_TIME_COST = int(os.environ.get("PASSWORD_HASH_TIME_COST", 2))
    PASSWORD_HASH_MEMORY_KIB = int(os.environ.get("PASSWORD_HASH_MEMORY_KIB", 19 * 1024))

    # Rate limits (Flask-Limiter): counters every worker shares, in Redis when REDIS_URL is set, else in
    # instance/ratelimits.sqlite (backend/core/ratelimit_store.py; RATELIMIT_STORAGE_URI overrides).
    if os.environ.get("RATELIMIT_STORAGE_URI"):
        RATELIMIT_STORAGE_URI = os.environ["RATELIMIT_STORAGE_URI"]
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute")  # per client address
    RATELIMIT_LOGIN_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "100 per hour")  # per account, any address
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5 per minute;30 per hour")
    # Per user (backend.core.ratelimit): new projects, reports, aid posts and responses, comments.
    RATELIMIT_POSTING = os.environ.get("RATELIMIT_POSTING", "30 per minute")
    RATELIMIT_FLAGGING = os.environ.get("RATELIMIT_FLAGGING", "20 per hour")
    RATELIMIT_INVITES = os.environ.get("RATELIMIT_INVITES", "30 per hour")
    RATELIMIT_PUSH_SUBSCRIPTIONS = os.environ.get("RATELIMIT_PUSH_SUBSCRIPTIONS", "10 per hour")
    RATELIMIT_UPLOADS = os.environ.get("RATELIMIT_UPLOADS", "60 per hour")  # photos, per user
    # Number of reverse proxies in front of the app (nginx = 1): their X-Forwarded-For/-Proto/-Host are
    # trusted (werkzeug ProxyFix), so limits count real client addresses. 0 = no proxy, headers ignored.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    RATELIMIT_HEADERS_ENABLED = True

    # Privacy notice: who handles residents' personal information and how to reach them.
    PRIVACY_OPERATOR = os.environ.get("PRIVACY_OPERATOR") or None  # default: "the residents' committee"
    PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT") or None  # default: "居委会办公室"
    PRIVACY_CONTACT_EN = (
        os.environ.get("PRIVACY_CONTACT_EN") or None
    )  # default: PRIVACY_CONTACT, else "the committee office"
    RATELIMIT_DATA_EXPORT = os.environ.get("RATELIMIT_DATA_EXPORT", "5 per hour")

    # Map tiles (docs/map.md): none (grids and pins on a plain background), tianditu, amap, or osm (any
    # OpenStreetMap-compatible URL template). Only a configured provider's hosts enter the CSP's img-src.
    MAP_TILES = os.environ.get("MAP_TILES", "none").strip().lower() or "none"
    MAP_TILES_KEY = os.environ.get("MAP_TILES_KEY") or None  # Tianditu's browser key (tk)
    MAP_TILES_URL = os.environ.get("MAP_TILES_URL") or None  # osm: https://tile.example.org/{z}/{x}/{y}.png
    MAP_TILES_SUBDOMAINS = os.environ.get("MAP_TILES_SUBDOMAINS") or None  # osm with {s}: e.g. "abc"
    MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION") or None  # default: the provider's
    MAP_TILES_CRS = os.environ.get("MAP_TILES_CRS") or None  # wgs84 | gcj02; default: the provider's
    MAP_TILES_MAX_ZOOM = int(os.environ.get("MAP_TILES_MAX_ZOOM", 18))

    # Jobs: in-process pool by default; RQ on Redis when REDIS_URL is set.
    JOBS_INLINE = _env_bool("JOBS_INLINE", False)
    # Periodic jobs: a thread in one web process by default; with Redis, run `flask scheduler` instead.
    SCHEDULER_IN_PROCESS = _env_bool("SCHEDULER_IN_PROCESS", not os.environ.get("REDIS_URL"))

    # Messages (backend/messaging, docs/operations.md#messages-sms-and-e-mail): "outbox" (the default: the
    # log and the platform admin's outbox page, nothing leaves the machine), or a real provider per channel.
    MESSAGING_SMS_PROVIDER = os.environ.get("MESSAGING_SMS_PROVIDER", "outbox").strip().lower()  # outbox | tencent
    MESSAGING_EMAIL_PROVIDER = os.environ.get("MESSAGING_EMAIL_PROVIDER", "outbox").strip().lower()  # outbox | smtp
    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    SMTP_PORT = int(os.environ.get("SMTP_PORT", 587))
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "starttls")  # starttls | ssl | none
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_TIMEOUT_SECONDS = float(os.environ.get("SMTP_TIMEOUT_SECONDS", 10))
    MAIL_FROM = os.environ.get("MAIL_FROM", "邻里 Linli <no-reply@linli.invalid>")
    TENCENT_SMS_SECRET_ID = os.environ.get("TENCENT_SMS_SECRET_ID") or None
    TENCENT_SMS_SECRET_KEY = os.environ.get("TENCENT_SMS_SECRET_KEY") or None
    TENCENT_SMS_SDK_APP_ID = os.environ.get("TENCENT_SMS_SDK_APP_ID") or None
    TENCENT_SMS_SIGN_NAME = os.environ.get("TENCENT_SMS_SIGN_NAME") or None
    TENCENT_SMS_REGION = os.environ.get("TENCENT_SMS_REGION", "ap-guangzhou")
    # purpose:template id, comma-separated: "sign_in_code:1234567,password_reset_code:1234568,urgent_notice:1234569"
    TENCENT_SMS_TEMPLATES = os.environ.get("TENCENT_SMS_TEMPLATES", "")
    MESSAGES_KEEP_DAYS = int(os.environ.get("MESSAGES_KEEP_DAYS", 7))  # then purge-messages deletes them
    # One-time codes (sign-in, password reset): minutes valid, wrong tries per code, and rate limits.
    LOGIN_CODE_MINUTES = int(os.environ.get("LOGIN_CODE_MINUTES", 10))
    LOGIN_CODE_MAX_TRIES = int(os.environ.get("LOGIN_CODE_MAX_TRIES", 5))
    RATELIMIT_CODE_REQUESTS = os.environ.get("RATELIMIT_CODE_REQUESTS", "10 per hour")  # per client address
    RATELIMIT_CODE_REQUESTS_ACCOUNT = os.environ.get("RATELIMIT_CODE_REQUESTS_ACCOUNT", "3 per 15 minutes;8 per day")
    RATELIMIT_CODE_TRIES_ACCOUNT = os.environ.get("RATELIMIT_CODE_TRIES_ACCOUNT", "10 per hour")  # wrong codes

    # Web Push (filled by the notifications domain).
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY") or None
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@linli.invalid")
    PUSH_ALLOW_LOOPBACK = _env_bool("PUSH_ALLOW_LOOPBACK", False)
    # Empty: any public https host; else only these (e.g. "fcm.googleapis.com,*.push.apple.com").
    PUSH_ALLOWED_HOSTS = [h.strip() for h in os.environ.get("PUSH_ALLOWED_HOSTS", "").split(",") if h.strip()]
    PUSH_TIMEOUT_SECONDS = min(float(os.environ.get("PUSH_TIMEOUT_SECONDS", 10)), 10.0)  # never more than 10 s
    PUSH_CONCURRENCY = int(os.environ.get("PUSH_CONCURRENCY", 8))  # requests in flight per batch job
    PUSH_BATCH_SIZE = int(os.environ.get("PUSH_BATCH_SIZE", 500))  # subscriptions per batch job
    PUSH_MAX_ATTEMPTS = int(os.environ.get("PUSH_MAX_ATTEMPTS", 5))  # tries for a device answering 429/5xx
    PUSH_FAILURES_TO_DISABLE = int(os.environ.get("PUSH_FAILURES_TO_DISABLE", 3))  # consecutive other 4xx
    JOBS_POOL_SIZE = int(os.environ.get("JOBS_POOL_SIZE", 4))  # in-process job threads

    # API documentation (flask-smorest).
    API_TITLE = "Linli API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"

    JSON_SORT_KEYS = False
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60
    INVITE_TTL_DAYS = 7
    DEFAULT_TIMEZONE = "Asia/Shanghai"

    @classmethod
    def resolve(cls) -> dict:
        """Values that need the filesystem or environment at app creation time."""
        return {
            "SECRET_KEY": cls.SECRET_KEY or _persistent_secret_key(),
            "SQLALCHEMY_DATABASE_URI": cls.SQLALCHEMY_DATABASE_URI or _database_url(),
        }


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-linli"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite:///:memory:"
    REDIS_URL = os.environ.get("TEST_REDIS_URL") or None
    # Cheap hashes keep the suite fast; tests/accounts checks the production parameters separately.
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 1024
    JOBS_INLINE = True
    SCHEDULER_IN_PROCESS = False
    PUSH_ALLOW_LOOPBACK = True
    PUBLIC_URL = "http://localhost"
    UPLOAD_DIR = None  # set per test session
    # Off in the suite: its clean-up empties tables behind the app's back (no content version bump), and ids
    # restart, so a page kept from one test would answer the next; tests/projects/test_visitor_cache.py turns it on.
    VISITOR_CACHE_SECONDS = 0


def config_from_env():
    return ProductionConfig if os.environ.get("LINLI_ENV") == "production" else Config
