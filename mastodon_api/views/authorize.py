"""/oauth/authorize: the login-and-consent page. oauthlib (mastodon_api.oauth) checks
the authorisation request and makes the code; the page asks the login which of its
profiles the app will act as."""

from urllib.parse import parse_qs, urlencode, urlparse

from csp.decorators import csp_update
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from oauthlib.oauth2.rfc6749 import errors

from accounts.actions import check_login
from accounts.models import Profile, User
from core.errors import ActionError
from mastodon_api import oauth

OOB = "urn:ietf:wg:oauth:2.0:oob"
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
# What the consent page says each granted scope allows (only scopes hashchat grants).
SCOPE_LABELS = {
    "read": "read everything your profile can see",
    "write": "post, edit, like, repost and bookmark as the profile, and change it",
    "follow": "follow, block and mute profiles",
    "profile": "see the profile's name and picture",
}


def _error_page(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "mastodon_api/error.html", {"error": message}, status=status)


def _client_redirect(target: str) -> HttpResponse:
    """A redirect to the app, whatever its URI scheme (apps register their own)."""
    scheme = urlparse(target).scheme.lower()
    allowed = {"allowed_schemes": ["http", "https", scheme]}
    return type("ClientRedirect", (HttpResponseRedirect,), allowed)(target)


def _with_params(uri: str, params: dict) -> str:
    return uri + ("&" if urlparse(uri).query else "?") + urlencode(params)


def _form_action_for(
    request: HttpRequest, response: HttpResponse, redirect_uri: str
) -> HttpResponseBase:
    """The consent form's POST ends in a redirect to the app: the page's CSP allows
    that target as a form action (django-csp's decorator, on this one response)."""
    parsed = urlparse(redirect_uri)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        source = f"{parsed.scheme}://{parsed.netloc}"
    elif parsed.scheme:
        source = f"{parsed.scheme}:"
    else:
        return response
    return csp_update({"form-action": [source]})(lambda _: response)(request)


def _profiles(user: User) -> list[Profile]:
    return list(Profile.objects.managed_by(user).order_by("kind", "handle"))


def _labels(scopes: list[str]) -> list[str]:
    labels = {SCOPE_LABELS.get(s.split(":")[0], s) for s in scopes if s != "profile"}
    return sorted(labels or {SCOPE_LABELS["profile"]})


def _check_login(request: HttpRequest) -> User:
    name = request.POST.get("username", "").strip()
    if "@" in name:
        by_email = User.objects.filter(email__iexact=name).first()
        name = by_email.username if by_email else name
    return check_login(username=name, password=request.POST.get("password", ""))


def authorize(request: HttpRequest) -> HttpResponseBase:
    """GET shows the login form (when logged out) or the consent form; POST handles
    either. Consent picks the profile the token will act as."""
    source = request.POST if request.method == "POST" else request.GET
    values = {name: source.get(name, request.GET.get(name, "")) for name in OAUTH_FIELDS}
    uri = "/oauth/authorize?" + urlencode({k: v for k, v in values.items() if v})
    endpoint, _, _ = oauth.endpoints()
    try:
        scopes, credentials = endpoint.validate_authorization_request(uri, "GET", None, {})
    except errors.FatalClientError as e:
        return _error_page(request, e.description or e.error)
    except errors.OAuth2Error as e:
        if not e.redirect_uri or e.redirect_uri == OOB:
            return _error_page(request, e.description or e.error)
        return _client_redirect(e.in_uri(e.redirect_uri))
    app = credentials.pop("request").client
    redirect_uri = credentials["redirect_uri"]
    context = {
        "app": app,
        "oauth_fields": [(k, v) for k, v in values.items() if v],
        "scope_labels": _labels(scopes),
        "error": "",
        "username": "",
    }
    force_login = request.GET.get("force_login", "").lower() in ("1", "true")
    user = request.user if request.user.is_authenticated else None
    step = request.POST.get("step") if request.method == "POST" else None

    if step == "login" or (request.method == "POST" and user is None):
        try:
            user = _check_login(request)
        except ActionError as e:
            context.update(step="login", error=e.message, username=request.POST.get("username"))
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
            if redirect_uri == OOB:
                return render(request, "mastodon_api/oob.html", {"app": app, "code": ""})
            params = {"error": "access_denied", "error_description": "The login denied access."}
            if values["state"]:
                params["state"] = values["state"]
            return _client_redirect(_with_params(redirect_uri, params))
        chosen = next((p for p in profiles if str(p.id) == request.POST.get("profile")), None)
        if decision == "allow" and chosen is not None:
            try:
                # oauthlib reads the request again from `uri` (so it knows whether
                # the client sent a redirect_uri); the consent adds who and as whom.
                headers, _, _ = endpoint.create_authorization_response(
                    uri, "GET", None, {}, scopes, {"user": user, "profile": chosen}
                )
            except ActionError as e:
                return _error_page(request, e.message, 403)
            location = headers["Location"]
            if redirect_uri == OOB:
                code = parse_qs(urlparse(location).query).get("code", [""])[0]
                return render(
                    request, "mastodon_api/oob.html", {"app": app, "code": code, "profile": chosen}
                )
            return _client_redirect(location)
        context["error"] = "Choose the profile the app will act as."
    context.update(step="consent", profiles=profiles, chosen_id=chosen_id)
    response = render(request, "mastodon_api/authorize.html", context)
    return _form_action_for(request, response, redirect_uri)
