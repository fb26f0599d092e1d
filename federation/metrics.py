"""Federation's figures on /metrics (core.metrics): deliveries per remote domain.

- `hashchat_federation_deliveries{domain, state}`: read from the database at scrape
  time, so every process reports the instance's figures: how many deliveries to each
  domain are queued, being sent, failing (will retry) or given up. Delivered ones are
  left out of this gauge (they are counted below, and pruned after two weeks).
- `hashchat_federation_delivery_attempts_total{domain, outcome}`: each attempt this
  process made, by outcome (delivered, failed, given_up).
"""

from django.db.models import Count

from core import metrics
from federation.models import Delivery

ATTEMPTS = metrics.counter(
    "federation_delivery_attempts",
    "Delivery attempts to remote inboxes, by domain and outcome.",
    ["domain", "outcome"],
)
OUTCOMES: dict[str, str] = {
    Delivery.State.DELIVERED: "delivered",
    Delivery.State.FAILING: "failed",
    Delivery.State.GIVEN_UP: "given_up",
}
OPEN_STATES = [
    Delivery.State.QUEUED,
    Delivery.State.SENDING,
    Delivery.State.FAILING,
    Delivery.State.GIVEN_UP,
]


def attempted(domain: str, state: str) -> None:
    ATTEMPTS.labels(domain, OUTCOMES.get(state, str(state))).inc()


def deliveries_by_domain() -> list:
    """Scrape-time figure: deliveries not yet delivered, per domain and state."""
    family = metrics.gauge_family(
        "federation_deliveries",
        "Deliveries to remote inboxes not yet delivered, by domain and state.",
        labels=["domain", "state"],
    )
    rows = (
        Delivery.objects.filter(state__in=OPEN_STATES)
        .values("domain", "state")
        .annotate(n=Count("id"))
        .order_by("domain", "state")
    )
    for row in rows:
        family.add_metric([row["domain"], row["state"]], row["n"])
    return [family]
