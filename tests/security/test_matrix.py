"""The authorisation matrix, generated from the URL configuration.

Every route of the site (pages, the Mastodon API and OAuth, the own API) must have
an entry in tests/security/matrix_table.py (matrix_pages.py for the pages); a new route without one fails
`test_every_route_has_an_entry`. Each write is then sent by

- the wrong profile (Olly, or Pat who hosts nothing; on the APIs also a token of
  the rightful login issued for another of its profiles),
- a token of the rightful profile holding every scope but the one that grants it,
- nobody (no login, no token),
- the rightful login with all its profiles suspended,

and each must be refused (the APIs with JSON errors: 401 without a valid token,
403 without the scope or the right, 404 for what the caller may not see) and leave
every stored row as it was. Last the rightful caller sends it and something must
change, so that a refusal above is the authorisation's, not a malformed request's.
"""

from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from django.apps import apps
from django.test import Client
from django.urls import get_resolver

from accounts import actions as account_actions
from accounts.models import Profile
from mastodon_api import actions as oauth
from mastodon_api.auth import ALL_SCOPES, has_scope
from posts import actions as post_actions
from posts import reactions
from posts.models import Notification
from tests.mastodon_api.conftest import make_token
from tests.security.conftest import fill
from tests.security.matrix_pages import PAGES
from tests.security.matrix_table import API, OAUTH, READ, Public, Write
from tests.security.routes import walk_routes

# Tables whose rows the matrix compares; fields that change on every request.
APPS = ("accounts", "posts", "chats", "transcripts", "mastodon_api", "federation", "gathering")
VOLATILE = {"last_login", "last_used_at"}
NOT_ROUTES = ("admin/", "^media/", "^api/v[12]/(?!streaming)")
# A page may refuse by showing its form again with the error (200, 422), by a
# redirect with a message, or with 400/403/404/405: what proves the refusal is that
# nothing changed while the rightful caller's same request changes something.
PAGE_REFUSALS = (200, 302, 400, 403, 404, 405, 422)
ANONYMOUS_REFUSALS = (302, 400, 401, 403, 404, 405)


def routes() -> list[str]:
    """Every route once (the Mastodon API's `x/` twins of `x` left out)."""
    found = [r for r, _ in walk_routes(get_resolver().url_patterns) if not r.startswith(NOT_ROUTES)]
    unique = sorted(set(found))
    return [r for r in unique if not (r.endswith("/") and r[:-1] in unique)]


def table() -> dict[str, Any]:
    return {**API, **OAUTH, **PAGES}


def writes() -> list[tuple[str, Write]]:
    rows: list[tuple[str, Write]] = []
    for route, entry in table().items():
        if isinstance(entry, list):
            rows.extend((route, w) for w in entry)
    return rows


def write_id(row: tuple[str, Write]) -> str:
    route, w = row
    return f"{w.method.upper()} {route}{' ' + w.label if w.label else ''}"


# Coverage ---------------------------------------------------------------------------


def offered_methods(route: str, params: dict) -> set[str] | None:
    """The write methods an API route offers: the Mastodon routes answer OPTIONS
    with them, the own API lists them in its OpenAPI document; None for others."""
    if route.startswith("api/hashchat/v1/"):
        from hashchat.api import api

        key = "/" + route.replace("<", "{").replace(">", "}")
        operations = api.get_openapi_schema()["paths"].get(key, {})
        return {m.upper() for m in operations} - {"GET"}
    if route.startswith(("api/v1/", "api/v2/")):
        response = Client().options(fill(route, params))
        allowed = response.get("Access-Control-Allow-Methods", "")
        return {m.strip() for m in allowed.split(",") if m.strip()} - {"GET", "HEAD"}
    return None


def test_every_route_has_an_entry(world):
    params = {**world.params, "profile_id": 1, "name": "auslibchat", "account_id": 1, "block_id": 1}
    known = table()
    missing, unlisted, stale = [], [], []
    for route in routes():
        methods = offered_methods(route, params)
        if methods is None:  # pages, OAuth: each route is listed, read or write
            if route not in known:
                missing.append(route)
            continue
        listed = known.get(route)
        if isinstance(listed, Public):
            continue
        have = {w.method.upper() for w in listed} if isinstance(listed, list) else set()
        if methods - have:
            unlisted.append((route, sorted(methods - have)))
    all_routes = set(routes())
    stale = [r for r in known if r not in all_routes]
    assert missing == [], (
        f"routes without an entry in matrix_pages.py or matrix_table.py: {missing}"
    )
    assert unlisted == [], f"write methods without an entry in matrix_table.py: {unlisted}"
    assert stale == [], f"entries for routes that no longer exist: {stale}"


# The world --------------------------------------------------------------------------


