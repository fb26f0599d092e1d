import base64
import hashlib
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.test import Client

from mastodon_api.auth import authenticate_token, has_scope
from mastodon_api.models import Application, Token
from tests.mastodon_api.conftest import ApiClient

OOB = "urn:ietf:wg:oauth:2.0:oob"


def _register(client=None, **extra):
    client = client or ApiClient()
    body = {"client_name": "Tooter", "redirect_uris": OOB, "scopes": "read write follow", **extra}
    return client.post("/api/v1/apps", body)


def test_apps_register_with_json_or_form(db):
    r = _register()
    assert r.status_code == 200
    app = r.json()
    assert app["client_id"] and app["client_secret"] and app["name"] == "Tooter"
    assert app["redirect_uri"] == OOB and app["scopes"] == ["follow", "read", "write"]
    form = ApiClient().post(
        "/api/v1/apps",
        {"client_name": "Form", "redirect_uris": "https://a.example/cb", "scopes": "read"},
        form=True,
    )
    assert form.status_code == 200 and form.json()["redirect_uris"] == ["https://a.example/cb"]
    assert _register(client_name="").status_code == 422
    assert _register(scopes="read destroy:everything").status_code == 422
    assert Application.objects.count() == 2


def _token(data):
    return Client().post("/oauth/token", data)


def test_password_grant_acts_as_the_personal_profile(hana):
    app = _register().json()
    r = _token(
        {
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "hana@example.org",
            "password": hana.password,
            "scope": "read write",
        }
    )
    assert r.status_code == 200, r.content
    token = r.json()["access_token"]
    me = ApiClient(token).get("/api/v1/accounts/verify_credentials").json()
    assert me["username"] == "hana" and "source" in me
    no_client = _token({"grant_type": "password", "username": "hana", "password": hana.password})
    assert no_client.status_code == 401 and no_client.json()["error"] == "invalid_client"
    bad = _token(
        {
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "hana",
            "password": "wrong",
        }
    )
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"


def _consent(client: Client, params: dict, profile_id) -> Any:
    page = client.get("/oauth/authorize", params)
    assert page.status_code == 200
    assert b"Act as which profile?" in page.content
    r = client.post(
        "/oauth/authorize?" + "&".join(f"{k}={v}" for k, v in params.items()),
        {**params, "step": "consent", "profile": str(profile_id), "decision": "allow"},
    )
    return r


def test_authorization_code_with_pkce_acts_as_the_chosen_profile(pat, hklibconnect):
    app = _register(redirect_uris="https://app.example/cb").json()
    verifier = "v" * 50
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    params = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": "https://app.example/cb",
        "scope": "read write",
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    browser = Client()
    login_page = browser.get("/oauth/authorize", params)
    assert b'name="password"' in login_page.content
    logged_in = browser.post(
        "/oauth/authorize", {**params, "step": "login", "username": "pat", "password": pat.password}
    )
    assert b"HKLibConnect" in logged_in.content
    r = _consent(browser, params, hklibconnect.id)
    assert r.status_code == 302
    query = parse_qs(urlparse(r["Location"]).query)
    assert query["state"] == ["xyz"]
    code = query["code"][0]
    bad = _token(
        {
            "grant_type": "authorization_code",
            "client_id": app["client_id"],
            "code": code,
            "redirect_uri": "https://app.example/cb",
            "code_verifier": "wrong" * 10,
        }
    )
    assert bad.status_code == 400
    ok = _token(
        {
            "grant_type": "authorization_code",
            "client_id": app["client_id"],
            "code": code,
            "redirect_uri": "https://app.example/cb",
            "code_verifier": verifier,
        }
    )
    assert ok.status_code == 200, ok.content
    token = ok.json()["access_token"]
    assert ApiClient(token).get("/api/v1/accounts/verify_credentials").json()["username"] == (
        "HKLibConnect"
    )
    again = _token(
        {
            "grant_type": "authorization_code",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "code": code,
            "redirect_uri": "https://app.example/cb",
            "code_verifier": verifier,
        }
    )
    assert again.status_code == 400


