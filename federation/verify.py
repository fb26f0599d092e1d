"""Who signed a request: the check shared by the inboxes (every POST) and, with
authorized fetch on, by the ActivityPub GETs."""

import logging
from dataclasses import dataclass

from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from accounts.models import Profile
from core import ratelimit
from core.errors import RateLimited
from federation import conf, http, jsonld, keys, remote, signatures
from federation.jsonld import HostileObject
from federation.signatures import SignatureError

logger = logging.getLogger("federation.inbox")


@dataclass
class Refused(Exception):
    status: int
    message: str
    sender: str = ""


def refuse(request: HttpRequest, refused: Refused) -> JsonResponse:
    """Log why and answer {"error": ...} with the refusal's status."""
    logger.warning(
        "%s %s refused (%d) from %s: %s",
        request.method,
        request.path,
        refused.status,
        refused.sender or "unknown",
        refused.message,
    )
    return JsonResponse({"error": refused.message}, status=refused.status)


def signed_by(request: HttpRequest, body: bytes) -> Profile:
    """The remote profile whose key signed `request`; Refused (401, 403, 429) if none."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        parsed = signatures.parse(headers.get("signature") or headers.get("authorization") or "")
    except SignatureError as e:
        raise Refused(401, str(e))
    sender = jsonld.host(parsed.key_id)
    if remote.is_blocked(sender):
        raise Refused(403, f"{sender} is blocked on this server.", sender)
    try:
        ratelimit.hit(
            "federation:domain",
            sender,
            limit=conf.limit("INBOX_PER_DOMAIN_PER_MINUTE"),
            window=60,
        )
    except RateLimited as e:
        raise Refused(429, e.message, sender)
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
        raise Refused(401, f"The signature does not verify: {e}", sender)
    except remote.Blocked as e:
        raise Refused(403, str(e), sender)
    actor = found["actor"]
    if actor.is_suspended:
        raise Refused(403, f"{actor.handle} is suspended on this server.", sender)
    return actor