@dataclass
class Cast:
    world: Any
    hana: Any
    pat: Any
    olly: Any
    ada: Any
    jo: Any
    ngac: Profile
    org: Profile
    app: Any

    # For the setups of matrix_table.py: Pat makes something to undo.
    @property
    def pat_post(self):
        return self.world.pat_post

    def do(self, verb: str, **kwargs) -> None:
        user, profile = self.pat.user, self.pat.profile
        if verb in ("like", "repost", "bookmark"):
            getattr(reactions, verb)(user=user, profile=profile, **kwargs)
        elif verb == "follow_tag":
            post_actions.follow_tag(user=user, profile=profile, **kwargs)
        else:
            getattr(account_actions, verb)(user=user, profile=profile, **kwargs)

    def person(self, who: str):
        return {"self": self.pat, "pat": self.pat, "hana": self.hana, "ada": self.ada}.get(
            who, self.jo
        )

    def acting_profile(self, who: str) -> Profile:
        """The profile a rightful caller acts as."""
        if who == "hana":
            return self.ngac
        if who == "jo":
            return self.org
        return self.person(who).profile

    def values(self) -> dict:
        from federation.models import DomainBlock, FollowRequest
        from gathering.models import WatchedServer

        notification = Notification.objects.filter(recipient=self.pat.profile).first()
        block = DomainBlock.objects.first()
        asked = FollowRequest.objects.filter(followee=self.pat.profile).first()
        watched = WatchedServer.objects.first()
        w = self.world
        return {
            "pat_post": w.pat_post.id,
            "pat_profile": self.pat.profile.id,
            "olly_profile": self.olly.profile.id,
            "org": self.org.id,
            "ngac": self.ngac.id,
            "event": w.event.id,
            "next_event": w.next_event.id,
            "next_question": w.next_event.questions.order_by("position").first().id,
            "notification": notification.id if notification else 0,
            "report": w.params["report_id"],
            "client_id": self.app.client_id,
            "block": block.id if block else 0,
            "follower": asked.follower_id if asked else 0,
            "archive": w.params["archive_id"],
            "watched": watched.id if watched else 0,
        }

    @property
    def olly_profile(self):
        return self.olly.profile


@pytest.fixture
def cast(world, hana, pat, olly, ada, ngac, hklibconnect) -> Cast:
    from accounts.models import Membership

    jo = Membership.objects.get(profile=hklibconnect, role="owner").user
    app = oauth.register_app(
        name="Matrix", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write follow"
    )
    c = Cast(world, hana, pat, olly, ada, None, ngac, hklibconnect, app)
    c.jo = type(pat)(user=jo, profile=hklibconnect, password="")
    return c


