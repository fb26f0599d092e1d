"""Whether a base URL names a server that can federate: an https address whose host
is a real name, not localhost or a loopback address. Mechanism only; the policy of
what federation does lives in federation/."""

import functools
import ipaddress
from urllib.parse import urlsplit


@functools.cache
def is_federating_url(base_url: str) -> bool:
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme != "https" or not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True
    return not (address.is_loopback or address.is_unspecified)
