"""Reading a figure back from /metrics' text, as Prometheus would."""

from prometheus_client.parser import text_string_to_metric_families

from core import metrics


def sample(name: str, *, scrape_time: bool = True, **labels: str) -> float:
    """A figure of this process's /metrics."""
    return figure_in(metrics.exposition(scrape_time=scrape_time).decode(), name, **labels)


def figure_in(text: str, name: str, **labels: str) -> float:
    """A figure of /metrics' `text` (a server's own, read over HTTP); 0 when absent."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0
