"""Federation's configuration, read from the settings each time (tests change them).

Federation is on when HASHCHAT_BASE_URL is an https URL whose host is not localhost
or a loopback address; otherwise hashchat is a local-only server: no ActivityPub
routes answer and no outgoing request is ever made.
"""

from typing import cast
from urllib.parse import urlsplit

from django.conf import settings

from core.publicurl import is_federating_url

ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "toot": "http://joinmastodon.org/ns#",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "discoverable": "toot:discoverable",
    },
]


def base_url() -> str:
    return str(settings.BASE_URL).rstrip("/")


def enabled() -> bool:
    return is_federating_url(base_url())


def domain() -> str:
    """This server's domain as it appears in handles (host, and port if not 443)."""
    return urlsplit(base_url()).netloc.lower()


def allowed_hosts() -> frozenset[str]:
    """Hosts the outgoing client may reach even on private or loopback addresses
    (HASHCHAT_FEDERATION_ALLOWED_HOSTS: tests and private networks)."""
    hosts = cast(list[str], settings.FEDERATION["ALLOWED_HOSTS"])
    return frozenset(h.lower() for h in hosts)


def authorized_fetch() -> bool:
    return bool(settings.FEDERATION.get("AUTHORIZED_FETCH"))


def limit(name: str) -> int:
    return cast(int, settings.FEDERATION[name])