def test_oob_shows_the_code_and_deny_gives_nothing(hana, client):
    app = _register().json()
    client.force_login(hana.user)
    params = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": OOB}
    page = _consent(client, params, hana.profile.id)
    assert page.status_code == 200
    code = re.search(
        rb'id="oauth-code" type="text" class="oauth-code" value="([^"]+)"', page.content
    )
    assert code
    denied = client.post("/oauth/authorize", {**params, "step": "consent", "decision": "deny"})
    assert b"Not authorised" in denied.content
    assert not Token.objects.exists()


def test_a_login_cannot_authorise_a_profile_it_does_not_manage(olly, hklibconnect, client):
    app = _register().json()
    client.force_login(olly.user)
    params = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": OOB}
    r = _consent(client, params, hklibconnect.id)
    assert b"Choose the profile" in r.content


def test_client_credentials_refresh_and_revoke(hana):
    app = _register().json()
    creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    app_token = _token({"grant_type": "client_credentials", **creds, "scope": "read"}).json()
    client = ApiClient(app_token["access_token"])
    assert client.get("/api/v1/apps/verify_credentials").json()["name"] == "Tooter"
    assert client.get("/api/v1/accounts/verify_credentials").status_code == 422
    user_token = _token(
        {"grant_type": "password", **creds, "username": "hana", "password": hana.password}
    ).json()
    refreshed = _token(
        {"grant_type": "refresh_token", **creds, "refresh_token": user_token["refresh_token"]}
    ).json()
    assert authenticate_token(user_token["access_token"]) is None
    user, profile, scopes = authenticate_token(refreshed["access_token"])
    assert profile == hana.profile and has_scope(scopes, "read:statuses")
    r = Client().post("/oauth/revoke", {**creds, "token": refreshed["access_token"]})
    assert r.status_code == 200
    assert authenticate_token(refreshed["access_token"]) is None


def test_a_token_stops_working_when_the_login_loses_the_profile(app, pat, hklibconnect):
    from accounts.models import Membership
    from tests.mastodon_api.conftest import make_token

    token = make_token(app, pat, profile=hklibconnect)
    assert authenticate_token(token)[1] == hklibconnect
    Membership.objects.filter(user=pat.user, profile=hklibconnect).delete()
    assert authenticate_token(token) is None


def test_scopes_cover_their_granular_parts():
    assert has_scope({"read"}, "read:statuses")
    assert has_scope({"follow"}, "write:follows")
    assert not has_scope({"read"}, "write:statuses")
    assert not has_scope({"write:favourites"}, "write:statuses")


def test_server_metadata(db):
    meta = Client().get("/.well-known/oauth-authorization-server").json()
    assert meta["token_endpoint"].endswith("/oauth/token")
    assert "S256" in meta["code_challenge_methods_supported"]
    assert "write:statuses" in meta["scopes_supported"]


# RFC 6749 / 7636 as Mastodon follows them (issue 15, item 15) --------------------------


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _authorise(hana, app, **params) -> str:
    """Log hana in, consent as her personal profile, and return the code."""
    browser = Client()
    browser.force_login(hana.user)
    params = {"response_type": "code", "client_id": app["client_id"], **params}
    r = _consent(browser, params, hana.profile.id)
    assert r.status_code == 302, r.content
    return parse_qs(urlparse(r["Location"]).query)["code"][0]


def _exchange(app, code, **extra):
    return _token(
        {
            "grant_type": "authorization_code",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "code": code,
            **extra,
        }
    )


def test_plain_pkce_is_refused(hana, client):
    app = _register(redirect_uris="https://app.example/cb").json()
    client.force_login(hana.user)
    for method in ("plain", None):
        params = {
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": "https://app.example/cb",
            "code_challenge": "v" * 50,
            "state": "s1",
        }
        if method:
            params["code_challenge_method"] = method
        r = client.get("/oauth/authorize", params)
        assert r.status_code == 302
        query = parse_qs(urlparse(r["Location"]).query)
        assert query["error"] == ["invalid_request"] and query["state"] == ["s1"]
    assert not Token.objects.exists()


def test_a_code_used_twice_revokes_the_tokens_it_gave(hana):
    app = _register(redirect_uris="https://app.example/cb").json()
    code = _authorise(hana, app, redirect_uri="https://app.example/cb")
    first = _exchange(app, code, redirect_uri="https://app.example/cb").json()
    assert authenticate_token(first["access_token"]) is not None
    refreshed = _token(
        {
            "grant_type": "refresh_token",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "refresh_token": first["refresh_token"],
        }
    ).json()
    again = _exchange(app, code, redirect_uri="https://app.example/cb")
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert authenticate_token(first["access_token"]) is None
    assert authenticate_token(refreshed["access_token"]) is None


