"""Property-based fuzzing of the Mastodon API and OAuth, driven by the table of
every route and its parameters (mastodon_routes.py): generated requests, valid and
not, with and without a token, as query strings, forms or JSON, never cause a
server error; every error answer is a JSON body {"error": "..."}; a refused write
stores nothing. Derandomised, with a bounded number of examples per operation."""

import json
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from federation import api_urls as federation_urls
from mastodon_api import actions as oauth
from mastodon_api import urls as mastodon_urls
from tests.fuzz.conftest import HOSTILE, examples, stored_counts
from tests.fuzz.mastodon_routes import PATH_KINDS, ROUTES
from tests.mastodon_api.conftest import make_token
from tests.security.routes import walk_routes

EXAMPLES = examples(4)
# Paths answered by pages (the OAuth login and consent form) rather than JSON.
PAGES = {"oauth/authorize"}


def served_routes() -> list[str]:
    """Each route of the Mastodon API once: mastodon_api/urls.py and the routes
    federation answers (federation/api_urls.py: follow requests, domain blocks),
    without a trailing-slash twin and without the JSON 404 for everything else
    under /api/."""
    found: list[str] = []
    for pattern, _name in walk_routes([*federation_urls.urlpatterns, *mastodon_urls.urlpatterns]):
        if pattern.startswith("^api/v[12]/"):
            continue
        if pattern.endswith("/") and pattern[:-1] in found:
            continue
        if pattern not in found:
            found.append(pattern)
    return found


def values(world, kind: str):
    ids = [
        world.pat_post.id,
        world.olly_post.id,
        world.org_post.id,
        world.params["notification_id"],
    ]
    ids += [world.pat_post.author_id, world.olly_post.author_id]
    junk = st.one_of(
        st.text(max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(["", "0", "-1", "1e9", "null", "²", str(2**63), str(2**64 + 1)]),
    )
    good_id = st.sampled_from([str(i) for i in ids])
    kinds = {
        "id": st.one_of(good_id, junk),
        "int": st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), junk),
        "bool": st.sampled_from(["true", "false", "1", "0", "maybe", ""]),
        "text": st.one_of(st.text(max_size=200), st.sampled_from(["#auslibchat A1 hi", "pat"])),
        "tag": st.one_of(st.sampled_from(["auslibchat", "AUSLIBCHAT", "café", "x" * 300]), junk),
        "visibility": st.sampled_from(["public", "unlisted", "private", "direct", "nope", ""]),
        "scope": st.sampled_from(["read", "write", "read write follow", "admin:read", "", "x y"]),
    }
    if kind == "ids":
        return st.lists(kinds["id"], max_size=4)
    if kind == "texts":
        return st.lists(kinds["text"], max_size=4)
    return kinds[kind]


def fill_path(pattern: str, chosen: dict) -> str:
    path = pattern
    for name, value in chosen.items():
        for converter in ("str", "int", "id"):
            path = path.replace(f"<{converter}:{name}>", quote(value, safe="") or "x")
    return "/" + path


def request_strategy(world, pattern: str, method: str, params: dict):
    path_names = [name for name in PATH_KINDS if f":{name}>" in pattern]
    return st.fixed_dictionaries(
        {
            "path": st.fixed_dictionaries({n: values(world, PATH_KINDS[n]) for n in path_names}),
            "params": st.fixed_dictionaries(
                {}, optional={k: values(world, v) for k, v in params.items()}
            ),
            "encoding": st.sampled_from(
                ["query", "form", "json"] if method != "GET" else ["query"]
            ),
            "token": st.booleans(),
        }
    )


