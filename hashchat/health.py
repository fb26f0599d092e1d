"""`hashchat check`: is this installation ready for a chat?

Each check answers a Finding: fine or not, what was seen, and for a problem what to
do about it. The command prints them all and exits 0 only when every one is fine.
"""

import email.utils
import http.client
import shutil
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# Thresholds an operator can rely on during a chat.
WORKER_SILENT_SECONDS = 30
SCHEDULER_LAG_SECONDS = 30
CLOCK_SKEW_SECONDS = 5
CERT_DAYS_LEFT = 14
DISK_FREE_BYTES = 1024**3
DISK_FREE_SHARE = 0.05


@dataclass
class Finding:
    name: str
    ok: bool
    seen: str
    todo: str = ""


# What to do about Django's deployment warnings, in hashchat's terms.
OVER_HTTPS = "Serve hashchat over HTTPS: HASHCHAT_BASE_URL=https://your.name."
DEPLOY_ADVICE = {
    "security.W004": OVER_HTTPS,
    "security.W012": OVER_HTTPS,
    "security.W016": OVER_HTTPS,
    "security.W018": "Unset HASHCHAT_DEBUG: debug pages show settings and code.",
    "security.W009": "Unset HASHCHAT_SECRET_KEY to use the generated key, or set a long "
    "random one (50 characters).",
}


def deploy_checks() -> Finding:
    from django.core.checks import WARNING, run_checks

    found = [
        m
        for m in run_checks(include_deployment_checks=True)
        if m.level >= WARNING and not m.is_silenced()
    ]
    if not found:
        return Finding("settings", True, "Django's deployment checks pass")
    seen = "; ".join(f"{m.id}: {str(m.msg).split('. ')[0]}" for m in found)
    todo = " ".join(
        dict.fromkeys(
            DEPLOY_ADVICE.get(m.id or "", m.hint or f"See Django's check {m.id}.") for m in found
        )
    )
    return Finding("settings", False, seen, todo)


def database() -> Finding:
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as e:
        return Finding(
            "database",
            False,
            f"cannot reach the {connection.vendor} database: {e}".strip(),
            "Start the database, or correct DATABASE_URL (docs/operations.md).",
        )
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        return Finding(
            "database",
            False,
            f"{len(plan)} migrations not applied ({names})",
            "Run `hashchat manage migrate` once, before (re)starting the processes.",
        )
    return Finding("database", True, f"{connection.vendor} reachable, all migrations applied")


def redis_server() -> Finding | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except (redis.RedisError, OSError) as e:
        return Finding(
            "redis",
            False,
            f"no answer at {settings.REDIS_URL.split('@')[-1]}: {e}",
            "Start Redis, or correct REDIS_URL; live streams between processes need it.",
        )
    return Finding("redis", True, "answers")


