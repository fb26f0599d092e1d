"""The one outgoing HTTP client of hashchat's federation.

Every request it makes:
- happens only when federation is on (federation.conf.enabled); otherwise it raises
  FederationOff before anything touches the network;
- goes to https, to a host whose every address is public: private, loopback,
  link-local, multicast and reserved addresses are refused, unless the host is in
  HASHCHAT_FEDERATION_ALLOWED_HOSTS (tests, private networks);
- follows at most FEDERATION["MAX_REDIRECTS"] redirects (GET only), each checked the
  same way; times out after FEDERATION["TIMEOUT"] seconds; reads at most
  FEDERATION["MAX_RESPONSE_BYTES"] of the answer;
- is signed with HTTP Signatures (federation.signatures) by a local actor's key:
  a profile's for what it sends, the instance's for fetches (authorized fetch).
Certificates are checked against SSL_CERT_FILE when it is set (a local CA for the
lab), else against certifi's bundle.
"""

import functools
import ipaddress
import json
import logging
import os
import socket
import ssl
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import urljoin, urlsplit

import certifi
import httpx

from federation import conf, ids, keys, signatures
from federation.models import ActorKey

logger = logging.getLogger("federation.http")

ACCEPT = f"{conf.ACTIVITY_JSON}, {conf.LD_JSON}"


def user_agent() -> str:
    """As Mastodon names itself: the software, its version and the server's address."""
    try:
        version = metadata.version("hashchat")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"hashchat/{version} (+{conf.base_url()}/)"


class FederationOff(Exception):
    """Federation is off on this server: no request leaves it."""


class FetchError(Exception):
    """The request was refused before it was made, or failed, or its answer was
    unusable (status, size, type)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Response:
    status: int
    url: str
    headers: httpx.Headers
    content: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except ValueError:
            raise FetchError(f"{self.url} did not answer JSON")


def _public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> None:
    """Raise unless `url` may be requested (see the module's docstring)."""
    if not conf.enabled():
        raise FederationOff("Federation is off: HASHCHAT_BASE_URL is not a public https URL.")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise FetchError(f"{url!r} has no host")
    allowed = host in conf.allowed_hosts()
    if parts.scheme != "https" and not (allowed and parts.scheme == "http"):
        raise FetchError(f"{url!r} is not an https URL")
    if allowed:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as e:
        raise FetchError(f"{host} does not resolve ({e})")
    addresses = {str(info[4][0]) for info in infos}
    for address in addresses:
        if not _public_address(address):
            raise FetchError(f"{host} resolves to {address}, which is not a public address")


def _ssl_context() -> ssl.SSLContext:
    return _context_for(os.environ.get("SSL_CERT_FILE") or certifi.where())


@functools.lru_cache(maxsize=4)
def _context_for(cafile: str) -> ssl.SSLContext:
    # Loading a CA bundle takes tens of milliseconds: once per process, not per request.
    return ssl.create_default_context(cafile=cafile)


def make_transport() -> httpx.BaseTransport:
    """The transport requests go through (tests replace it to stand in for remote servers)."""
    return httpx.HTTPTransport(verify=_ssl_context(), retries=0)


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    key: ActorKey | None = None,
    accept: str = ACCEPT,
    max_bytes: int | None = None,
    extra_headers: dict[str, str] | None = None,
    follow: bool = True,
    signed: bool = True,
) -> Response:
    """Make one signed request, following redirects (GET only); raise FetchError for
    refusals, network errors and answers that are too large."""
    check_url(url)  # before anything else: with federation off this raises FederationOff
    max_bytes = max_bytes or conf.limit("MAX_RESPONSE_BYTES")
    key = key or keys.key_for(None)
    signer = keys.private_key(key)
    key_id = _key_id(key)
    with httpx.Client(
        transport=make_transport(),
        timeout=httpx.Timeout(conf.limit("TIMEOUT")),
        follow_redirects=False,
        trust_env=False,
    ) as client:
        for _hop in range(conf.limit("MAX_REDIRECTS") + 1):
            check_url(url)
            parts = urlsplit(url)
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            headers = {"accept": accept, "user-agent": user_agent(), **(extra_headers or {})}
            if body is not None:
                headers["content-type"] = conf.ACTIVITY_JSON
            if signed:
                headers = signatures.sign_request(
                    method=method,
                    host=parts.netloc,
                    target=target,
                    headers=headers,
                    body=body,
                    key_id=key_id,
                    private_key=signer,
                )
            try:
                with client.stream(method, url, headers=headers, content=body) as answer:
                    if answer.has_redirect_location and method == "GET" and follow:
                        url = urljoin(url, answer.headers.get("location", ""))
                        continue
                    content = _read_capped(answer, max_bytes, url)
                    return Response(answer.status_code, str(answer.url), answer.headers, content)
            except httpx.HTTPError as e:
                raise FetchError(f"{method} {url} failed: {e.__class__.__name__}: {e}")
        raise FetchError(f"{url} redirected more than {conf.limit('MAX_REDIRECTS')} times")


def _read_capped(answer: httpx.Response, max_bytes: int, url: str) -> bytes:
    declared = answer.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url} answered {declared} bytes, more than {max_bytes}")
    chunks = []
    size = 0
    for chunk in answer.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url} answered more than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _key_id(key: ActorKey) -> str:
    return ids.key_id(key.profile)


def fetch_json(url: str, *, key: ActorKey | None = None) -> dict:
    """GET an ActivityPub object (signed, for servers that require authorized fetch)."""
    answer = request("GET", url, key=key)
    if answer.status != 200:
        raise FetchError(f"{url} answered {answer.status}", status=answer.status)
    data = answer.json()
    if not isinstance(data, dict):
        raise FetchError(f"{url} did not answer a JSON object")
    return data


def post_activity(inbox: str, body: bytes, key: ActorKey) -> Response:
    return request("POST", inbox, body=body, key=key, max_bytes=64_000)