def send(client: Client, method: str, path: str, params: dict, encoding: str, headers: dict):
    if encoding == "query":
        query = "&".join(
            f"{quote(k)}={quote(str(item))}"
            for k, v in params.items()
            for item in (v if isinstance(v, list) else [v])
        )
        return client.generic(method, f"{path}?{query}" if query else path, headers=headers)
    if encoding == "json":
        return client.generic(
            method, path, json.dumps(params), content_type="application/json", headers=headers
        )
    form = "&".join(
        f"{quote(k)}{'[]' if isinstance(v, list) else ''}={quote(str(item))}"
        for k, v in params.items()
        for item in (v if isinstance(v, list) else [v])
    )
    return client.generic(
        method, path, form, content_type="application/x-www-form-urlencoded", headers=headers
    )


def check(response, pattern: str, method: str, before: dict | None) -> None:
    status = response.status_code
    assert status < 500, f"{method} {pattern}: {status} {response.content[:300]!r}"
    if status >= 400 and pattern not in PAGES:
        assert response["Content-Type"].startswith("application/json"), (method, pattern, status)
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"]
    if status >= 400 and before is not None:
        assert stored_counts() == before, f"{method} {pattern} answered {status} but stored rows"


@pytest.fixture
def pat_token(world, pat):
    app = oauth.register_app(
        name="fuzz", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write follow"
    )
    return make_token(app, pat, scopes="read write follow")


def test_every_route_is_in_the_table(world, client):
    served = served_routes()
    assert sorted(served) == sorted(ROUTES), (
        "mastodon_api/urls.py (with federation/api_urls.py) and "
        "tests/fuzz/mastodon_routes.py differ: "
        f"missing rows {sorted(set(served) - set(ROUTES))}, "
        f"stale rows {sorted(set(ROUTES) - set(served))}"
    )
    for pattern, methods in ROUTES.items():
        if not pattern.startswith("api/"):
            continue
        path = fill_path(pattern, {n: "1" for n in PATH_KINDS})
        allowed = client.options(path)["Access-Control-Allow-Methods"]
        assert set(allowed.split(", ")) == set(methods), pattern


def sweep_operation(world, client, token, pattern, method, params) -> None:
    """Each parameter alone set to each HOSTILE value of its kind, on a path that exists."""
    existing = {
        "post_id": world.pat_post.id,
        "profile_id": world.olly_post.author_id,
        "notification_id": world.params["notification_id"],
        "hashtag": "auslibchat",
        "name": "auslibchat",
        # Follow requests and domain blocks: ids with nothing behind them (a 404 is fine).
        "account_id": world.olly_post.author_id,
        "block_id": 1,
    }
    path = fill_path(pattern, {n: str(existing[n]) for n in PATH_KINDS})
    headers = {"Authorization": f"Bearer {token}"}
    encodings = ["query"] if method == "GET" else ["form", "json", "query"]
    for name, kind in params.items():
        for n, value in enumerate(HOSTILE[kind]):
            data = {name: [value] if kind in ("ids", "texts") else value}
            before = stored_counts() if method != "GET" else None
            response = send(client, method, path, data, encodings[n % len(encodings)], headers)
            check(response, pattern, method, before)


def fuzz_operation(world, client, token, pattern, method, params) -> None:
    sweep_operation(world, client, token, pattern, method, params)

    @given(case=request_strategy(world, pattern, method, params))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        headers = {"Authorization": f"Bearer {token}"} if case["token"] else {}
        path = fill_path(pattern, case["path"])
        before = stored_counts() if method != "GET" else None
        response = send(client, method, path, case["params"], case["encoding"], headers)
        check(response, pattern, method, before)

    run()


def test_no_request_breaks_the_mastodon_api(world, pat_token):
    # One test for every route: the world is built once (building it per route cost
    # more than the requests).
    # Answers as a server gives them: an exception reaches the middleware (a value the
    # database refuses, such as a NUL character on PostgreSQL, is its 422) and an
    # unhandled one is the 500 the checks catch, instead of being raised here.
    client = Client(raise_request_exception=False)
    for pattern in sorted(ROUTES):
        for method, params in ROUTES[pattern].items():
            fuzz_operation(world, client, pat_token, pattern, method, params)
