"""Looking up remote accounts and posts by name or URL (registered with
mastodon_api.resolvers for search?resolve=true)."""

import logging
import re
from urllib.parse import quote

from accounts.models import Profile
from core.errors import ActionError
from federation import conf, http, incoming, jsonld, remote
from federation.jsonld import HostileObject
from federation.notes import post_by_uri
from posts.models import Post

logger = logging.getLogger("federation.lookup")

ACCT_RE = re.compile(r"^@?([A-Za-z0-9_.\-]{1,64})@([A-Za-z0-9.\-]{1,253}(?::[0-9]{1,5})?)$")
FAILURES = (http.FetchError, http.FederationOff, HostileObject, remote.Blocked, ActionError)


def resolve_account(query: str) -> Profile | None:
    """@user@domain (found with WebFinger) or an actor's URL."""
    query = query.strip()
    if not conf.enabled():
        return None
    try:
        if query.startswith("https://"):
            known = Profile.objects.filter(uri=query).exclude(domain="").first()
            if known is not None:
                return known
            data = incoming.fetch_object(query)
            if not jsonld.types(data) & remote.ACTOR_TYPES:
                return None
            return remote.store_actor(data, fetched_from=query)
        match = ACCT_RE.match(query)
        if match is None:
            return None
        user, domain = match.group(1), match.group(2).lower()
        if domain == conf.domain():
            return Profile.objects.filter(handle__iexact=user, domain="").first()
        known = Profile.objects.filter(handle__iexact=f"{user}@{domain}").first()
        if known is not None:
            return known
        return remote.get_actor(webfinger(user, domain))
    except FAILURES as e:
        logger.info("could not resolve %r: %s", query, e)
        return None


def webfinger(user: str, domain: str) -> str:
    """The actor id that `user@domain`'s WebFinger names."""
    remote.check_domain(f"https://{domain}/")
    resource = quote(f"acct:{user}@{domain}", safe=":@")
    data = http.fetch_json(f"https://{domain}/.well-known/webfinger?resource={resource}")
    links = data.get("links")
    if isinstance(links, list):
        for link in links:
            kind = str(link.get("type", "")) if isinstance(link, dict) else ""
            if (
                isinstance(link, dict)
                and link.get("rel") == "self"
                and isinstance(link.get("href"), str)
                and ("activity+json" in kind or "ld+json" in kind)
            ):
                return jsonld.id_of(link["href"], "WebFinger self link")
    raise HostileObject(f"WebFinger for {user}@{domain} names no ActivityPub actor")


def resolve_status(url: str) -> Post | None:
    """A post by its URL or id, fetched (with its author) when not known here."""
    if not conf.enabled() or not url.startswith("https://"):
        return None
    known = post_by_uri(url) or Post.objects.filter(url=url, local=False).first()
    if known is not None:
        return known
    try:
        remote.check_domain(url)
    except FAILURES as e:
        logger.info("will not resolve %s: %s", url, e)
        return None
    return incoming.fetch_note(url)
