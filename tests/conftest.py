"""The test cast (STYLE.md): Hana the host, Pat the participant (who also manages
the organisation profile HKLibConnect) and Olly the outsider."""

from dataclasses import dataclass

import pytest

from accounts import actions as account_actions
from accounts.models import Membership, Profile, User


@dataclass
class Person:
    user: User
    profile: Profile
    password: str


def make_person(username: str, *, timezone: str = "UTC", **fields) -> Person:
    password = f"{username}-secret-pw"
    user = account_actions.sign_up(
        username=username,
        email=f"{username.lower()}@example.org",
        password=password,
        timezone=timezone,
        **fields,
    )
    profile = user.personal_profile
    assert profile is not None
    return Person(user=user, profile=profile, password=password)


@pytest.fixture
def hana(db) -> Person:
    return make_person("hana", timezone="Asia/Hong_Kong", display_name="Hana", location="Hong Kong")


@pytest.fixture
def pat(db) -> Person:
    return make_person("pat", timezone="Australia/Sydney", display_name="Pat", location="Sydney")


@pytest.fixture
def olly(db) -> Person:
    return make_person(
        "olly", timezone="Europe/Copenhagen", display_name="Olly", location="Copenhagen"
    )


@pytest.fixture
def ada(db) -> Person:
    """A site admin, made as `hashchat createuser --admin` makes one."""
    user = account_actions.create_user(
        username="ada", email="ada@example.org", password="ada-secret-pw-1", admin=True
    )
    assert user.personal_profile is not None
    return Person(user=user, profile=user.personal_profile, password="ada-secret-pw-1")


@pytest.fixture
def ngac(hana) -> Profile:
    """The series' official organiser profile, owned by Hana."""
    return account_actions.create_organisation(
        user=hana.user, handle="NGAC", display_name="ALIA NGAC", timezone="Asia/Hong_Kong"
    )


@pytest.fixture
def hklibconnect(pat, olly) -> Profile:
    """An organisation profile: Olly owns it, Pat manages it."""
    org = account_actions.create_organisation(
        user=olly.user, handle="HKLibConnect", display_name="HK Lib Connect"
    )
    Membership.objects.create(user=pat.user, profile=org, role=Membership.Role.MANAGER)
    # Olly is the outsider in most tests: give the org to a separate owner instead.
    Membership.objects.filter(user=olly.user, profile=org).delete()
    owner = make_person("jo", display_name="Jo")
    Membership.objects.create(user=owner.user, profile=org, role=Membership.Role.OWNER)
    return org


@pytest.fixture
def capture_events(monkeypatch):
    """Collects live events as they are published (after commit).

    Use with django_capture_on_commit_callbacks(execute=True) or a transactional test.
    """
    from live.hub import get_hub

    seen: list[tuple[list[str], dict]] = []
    unsubscribe = get_hub().subscribe(lambda streams, event: seen.append((streams, event)))
    yield seen
    unsubscribe()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch):
    """Every test starts with empty rate-limit counters (they may live in Redis)."""
    import uuid

    from core import ratelimit

    monkeypatch.setattr(ratelimit, "NAMESPACE", f"rl-{uuid.uuid4().hex[:12]}")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say which service lanes did not run (tests/lanes.py): skips are never silent."""
    from tests.lanes import missing_lanes

    reports = [r for group in terminalreporter.stats.values() for r in group]
    ids = [getattr(r, "nodeid", "") for r in reports]
    if ids and all(i.startswith("tests/browser/") for i in ids if i):
        return  # the browser run: it has no PostgreSQL or Redis lane
    lines = missing_lanes(terminalreporter.stats.get("skipped", []))
    if lines:
        terminalreporter.section("lanes that did not run", sep="-", yellow=True)
        for line in lines:
            terminalreporter.line(line)
