"""Inboxes: a profile's (/@handle/inbox) and the shared one (/inbox).

An incoming POST is refused with 401 unless its HTTP Signature verifies: the
sender's key is fetched once and cached on its remote profile, fetched again once
when a signature fails (the sender may have a new key), the Date must be within
FEDERATION["SIGNATURE_WINDOW"] seconds, the Digest must match the body, and the
body is at most FEDERATION["MAX_INBOX_BYTES"]. Blocked domains get 403, a domain
sending more than FEDERATION["INBOX_PER_DOMAIN_PER_MINUTE"] activities 429.
Every refusal is logged with its reason and stores nothing.
"""

import logging

from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import Profile
from core import ratelimit
from core.errors import ActionError, RateLimited
from federation import conf, http, incoming, jsonld, keys, remote, signatures
from federation.jsonld import HostileObject
from federation.signatures import SignatureError

logger = logging.getLogger("federation.inbox")


def _refuse(status: int, message: str, request: HttpRequest, sender: str = "") -> JsonResponse:
    logger.warning(
        "inbox %s refused (%d) from %s: %s", request.path, status, sender or "unknown", message
    )
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
@require_POST
def shared_inbox(request: HttpRequest):
    return receive(request)


@csrf_exempt
@require_POST
def profile_inbox(request: HttpRequest, handle: str):
    if not Profile.objects.filter(handle__iexact=handle, domain="").exists():
        raise Http404("No such profile.")
    return receive(request)


def receive(request: HttpRequest):
    if not conf.enabled():
        raise Http404("Federation is off on this server.")
    declared = request.headers.get("Content-Length", "")
    cap = conf.limit("MAX_INBOX_BYTES")
    if not declared.isdigit() or int(declared) > cap:
        return _refuse(413, f"An activity is at most {cap} bytes, with a Content-Length.", request)
    body = request.body
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        key_id = signatures.parse(headers.get("signature") or headers.get("authorization") or "")
    except SignatureError as e:
        return _refuse(401, str(e), request)
    sender = jsonld.host(key_id.key_id)
    if remote.is_blocked(sender):
        return _refuse(403, f"{sender} is blocked on this server.", request, sender)
    try:
        ratelimit.hit(
            "federation:domain",
            sender,
            limit=conf.limit("INBOX_PER_DOMAIN_PER_MINUTE"),
            window=60,
        )
    except RateLimited as e:
        return _refuse(429, e.message, request, sender)
    found: dict[str, Profile] = {}

    def get_key(key: str, refresh: bool):
        profile = remote.actor_by_key_id(key, refresh=refresh)
        found["actor"] = profile
        return keys.load_public(profile.public_key_pem)

    try:
        signatures.check_request(
            method=request.method or "POST",
            target=request.get_full_path(),
            headers=headers,
            body=body,
            get_key=get_key,
            now=timezone.now(),
            window=conf.limit("SIGNATURE_WINDOW"),
        )
    except (SignatureError, HostileObject, http.FetchError, ValueError) as e:
        return _refuse(401, f"The signature does not verify: {e}", request, sender)
    except remote.Blocked as e:
        return _refuse(403, str(e), request, sender)
    actor = found["actor"]
    if actor.is_suspended:
        return _refuse(403, f"{actor.handle} is suspended on this server.", request, sender)
    try:
        activity = jsonld.loads(body)
        done = incoming.handle(activity, actor)
    except HostileObject as e:
        return _refuse(400, f"Refused: {e}", request, sender)
    except remote.Blocked as e:
        return _refuse(403, str(e), request, sender)
    except ActionError as e:
        return _refuse(e.status if e.status < 500 else 400, e.message, request, sender)
    logger.info("inbox %s from %s: %s", request.path, actor.handle, done)
    return JsonResponse({}, status=202)
