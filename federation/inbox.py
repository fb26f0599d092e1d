"""Inboxes: a profile's (/@handle/inbox) and the shared one (/inbox).

An incoming POST is refused with 401 unless its HTTP Signature verifies: the
sender's key is fetched once and cached on its remote profile, fetched again once
when a signature fails (the sender may have a new key), the Date must be within
FEDERATION["SIGNATURE_WINDOW"] seconds, the Digest must match the body, and the
body is at most FEDERATION["MAX_INBOX_BYTES"]. Blocked domains get 403, a domain
sending more than FEDERATION["INBOX_PER_DOMAIN_PER_MINUTE"] activities 429.
Every refusal is logged with its reason and stores nothing.

What passes is stored (federation.inbox_queue) and answered 202 at once; the
worker processes it within a second, and retries it when processing fails for a
reason that may pass. The same activity id twice is stored, and processed, once.
"""

import logging

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import Profile
from federation import conf, inbox_queue, jsonld
from federation.jsonld import HostileObject
from federation.verify import Refused, refuse, signed_by

logger = logging.getLogger("federation.inbox")


def _refuse(status: int, message: str, request: HttpRequest, sender: str = "") -> JsonResponse:
    return refuse(request, Refused(status, message, sender))


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
    try:
        actor = signed_by(request, body)
    except Refused as refused:
        return refuse(request, refused)
    sender = actor.domain
    try:
        activity = jsonld.loads(body)
        stored = inbox_queue.store(activity, actor, request.path)
    except HostileObject as e:
        return _refuse(400, f"Refused: {e}", request, sender)
    logger.info(
        "inbox %s from %s: %s",
        request.path,
        actor.handle,
        f"queued {stored.activity_id}" if stored else "already received",
    )
    return JsonResponse({}, status=202)
