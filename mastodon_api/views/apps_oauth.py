"""OAuth 2 over HTTP: app registration, the token and revocation endpoints and the
server metadata document. The protocol is oauthlib's (mastodon_api.oauth); these
views turn Django requests into its calls and its answers into Mastodon's JSON.
The login-and-consent page is mastodon_api.views.authorize."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from core.errors import ActionError
from mastodon_api import actions, auth, oauth
from mastodon_api.http import ApiError, api, cors, parse_params
from mastodon_api.models import Application

TOKEN_FIELDS = (
    "grant_type",
    "code",
    "redirect_uri",
    "code_verifier",
    "client_id",
    "client_secret",
    "username",
    "password",
    "scope",
    "refresh_token",
)
REVOKE_FIELDS = ("token", "token_type_hint", "client_id", "client_secret")


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


# ----- /oauth/token, /oauth/revoke --------------------------------------------------------


def _oauthlib_input(request: HttpRequest, fields: tuple[str, ...]):
    """The parameters (form, JSON or query string, as Mastodon accepts them) and the
    Authorization header (HTTP Basic client credentials), as oauthlib takes them."""
    params = parse_params(request)
    body = {name: params.text(name) for name in fields if params.text(name)}
    headers = {}
    if request.META.get("HTTP_AUTHORIZATION"):
        headers["Authorization"] = request.META["HTTP_AUTHORIZATION"]
    return body, headers


def _invalid_request(message: str) -> HttpResponse:
    return cors(
        JsonResponse({"error": "invalid_request", "error_description": message}, status=400)
    )


@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return cors(JsonResponse({"error": "Method not allowed."}, status=405))
    try:
        body, headers = _oauthlib_input(request, TOKEN_FIELDS)
    except ApiError as e:
        return _invalid_request(e.message)
    try:
        _, answer, status = oauth.atomic_token_response(request.path, body, headers)
    except ActionError as e:
        answer = json.dumps({"error": "invalid_grant", "error_description": e.message})
        status = 400
    data = json.loads(answer)
    if status == 200:
        # Mastodon's token: it does not expire, and says when it was made.
        data.pop("expires_in", None)
        data["created_at"] = int(timezone.now().timestamp())
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "no-store"
    return cors(response)


@csrf_exempt
def revoke(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return cors(JsonResponse({"error": "Method not allowed."}, status=405))
    try:
        body, headers = _oauthlib_input(request, REVOKE_FIELDS)
    except ApiError as e:
        return _invalid_request(e.message)
    _, _, revocation = oauth.endpoints()
    _, answer, status = revocation.create_revocation_response(request.path, "POST", body, headers)
    if status == 401:
        # Mastodon answers a revocation by an unknown client so.
        return cors(
            JsonResponse(
                {
                    "error": "unauthorized_client",
                    "error_description": "You are not authorized to revoke this token",
                },
                status=403,
            )
        )
    return cors(JsonResponse(json.loads(answer) if answer else {}, status=status))


def server_metadata(request: HttpRequest) -> HttpResponse:
    """RFC 8414 authorization server metadata."""
    return cors(JsonResponse(oauth.metadata(settings.BASE_URL)))
