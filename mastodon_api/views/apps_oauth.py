"""OAuth 2: app registration, the login-and-consent page (which profile the app acts
as), the token and revocation endpoints, and the server metadata document."""

import base64
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from csp.decorators import csp_update

from accounts.models import Profile, User
from core.errors import ActionError, RateLimited
from mastodon_api import actions, auth
from mastodon_api.http import ApiError, api, cors, parse_params
from mastodon_api.models import Application

OAUTH_FIELDS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "lang",
)
SCOPE_LABELS = {
    "read": "read everything your profile can see",
    "write": "post, edit, like, repost and bookmark as the profile, and change it",
    "follow": "follow, block and mute profiles",
    "push": "receive push notifications",
    "profile": "see the profile's name and picture",
}


def app_entity(app: Application, *, with_secret: bool) -> dict:
    entity: dict[str, object] = {
        "id": str(app.pk),
        "name": app.name,
        "website": app.website or None,
        "scopes": sorted(auth.parse_scopes(app.scopes)),
        "redirect_uri": "\n".join(app.redirect_uri_list),
        "redirect_uris": app.redirect_uri_list,
        "vapid_key": "",
    }
    if with_secret:
        entity.update(
            client_id=app.client_id,
            client_secret=app.client_secret,
            client_secret_expires_at=0,
        )
    return entity


@api(auth_mode="none")
def create_app(request: HttpRequest):
    p = request.params  # type: ignore[attr-defined]
    uris = p.getlist("redirect_uris")
    if len(uris) == 1 and isinstance(uris[0], str):
        uris = uris[0].split()
    app = actions.register_app(
        name=p.text("client_name"),
        redirect_uris=[str(u) for u in uris],
        scopes=" ".join(str(s) for s in p.getlist("scopes")) or "read",
        website=p.text("website"),
    )
    return app_entity(app, with_secret=True)


@api(auth_mode="app")
def verify_app(request: HttpRequest):
    token = auth.find_token(auth.bearer_string(request) or "")
    if token is None or token.application is None:
        raise ApiError("The access token is invalid", 401)
    return app_entity(token.application, with_secret=False)


# ----- /oauth/authorize ----------------------------------------------------------------


def _error_page(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "mastodon_api/error.html", {"error": message}, status=status)


class _AnySchemeRedirect(HttpResponseRedirect):
    allowed_schemes = ["http", "https", "ftp"]


def _client_redirect(redirect_uri: str, params: dict) -> HttpResponse:
    separator = "&" if urlparse(redirect_uri).query else "?"
    target = redirect_uri + separator + urlencode(params)
    scheme = urlparse(redirect_uri).scheme.lower()
    response_class = type(
        "ClientRedirect", (_AnySchemeRedirect,), {"allowed_schemes": ["http", "https", scheme]}
    )
    return response_class(target)


def _csp_allowing(response: HttpResponse, redirect_uri: str) -> HttpResponse:
    """The consent form's POST ends in a redirect to the app: allow that target."""
    parsed = urlparse(redirect_uri)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        source = f"{parsed.scheme}://{parsed.netloc}"
    elif parsed.scheme:
        source = f"{parsed.scheme}:"
    else:
        return response
    # django-csp's own decorator, applied to this one response.
    return csp_update({"form-action": ["'self'", source]})(lambda: response)()


def _oauth_request(request: HttpRequest):
    """The app, redirect URI, scopes and PKCE parameters of an authorisation request."""
    source = request.POST if request.method == "POST" else request.GET
    values = {name: source.get(name, request.GET.get(name, "")) for name in OAUTH_FIELDS}
    if values["response_type"] not in ("code", ""):
        raise actions.OAuthError("unsupported_response_type", "Only response_type=code.")
    app = actions.find_app(values["client_id"])
    redirect_uri = actions.check_redirect_uri(app, values["redirect_uri"])
    scopes = actions.requested_scopes(app, values["scope"] or None)
    method = values["code_challenge_method"]
    if values["code_challenge"] and method not in ("S256", "plain", ""):
        raise actions.OAuthError("invalid_request", "code_challenge_method must be S256.")
    return app, redirect_uri, scopes, values