def test_the_token_request_must_repeat_the_redirect_uri(hana):
    app = _register(redirect_uris="https://app.example/cb").json()
    code = _authorise(hana, app, redirect_uri="https://app.example/cb")
    missing = _exchange(app, code)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    other = _exchange(app, code, redirect_uri="https://app.example/other")
    assert other.status_code == 400
    assert _exchange(app, code, redirect_uri="https://app.example/cb").status_code == 200
    # Sent with neither request: the one registered URI is used for both.
    code = _authorise(hana, app)
    r = _exchange(app, code)
    assert r.status_code == 200, r.content


def test_the_token_answer_is_mastodons(hana):
    app = _register().json()
    body = _token(
        {
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "hana",
            "password": hana.password,
        }
    ).json()
    assert body["token_type"] == "Bearer" and isinstance(body["created_at"], int)
    assert "expires_in" not in body


def test_only_scopes_that_exist_are_offered_and_granted(hana, client):
    app = _register(scopes="read write follow push").json()
    client.force_login(hana.user)
    params = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": OOB,
        "scope": "read write push",
    }
    page = client.get("/oauth/authorize", params)
    offered = re.search(rb'<ul class="oauth-scopes">(.*?)</ul>', page.content, re.S)
    assert page.status_code == 200 and offered and b"push" not in offered.group(1).lower()
    body = _token(
        {
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "hana",
            "password": hana.password,
            "scope": "read write push",
        }
    ).json()
    assert body["scope"] == "read write"
    meta = Client().get("/.well-known/oauth-authorization-server").json()
    assert "push" not in meta["scopes_supported"]
    assert meta["code_challenge_methods_supported"] == ["S256"]


def test_revoke_needs_the_apps_own_credentials(hana):
    app = _register().json()
    creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    token = _token(
        {"grant_type": "password", **creds, "username": "hana", "password": hana.password}
    ).json()["access_token"]
    stranger = Client().post(
        "/oauth/revoke", {"client_id": app["client_id"], "client_secret": "no", "token": token}
    )
    assert stranger.status_code == 403 and stranger.json()["error"] == "unauthorized_client"
    assert authenticate_token(token) is not None
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    ok = Client().post(
        "/oauth/revoke", {"token": token}, headers={"Authorization": f"Basic {basic}"}
    )
    assert ok.status_code == 200 and ok.json() == {}
    assert authenticate_token(token) is None


def test_an_exchange_that_loses_a_race_for_its_code_revokes_the_winners_token(hana, monkeypatch):
    """Two exchanges of one code at once: the one that finds the code already marked
    used (invalidate_authorization_code's conditional update) is rolled back and the
    other's token is revoked, as for any code presented twice."""
    from mastodon_api import actions, oauth
    from mastodon_api.models import AuthorizationCode

    app = _register(redirect_uris="https://app.example/cb").json()
    code = _authorise(hana, app, redirect_uri="https://app.example/cb")
    winner = _exchange(app, code, redirect_uri="https://app.example/cb").json()
    row = AuthorizationCode.objects.get()
    assert Token.objects.get(authorization_code=row).revoked_at is None

    class Racing:
        def create_token_response(self, *args, **kwargs):
            raise oauth.CodeUsedMeanwhile(row)

    monkeypatch.setattr(oauth, "endpoints", lambda: (None, Racing(), None))
    _, body, status = oauth.atomic_token_response("/oauth/token", {}, {})
    assert status == 400 and "invalid_grant" in body
    assert authenticate_token(winner["access_token"]) is None
    assert actions.revoke_tokens_of_code(row) == 0


def test_admin_scopes_are_granted_to_site_admins_only(hana, pat):
    from mastodon_api import auth

    wanted = frozenset({"read", "admin:read", "admin:write", "push"})
    assert auth.grantable(wanted, pat.user) == {"read"}
    assert auth.grantable(wanted) == {"read"}
    pat.user.is_staff = True
    assert auth.grantable(wanted, pat.user) == {"read", "admin:read", "admin:write"}