def fingerprint() -> dict[str, list]:
    """Every row of the domain tables (less fields that change on every request)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in APPS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE]
        manager = model._default_manager
        rows[model._meta.label] = list(manager.order_by("pk").values_list(*fields))
    return rows


def changes(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


# Sending ----------------------------------------------------------------------------


def session(person, profile: Profile | None = None) -> Client:
    client = Client()
    client.force_login(person.user)
    if profile is not None:
        client.post("/profiles/switch/", {"profile": str(profile.id)})
    return client


def send(client: Client, w: Write, values: dict, token: str | None = None):
    path = w.path.format(**values)
    # Strings are formatted with the world's ids; lists (JSON bodies) go as they are.
    data = {
        k.format(**values): v if isinstance(v, list) else str(v).format(**values)
        for k, v in w.data.items()
    }
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if w.json or w.method in ("put", "patch", "delete"):
        body = orjson.dumps(data)
        return getattr(client, w.method)(
            path, body, content_type="application/json", headers=headers
        )
    return client.post(path, data, headers=headers)


def is_api(route: str) -> bool:
    return route.startswith("api/")


def wrong_scopes(required: str | None) -> str:
    """Every scope but those that grant `required`."""
    assert required
    return " ".join(sorted(s for s in ALL_SCOPES if not has_scope({s}, required)))


def suspend_all(cast: Cast, person) -> list[Profile]:
    """Suspend every profile the login may act as (by the site admin, who may
    suspend her own profile too); the profiles suspended."""
    done = []
    for profile in Profile.objects.filter(memberships__user=person.user, is_suspended=False):
        account_actions.suspend(admin=cast.ada.user, profile=profile, reason="matrix")
        done.append(profile)
    return done


def refused_by_api(response, status: set[int]) -> str | None:
    if response.status_code not in status:
        return f"answered {response.status_code}, wanted one of {sorted(status)}"
    try:
        body = response.json()
    except ValueError:
        return "answered without JSON"
    return None if isinstance(body, dict) and "error" in body else "JSON without an error"


def refused_by_page(response, *, anonymous: bool) -> str | None:
    if response.status_code not in (ANONYMOUS_REFUSALS if anonymous else PAGE_REFUSALS):
        return f"answered {response.status_code}"
    location = response.get("Location", "")
    if anonymous and response.status_code == 302 and not location.startswith("/login/"):
        return f"sent an anonymous caller to {location}"
    return None


def attempts(cast: Cast, route: str, w: Write):
    """(who, client, token, check) for each wrong caller of this write."""
    api = is_api(route)
    rightful = cast.person(w.by)
    profile = cast.acting_profile(w.by)
    out: list[tuple[str, Client, str | None, set[int] | None]] = []
    if w.by != "self":
        wrong = [cast.olly, cast.pat] if w.by in ("hana", "ada", "jo") else [cast.olly]
        for person in wrong:
            if person is rightful:
                continue
            name = f"wrong profile ({person.user.username})"
            if api:
                token = make_token(cast.app, person, scopes=" ".join(sorted(ALL_SCOPES)))
                out.append((name, Client(), token, {403, 404}))
                if route.startswith("api/hashchat/"):  # the own API takes sessions too
                    out.append((name + " by session", session(person), None, {403, 404}))
            else:
                out.append((name, session(person), None, None))
        if api and profile != rightful.profile:
            # The rightful login, through a token for another of its profiles.
            token = make_token(cast.app, rightful, scopes=" ".join(sorted(ALL_SCOPES)))
            out.append(("another profile of the login", Client(), token, {403, 404}))
    if api:
        token = make_token(cast.app, rightful, scopes=wrong_scopes(w.scope), profile=profile)
        out.append(("wrong scope", Client(), token, {403}))
    out.append(("no login", Client(), None, {401}))
    return out


ROWS = writes()


@pytest.mark.parametrize("row", ROWS, ids=[write_id(r) for r in ROWS])
def test_only_the_rightful_caller_can_write(cast, row):
    route, w = row
    api = is_api(route)
    if w.setup:
        w.setup(cast)
    values = cast.values()
    rightful = cast.person(w.by)
    profile = cast.acting_profile(w.by)
    failures = []

    def check(who, response, status, before, anonymous=False):
        if api:
            problem = refused_by_api(response, status)
        else:
            problem = refused_by_page(response, anonymous=anonymous)
        changed = changes(before, fingerprint())
        if problem or changed:
            failures.append(f"{who}: {problem or 'refused'}; changed {changed}")

    for who, client, token, status in attempts(cast, route, w):
        before = fingerprint()
        check(who, send(client, w, values, token), status, before, anonymous=who == "no login")

    if not w.login_level:
        # The rightful caller, suspended (every profile of the login).
        token = make_token(cast.app, rightful, scopes=w.scope or "read", profile=profile)
        client = session(rightful, profile)
        suspended = suspend_all(cast, rightful)
        before = fingerprint()
        response = send(Client() if api else client, w, values, token if api else None)
        check("suspended", response, {401}, before)
        for p in suspended:
            account_actions.suspend(admin=cast.ada.user, profile=p, suspended=False, reason="ok")

    # The rightful caller: the same request goes through and changes something.
    token = make_token(cast.app, rightful, scopes=w.scope or "read", profile=profile)
    client = Client() if api else session(rightful, profile)
    before = fingerprint()
    response = send(client, w, values, token if api else None)
    if response.status_code >= 400 or not changes(before, fingerprint()):
        failures.append(f"rightful caller: answered {response.status_code}, changed nothing")
    assert failures == [], "\n".join(failures)


READ_PAGES = sorted(r for r, entry in {**OAUTH, **PAGES}.items() if entry == READ)


def test_read_routes_change_nothing_even_when_posted_to(cast):
    """A route listed as READ changes no stored row, whoever posts to it (a host
    acting as the organiser, a site admin) and whatever the form says."""
    params = {**cast.world.params, "handle": "pat", "name": "auslibchat"}
    data = {"text": "x #auslibchat", "profile": str(cast.ngac.id), "action": "hide"}
    changed = []
    for client in (session(cast.hana, cast.ngac), session(cast.ada)):
        for route in READ_PAGES:
            if route in ("logout/", "profiles/switch/"):
                continue  # they end or change the session: tried last
            before = fingerprint()
            client.post(fill(route, params), data)
            if changes(before, fingerprint()):
                changed.append(route)
    assert changed == []


def test_the_django_admin_is_for_site_admins_only(cast):
    """/admin/ is left out of the table: Django's own admin, which lets in only
    staff logins (and where reports are read-only, tests/moderation)."""
    report = cast.world.params["report_id"]
    path = f"/admin/mastodon_api/report/{report}/change/"
    before = fingerprint()
    for client in (Client(), session(cast.pat), session(cast.hana, cast.ngac)):
        response = client.post(path, {"comment": "changed"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert changes(before, fingerprint()) == []