def _profiles(user: User) -> list[Profile]:
    return list(Profile.objects.managed_by(user).order_by("kind", "handle"))


def authorize(request: HttpRequest) -> HttpResponse:
    """GET shows the login form (when logged out) or the consent form; POST handles
    either. Consent picks the profile the token will act as."""
    try:
        app, redirect_uri, scopes, values = _oauth_request(request)
    except actions.OAuthError as e:
        return _error_page(request, e.description)
    fields = [(k, v) for k, v in values.items() if v]
    context = {
        "app": app,
        "oauth_fields": fields,
        "scope_labels": sorted(
            {SCOPE_LABELS.get(s.split(":")[0], s) for s in scopes if s != "profile"}
            or {SCOPE_LABELS["profile"]}
        ),
        "error": "",
        "username": "",
    }
    force_login = request.GET.get("force_login", "").lower() in ("1", "true")
    user = request.user if request.user.is_authenticated else None
    step = request.POST.get("step") if request.method == "POST" else None

    if step == "login" or (request.method == "POST" and user is None):
        from accounts.actions import check_login

        username = request.POST.get("username", "").strip()
        name = username
        if "@" in name:
            by_email = User.objects.filter(email__iexact=name).first()
            name = by_email.username if by_email else name
        try:
            user = check_login(username=name, password=request.POST.get("password", ""))
        except (ActionError, RateLimited) as e:
            context.update(step="login", error=e.message, username=username)
            return render(request, "mastodon_api/authorize.html", context, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        step = None
    elif user is None or (force_login and request.method == "GET"):
        context.update(step="login")
        return render(request, "mastodon_api/authorize.html", context)

    assert user is not None
    profiles = _profiles(user)
    if not profiles:
        return _error_page(request, "Your login has no profile it may act as.", 403)
    active = getattr(request, "profile", None)
    chosen_id = active.id if active is not None and active in profiles else profiles[0].id
    if step == "consent":
        decision = request.POST.get("decision")
        if decision == "deny":
            if redirect_uri == actions.OOB:
                return render(request, "mastodon_api/oob.html", {"app": app, "code": ""})
            params = {"error": "access_denied", "error_description": "The login denied access."}
            if values["state"]:
                params["state"] = values["state"]
            return _client_redirect(redirect_uri, params)
        chosen = next((p for p in profiles if str(p.id) == request.POST.get("profile")), None)
        if decision == "allow" and chosen is not None:
            code = actions.create_authorization_code(
                user=user,
                profile=chosen,
                app=app,
                redirect_uri=redirect_uri,
                scopes=scopes,
                code_challenge=values["code_challenge"],
                code_challenge_method=values["code_challenge_method"],
            )
            if redirect_uri == actions.OOB:
                return render(
                    request, "mastodon_api/oob.html", {"app": app, "code": code, "profile": chosen}
                )
            params = {"code": code}
            if values["state"]:
                params["state"] = values["state"]
            return _client_redirect(redirect_uri, params)
        context["error"] = "Choose the profile the app will act as."
    context.update(step="consent", profiles=profiles, chosen_id=chosen_id)
    response = render(request, "mastodon_api/authorize.html", context)
    return _csp_allowing(response, redirect_uri)


# ----- /oauth/token, /oauth/revoke --------------------------------------------------------


def _oauth_error(e: actions.OAuthError) -> HttpResponse:
    response = JsonResponse({"error": e.code, "error_description": e.description}, status=e.status)
    return cors(response)


def _client_credentials(request: HttpRequest, params) -> tuple[str | None, str | None]:
    """client_id and client_secret from the body or from HTTP Basic authentication."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode()
            client_id, _, secret = decoded.partition(":")
            return client_id, secret
        except (ValueError, UnicodeDecodeError):
            pass
    secret = params.get("client_secret")
    return params.get("client_id"), (str(secret) if secret not in (None, "") else None)


def _token_json(issued: actions.IssuedToken) -> dict:
    body = {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "scope": issued.row.scopes,
        "created_at": int(issued.row.created_at.timestamp()),
    }
    if issued.refresh_token:
        body["refresh_token"] = issued.refresh_token
    return body


@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return cors(JsonResponse({"error": "Method not allowed."}, status=405))
    try:
        params = parse_params(request)
    except ApiError as e:
        return cors(
            JsonResponse({"error": "invalid_request", "error_description": e.message}, status=400)
        )
    client_id, client_secret = _client_credentials(request, params)
    grant = params.text("grant_type")
    try:
        if grant == "authorization_code":
            issued = actions.exchange_code(
                client_id=client_id,
                client_secret=client_secret,
                code=params.text("code"),
                redirect_uri=params.text("redirect_uri") or None,
                code_verifier=params.text("code_verifier") or None,
            )
        elif grant == "password":
            issued = actions.password_token(
                client_id=client_id,
                client_secret=client_secret or "",
                username=params.text("username"),
                password=params.text("password"),
                scope=params.text("scope") or None,
            )
        elif grant == "client_credentials":
            issued = actions.client_token(
                client_id=client_id,
                client_secret=client_secret or "",
                scope=params.text("scope") or None,
            )
        elif grant == "refresh_token":
            issued = actions.refresh(
                client_id=client_id,
                client_secret=client_secret or "",
                refresh_token=params.text("refresh_token"),
            )
        else:
            raise actions.OAuthError(
                "unsupported_grant_type", "The authorization grant type is not supported."
            )
    except actions.OAuthError as e:
        return _oauth_error(e)
    except RateLimited as e:
        response = _oauth_error(actions.OAuthError("invalid_grant", e.message, 429))
        response["Retry-After"] = str(e.retry_after)
        return response
    except ActionError as e:
        return _oauth_error(actions.OAuthError("invalid_grant", e.message))
    response = JsonResponse(_token_json(issued))
    response["Cache-Control"] = "no-store"
    return cors(response)


@csrf_exempt
def revoke(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return cors(JsonResponse({"error": "Method not allowed."}, status=405))
    try:
        params = parse_params(request)
        client_id, client_secret = _client_credentials(request, params)
        actions.revoke(
            client_id=client_id, client_secret=client_secret or "", token=params.text("token")
        )
    except ApiError as e:
        return cors(
            JsonResponse({"error": "invalid_request", "error_description": e.message}, status=400)
        )
    except actions.OAuthError as e:
        if e.code == "invalid_client":
            return cors(
                JsonResponse(
                    {
                        "error": "unauthorized_client",
                        "error_description": "You are not authorized to revoke this token",
                    },
                    status=403,
                )
            )
        return _oauth_error(e)
    return cors(JsonResponse({}))


def server_metadata(request: HttpRequest) -> HttpResponse:
    """RFC 8414 authorization server metadata."""
    base = settings.BASE_URL
    return cors(
        JsonResponse(
            {
                "issuer": base + "/",
                "service_documentation": base + "/docs/mastodon-api",
                "authorization_endpoint": base + "/oauth/authorize",
                "token_endpoint": base + "/oauth/token",
                "app_registration_endpoint": base + "/api/v1/apps",
                "revocation_endpoint": base + "/oauth/revoke",
                "scopes_supported": sorted(auth.ALL_SCOPES),
                "response_types_supported": ["code"],
                "response_modes_supported": ["query", "fragment", "form_post"],
                "grant_types_supported": [
                    "authorization_code",
                    "password",
                    "client_credentials",
                    "refresh_token",
                ],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                    "none",
                ],
                "code_challenge_methods_supported": ["S256"],
            }
        )
    )
