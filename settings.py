"""Configuration from environment variables (README: Configuration)."""

from __future__ import annotations

import logging
import math
import os
import string
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEV_SECRET = "dev-only-secret-change-me-0123456789abcdef"  # 42 bytes: long enough for HS256
ENVIRONMENTS = ("dev", "test", "prod")
MIN_KEY_BITS = 256
ALPHABETS = ("0123456789abcdef", "0123456789ABCDEF", string.digits + string.ascii_letters,
             string.digits + string.ascii_letters + "-_+/=", string.printable)


def key_bits(secret: str) -> float:
    """An estimate of a key's entropy: its length times the bits of the smallest usual alphabet it is drawn from
    (hex 4, alphanumeric ~5.95, base64 6, printable ~6.6), counted as fewer when the key repeats itself (fewer
    distinct characters than half of what a random key of its length would show). ``secrets.token_hex(32)`` and
    ``secrets.token_urlsafe(32)`` reach 256; a phrase, a repeated character or the development key do not."""
    if not secret:
        return 0.0
    alphabet = next((len(a) for a in ALPHABETS if set(secret) <= set(a)), 256)
    distinct = len(set(secret))
    per_char = math.log2(alphabet) if distinct >= min(alphabet, len(secret)) / 2 else math.log2(max(distinct, 1))
    return len(secret) * per_char


def _secret_key(app_env: str) -> str:
    """Prod refuses the development key and any key under MIN_KEY_BITS; dev runs on either, loudly."""
    secret = os.environ.get("SECRET_KEY", "")
    if not secret:
        if app_env == "prod":
            raise ValueError("SECRET_KEY must be set when APP_ENV=prod")
        secret = DEV_SECRET
    if len(secret.encode()) < 32:
        raise ValueError("SECRET_KEY must be at least 32 bytes (HS256)")
    weak = secret == DEV_SECRET or key_bits(secret) < MIN_KEY_BITS
    if weak and app_env == "prod":
        raise ValueError("SECRET_KEY is the development key or too weak (under 256 bits): generate one with "
                         "python -c 'import secrets; print(secrets.token_hex(32))'")
    if weak and app_env == "dev":
        logging.getLogger("aftersales").warning(
            "SECRET_KEY is %s: anyone with the repository can mint PLATFORM tokens for this server. Never expose "
            "it; set SECRET_KEY (python -c 'import secrets; print(secrets.token_hex(32))')",
            "the public development key" if secret == DEV_SECRET else "weak (under 256 bits)")
    return secret


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


def _redis_url(value: str | None) -> str | None:
    if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"REDIS_URL must be a redis://, rediss:// or unix:// URL, got {value!r}")
    return value


def _positive_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    if not value.isdigit() or int(value) <= 0:
        raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)


def _whole(name: str, default: int) -> int:
    """A whole number of zero or more (0 turns a periodic task off)."""
    value = os.environ.get(name)
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number of 0 or more, got {value!r}")
    return int(value)


