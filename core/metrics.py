"""Metrics in the Prometheus text format, and the /metrics page that serves them.

Every app defines and records its own figures through this module (core imports
no app):

    POSTS_CREATED = metrics.counter("posts_created", "Posts created.", ["visibility"])
    POSTS_CREATED.labels("public").inc()

    metrics.add_collector(lambda: [metrics.gauge_family("queue_depth", "...", 3)])

Names get the `hashchat_` prefix. With one process the figures live in this
process's registry. With several (`hashchat serve --processes N`) the command
line sets PROMETHEUS_MULTIPROC_DIR before anything is imported: every process
then writes its figures to files there, and a scrape of any process adds them up
(prometheus-client's multiprocess mode; gauges of live things, such as open
streams, are summed over the processes still alive). Figures read at scrape time
from the database (`add_collector`) are the instance's, not one process's, so
they are the same whichever process answers.

Who may read /metrics: clients from HASHCHAT_METRICS_ALLOW (addresses or networks,
default loopback; behind a trusted proxy this is the real client's address), or
anyone sending `Authorization: Bearer <HASHCHAT_METRICS_TOKEN>`.
"""

import contextlib
import hmac
import ipaddress
import logging
import os
from collections.abc import Callable, Iterable, Sequence

from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger("core.metrics")

PREFIX = "hashchat_"
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

# Metrics recorded by the processes (the default registry; in multiprocess mode
# they write to files instead and the registry is only used for names).
_registry = CollectorRegistry(auto_describe=True)
_collectors: list[Callable[[], Iterable[Metric]]] = []

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def counter(name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
    return Counter(PREFIX + name, documentation, list(labels), registry=_registry)


def histogram(
    name: str,
    documentation: str,
    labels: Sequence[str] = (),
    buckets: Sequence[float] = LATENCY_BUCKETS,
) -> Histogram:
    return Histogram(
        PREFIX + name, documentation, list(labels), buckets=list(buckets), registry=_registry
    )


def gauge(name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge:
    """A gauge this process moves up and down (summed over live processes)."""
    return Gauge(
        PREFIX + name,
        documentation,
        list(labels),
        registry=_registry,
        multiprocess_mode="livesum",
    )


def gauge_family(
    name: str, documentation: str, value: float | None = None, labels: Sequence[str] = ()
) -> GaugeMetricFamily:
    """A gauge read at scrape time, for an `add_collector` function."""
    if labels:
        return GaugeMetricFamily(PREFIX + name, documentation, labels=list(labels))
    return GaugeMetricFamily(PREFIX + name, documentation, value=value)


def add_collector(collect: Callable[[], Iterable[Metric]]) -> None:
    """Register a function run on every scrape (figures the database knows)."""
    if collect not in _collectors:
        _collectors.append(collect)


class _ScrapeTime(Collector):
    def collect(self) -> Iterable[Metric]:
        for collect in list(_collectors):
            try:
                yield from collect()
            except Exception:
                # One figure that cannot be read must not hide the others.
                BACKEND_ERRORS.labels("metrics").inc()
                logger.exception("a metrics collector failed")


# Errors of the services hashchat depends on, counted wherever they are met.
BACKEND_ERRORS = counter(
    "backend_errors",
    "Errors talking to the database or Redis (backend=database|redis|metrics).",
    ["backend"],
)


def record_error(backend: str) -> None:
    BACKEND_ERRORS.labels(backend).inc()


def exposition(*, scrape_time: bool = True) -> bytes:
    """The text of a scrape (without the database's figures if not `scrape_time`)."""
    if MULTIPROCESS:
        forget_dead_processes()
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Forward())
    if scrape_time:
        registry.register(_ScrapeTime())
    return generate_latest(registry)


class _Forward(Collector):
    def collect(self) -> Iterable[Metric]:
        return _registry.collect()


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    raw = os.environ.get("HASHCHAT_METRICS_ALLOW", "127.0.0.1,::1")
    return [ipaddress.ip_network(item.strip(), strict=False) for item in raw.split(",") if item]


def may_read(request: HttpRequest) -> bool:
    token = os.environ.get("HASHCHAT_METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer "):
        return hmac.compare_digest(given[7:].encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR") or "")
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks())


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_read(request):
        return JsonResponse(
            {
                "error": "The metrics are only for allowed addresses (HASHCHAT_METRICS_ALLOW) "
                "or a bearer token (HASHCHAT_METRICS_TOKEN)."
            },
            status=403,
        )
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def clear_multiprocess_dir(path: str) -> None:
    """Empty the multiprocess directory before the processes start (old figures out)."""
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.unlink(os.path.join(path, name))


def forget_dead_processes() -> None:
    """A web process that died (and was replaced) no longer counts in the gauges of
    live things, such as open streams; its counters stay in the sums."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    pids = set()
    for name in os.listdir(directory):
        if name.startswith("gauge_live") and name.endswith(".db"):
            with contextlib.suppress(ValueError):
                pids.add(int(name[:-3].rsplit("_", 1)[1]))
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)
        except PermissionError:
            pass  # alive, someone else's
