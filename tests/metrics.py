"""Reading a figure back from /metrics' text, as Prometheus would."""

from prometheus_client.parser import text_string_to_metric_families

from core import metrics


def sample(name: str, *, scrape_time: bool = True, **labels: str) -> float:
    text = metrics.exposition(scrape_time=scrape_time).decode()
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0