def _delays(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Comma-separated whole seconds; an empty list means a single try."""
    value = os.environ.get(name)
    if value is None:
        return default
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise ValueError(f"{name} must be whole seconds separated by commas, got {value!r}")
    return tuple(int(p) for p in parts)


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _origins(name: str) -> tuple[str, ...]:
    """Comma-separated origins such as https://admin.example.com (scheme, host, optional port; no path, no *)."""
    origins = tuple(o.strip().rstrip("/") for o in os.environ.get(name, "").split(",") if o.strip())
    for origin in origins:
        scheme, _, rest = origin.partition("://")
        if scheme not in ("http", "https") or not rest or "/" in rest or "*" in origin:
            raise ValueError(f"{name} lists origins like https://app.example.com, got {origin!r}")
    return origins


def _seconds(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise ValueError(f"{name} must be a number of seconds above 0 (at most 3600), got {value!r}")
    return seconds


@dataclass(frozen=True)
class Settings:
    app_env: str
    database_url: str
    secret_key: str
    upload_dir: Path
    migrate_on_start: bool
    graphiql: bool
    merchant_response_hours: int = 48
    after_sale_days: int = 15
    appeal_anomaly_threshold: int = 3
    appeal_auto_limit: int = 1
    appeal_rejections_limit: int = 5
    payment_timeout_minutes: int = 15
    introspection: bool = True
    graphql_get: bool = True
    max_depth: int = 10
    max_aliases: int = 30
    max_cost: int = 50_000
    max_body_bytes: int = 1_000_000
    idempotency_ttl_hours: int = 24
    trusted_documents_only: bool = False
    fast_paths: bool = True  # off: stock Strawberry, DataLoaders and SQLAlchemy reads, whatever the two below say
    fast_executor: bool = True
    compiled_plans: bool = True
    compile_after: int = 2
    deadline_interval_seconds: int = 60
    subscriber_queue: int = 1000
    webhook_allow_private: bool = False
    webhook_retry_delays: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000)
    webhook_timeout_seconds: float = 10.0
    webhook_per_endpoint: int = 2
    webhook_poll_seconds: float = 1.0
    webhook_rotation_overlap_hours: int = 24
    webhook_disable_after_hours: int = 72
    link_ttl_seconds: int = 900
    export_max_concurrent: int = 8
    export_max_per_caller: int = 2
    export_send_timeout_seconds: float = 30.0
    ws_init_timeout_seconds: float = 10.0
    ws_max_sockets: int = 1000
    ws_max_sockets_per_caller: int = 10
    ws_max_subscriptions_per_caller: int = 50
    trusted_documents_manifest: Path = ROOT / "operations" / "manifest.json"
    max_token_hours: int = 24
    upload_quota_files: int = 60
    upload_quota_mb: int = 200
    apq_max_documents: int = 5000
    apq_per_caller: int = 100
    cors_origins: tuple[str, ...] = ()
    log_format: str = "text"
    metrics: bool = True
    metrics_token: str | None = None
    throttle_max_cost: int = 2_000  # H1: a caller's bucket, in points (0: no throttle)
    throttle_restore_rate: int = 100  # points a second
    redis_url: str | None = None  # H1: the buckets in Redis, shared by every process (else PostgreSQL's table)

    @property
    def is_prod(self) -> bool:
        return self.app_env == "prod"

    @property
    def coupon_policy(self):
        from datetime import timedelta

        from domain.coupons.services import CouponPolicy

        return CouponPolicy(payment_timeout=timedelta(minutes=self.payment_timeout_minutes))

    @property
    def appeal_policy(self):
        from domain.appeals.services import AppealPolicy

        return AppealPolicy(anomaly_threshold=self.appeal_anomaly_threshold,
                            auto_limit_per_30_days=self.appeal_auto_limit,
                            rejections_threshold=self.appeal_rejections_limit)

    @property
    def claim_policy(self):
        from datetime import timedelta

        from domain.claims.services import ClaimPolicy

        return ClaimPolicy(merchant_response_time=timedelta(hours=self.merchant_response_hours),
                           after_sale_days=self.after_sale_days)

    @property
    def webhook_policy(self):
        from domain.webhooks.services import WebhookPolicy

        return WebhookPolicy(allow_private=self.webhook_allow_private, retry_delays=self.webhook_retry_delays,
                             timeout=self.webhook_timeout_seconds, per_endpoint=self.webhook_per_endpoint,
                             rotation_overlap=timedelta(hours=self.webhook_rotation_overlap_hours),
                             disable_after=timedelta(hours=self.webhook_disable_after_hours))

    @property
    def link_signer(self):
        """H4: signs the links a browser opens without a token (evidence files, uploads)."""
        from domain.shared.links import LinkSigner

        return LinkSigner.for_secret(self.secret_key, timedelta(seconds=self.link_ttl_seconds))

    @property
    def upload_policy(self):
        from domain.uploads.model import UploadPolicy

        return UploadPolicy(files_per_hour=self.upload_quota_files, bytes_per_hour=self.upload_quota_mb * 1024 * 1024)

    @property
    def is_test(self) -> bool:
        return self.app_env == "test"

    @staticmethod
    def from_env() -> Settings:
        app_env = os.environ.get("APP_ENV", "dev")
        if app_env not in ENVIRONMENTS:
            raise ValueError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, got {app_env!r}")
        secret = _secret_key(app_env)
        metrics, metrics_token = _flag("METRICS", app_env != "prod"), os.environ.get("METRICS_TOKEN") or None
        if metrics and app_env == "prod" and (metrics_token is None or len(metrics_token) < 32):
            raise ValueError("METRICS=true in prod needs METRICS_TOKEN (32 characters or more): scrapes send it as "
                             "a bearer token, so /metrics is never public by accident")
        return Settings(
            app_env=app_env,
            database_url=os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{ROOT / 'var' / 'app.db'}",
            secret_key=secret,
            upload_dir=Path(os.environ.get("UPLOAD_DIR") or ROOT / "var" / "uploads"),
            migrate_on_start=_flag("MIGRATE_ON_START", True),
            graphiql=_flag("GRAPHIQL", app_env != "prod"),
            merchant_response_hours=_positive_int("MERCHANT_RESPONSE_HOURS", 48),
            after_sale_days=_positive_int("AFTER_SALE_DAYS", 15),
            appeal_anomaly_threshold=_positive_int("APPEAL_ANOMALY_THRESHOLD", 3),
            appeal_auto_limit=_positive_int("APPEAL_AUTO_LIMIT", 1),
            appeal_rejections_limit=_positive_int("APPEAL_REJECTIONS_LIMIT", 5),
            payment_timeout_minutes=_positive_int("PAYMENT_TIMEOUT_MINUTES", 15),
            introspection=_flag("INTROSPECTION", app_env != "prod"),
            graphql_get=_flag("GRAPHQL_GET", app_env != "prod"),
            max_depth=_positive_int("GRAPHQL_MAX_DEPTH", 10),
            max_aliases=_positive_int("GRAPHQL_MAX_ALIASES", 30),
            max_cost=_positive_int("GRAPHQL_MAX_COST", 50_000),
            max_body_bytes=_positive_int("GRAPHQL_MAX_BODY_BYTES", 1_000_000),
            idempotency_ttl_hours=_positive_int("IDEMPOTENCY_TTL_HOURS", 24),
            trusted_documents_only=_flag("TRUSTED_DOCUMENTS_ONLY", False),
            fast_paths=_flag("FAST_PATHS", True),
            fast_executor=_flag("FAST_EXECUTOR", True),
            compiled_plans=_flag("COMPILED_PLANS", True),
            compile_after=_positive_int("COMPILE_AFTER", 2),
            deadline_interval_seconds=_whole("DEADLINE_INTERVAL_SECONDS", 60),
            subscriber_queue=_positive_int("SUBSCRIBER_QUEUE", 1000),
            webhook_allow_private=_flag("WEBHOOK_ALLOW_PRIVATE", app_env in ("dev", "test")),
            webhook_retry_delays=_delays("WEBHOOK_RETRY_DELAYS", (5, 300, 1800, 7200, 18000, 36000)),
            webhook_timeout_seconds=_seconds("WEBHOOK_TIMEOUT_SECONDS", 10.0),
            webhook_per_endpoint=_positive_int("WEBHOOK_PER_ENDPOINT_CONCURRENCY", 2),
            webhook_poll_seconds=_seconds("WEBHOOK_POLL_SECONDS", 1.0),
            webhook_rotation_overlap_hours=_whole("WEBHOOK_ROTATION_OVERLAP_HOURS", 24),
            webhook_disable_after_hours=_positive_int("WEBHOOK_DISABLE_AFTER_HOURS", 72),
            link_ttl_seconds=_positive_int("LINK_TTL_SECONDS", 900),
            export_max_concurrent=_positive_int("EXPORT_MAX_CONCURRENT", 8),
            export_max_per_caller=_positive_int("EXPORT_MAX_PER_CALLER", 2),
            export_send_timeout_seconds=_seconds("EXPORT_SEND_TIMEOUT_SECONDS", 30.0),
            ws_init_timeout_seconds=_seconds("WS_INIT_TIMEOUT_SECONDS", 10.0),
            ws_max_sockets=_positive_int("WS_MAX_SOCKETS", 1000),
            ws_max_sockets_per_caller=_positive_int("WS_MAX_SOCKETS_PER_CALLER", 10),
            ws_max_subscriptions_per_caller=_positive_int("WS_MAX_SUBSCRIPTIONS_PER_CALLER", 50),
            max_token_hours=_positive_int("MAX_TOKEN_HOURS", 24),
            upload_quota_files=_positive_int("UPLOAD_QUOTA_FILES", 60),
            upload_quota_mb=_positive_int("UPLOAD_QUOTA_MB", 200),
            apq_max_documents=_positive_int("APQ_MAX_DOCUMENTS", 5000),
            apq_per_caller=_positive_int("APQ_PER_CALLER", 100),
            cors_origins=_origins("CORS_ORIGINS"),
            metrics=metrics,
            metrics_token=metrics_token,
            throttle_max_cost=_whole("THROTTLE_MAX_COST", 2_000),
            throttle_restore_rate=_positive_int("THROTTLE_RESTORE_RATE", 100),
            redis_url=_redis_url(os.environ.get("REDIS_URL") or None),
            log_format=_choice("LOG_FORMAT", ("json", "text"), "json" if app_env == "prod" else "text"),
            trusted_documents_manifest=Path(os.environ.get("TRUSTED_DOCUMENTS_MANIFEST")
                                            or ROOT / "operations" / "manifest.json"),
        )