def base_url() -> tuple[Finding, float | None]:
    """The public address answers over HTTPS with a certificate that verifies;
    returns the finding and the skew between its clock and ours."""
    url = urlsplit(settings.BASE_URL)
    if url.scheme != "https":
        return Finding(
            "public address",
            False,
            f"HASHCHAT_BASE_URL is {settings.BASE_URL}, not https",
            "Put hashchat behind nginx with TLS (deploy/nginx/hashchat.conf) and set "
            "HASHCHAT_BASE_URL=https://your.name.",
        ), None
    host, port = url.hostname or "", url.port or 443
    context = ssl.create_default_context()  # honours SSL_CERT_FILE for a private CA
    try:
        conn = http.client.HTTPSConnection(host, port, timeout=10, context=context)
        conn.request("GET", "/api/v1/instance", headers={"User-Agent": "hashchat check"})
        response = conn.getresponse()
        response.read()
        cert = conn.sock.getpeercert() if conn.sock else None
        date = response.getheader("Date")
        conn.close()
    except ssl.SSLCertVerificationError as e:
        return Finding(
            "public address",
            False,
            f"{settings.BASE_URL}: the certificate does not verify ({e.verify_message})",
            "Install a certificate for this name with its full chain (e.g. certbot), "
            "and reload nginx.",
        ), None
    except (OSError, http.client.HTTPException) as e:
        return Finding(
            "public address",
            False,
            f"{settings.BASE_URL} does not answer: {e}",
            "Check that nginx runs and the name points at this machine.",
        ), None
    if response.status != 200:
        return Finding(
            "public address",
            False,
            f"{settings.BASE_URL}/api/v1/instance answered {response.status}",
            "Check nginx's upstream: it must reach `hashchat serve`.",
        ), None
    skew = None
    if date:
        skew = email.utils.parsedate_to_datetime(date).timestamp() - time.time()
    days = None
    if cert and cert.get("notAfter"):
        expires = ssl.cert_time_to_seconds(str(cert["notAfter"]))
        days = int((expires - time.time()) // 86400)
        if days < CERT_DAYS_LEFT:
            return Finding(
                "public address",
                False,
                f"the certificate expires in {days} days",
                "Renew it now (certbot renew), then reload nginx.",
            ), skew
    return Finding(
        "public address", True, f"{settings.BASE_URL} answers; certificate valid {days} more days"
    ), skew


def worker() -> Finding:
    from core.worker import last_heartbeat

    try:
        beat = last_heartbeat()
    except Exception as e:
        return Finding("worker", False, f"cannot read its heartbeat: {e}", "Fix the database.")
    if not beat:
        return Finding(
            "worker",
            False,
            "no worker has run",
            "Run `hashchat worker` (or `hashchat serve` without --no-worker): "
            "timed questions and reminders need it.",
        )
    age = (datetime.now(UTC) - datetime.fromisoformat(beat["at"])).total_seconds()
    if age > WORKER_SILENT_SECONDS:
        return Finding(
            "worker",
            False,
            f"last seen {int(age)} s ago (pid {beat['pid']} on {beat['host']})",
            "Restart `hashchat worker` and read its log: timed questions wait for it.",
        )
    from chats.scheduler import lag

    delay = lag()
    if delay > SCHEDULER_LAG_SECONDS:
        return Finding(
            "worker",
            False,
            f"alive, but a due question has waited {int(delay)} s",
            "The worker is stuck or overloaded: read its log, and restart it.",
        )
    return Finding("worker", True, f"alive {int(age)} s ago; scheduler lag {delay:.0f} s")


def clock(http_skew: float | None) -> Finding:
    skews = {}
    if http_skew is not None:
        skews["the public address"] = http_skew
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT extract(epoch FROM clock_timestamp())")
                skews["the database"] = float(cursor.fetchone()[0]) - time.time()
        except Exception:
            pass  # the database finding says why
    if not skews:
        return Finding("clock", True, "no other clock to compare with")
    worst = max(skews, key=lambda k: abs(skews[k]))
    if abs(skews[worst]) > CLOCK_SKEW_SECONDS:
        return Finding(
            "clock",
            False,
            f"{abs(skews[worst]):.0f} s apart from {worst}",
            "Synchronise the clocks with NTP (chrony or systemd-timesyncd): questions "
            "are posted by this clock.",
        )
    return Finding("clock", True, f"within {CLOCK_SKEW_SECONDS} s of " + " and ".join(skews))


def disk() -> Finding:
    usage = shutil.disk_usage(settings.DATA_DIR)
    free = usage.free
    if free < DISK_FREE_BYTES or free < usage.total * DISK_FREE_SHARE:
        return Finding(
            "disk",
            False,
            f"{free / 1024**3:.1f} GiB free in {settings.DATA_DIR}",
            "Free some space (old backups?): SQLite and uploads need room to write.",
        )
    return Finding("disk", True, f"{free / 1024**3:.1f} GiB free in {settings.DATA_DIR}")


def run_all() -> list[Finding]:
    findings = [deploy_checks(), database()]
    database_ok = findings[-1].ok
    if (found := redis_server()) is not None:
        findings.append(found)
    public, skew = base_url()
    findings.append(public)
    if database_ok:
        findings.append(worker())
    findings.append(clock(skew))
    findings.append(disk())
    return findings


def report(findings: list[Finding], write: Callable[[str], object], quiet: bool) -> None:
    for f in findings:
        if f.ok and not quiet:
            write(f"ok       {f.name}: {f.seen}")
        elif not f.ok:
            write(f"PROBLEM  {f.name}: {f.seen}\n         what to do: {f.todo}")
