"""HTTP Signatures as the fediverse uses them: draft-cavage-http-signatures-12 with
rsa-sha256 (also named hs2019 by newer senders), over `(request-target) host date
digest` for POSTs and `(request-target) host date accept` for GETs, with the body's
`Digest: SHA-256=...`.

Written on `cryptography` rather than a library: `http-message-signatures` is RFC
9421 (a different wire format), `requests-http-signature` signs `requests` calls
only, and `apsig`'s cavage module brings JSON-LD, multiformats and two HTTP stacks
along. tests/federation/test_signatures.py checks this module against the draft's
own examples (Appendix C, with its published test key).
"""

import base64
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ALGORITHMS = {"rsa-sha256", "hs2019"}
POST_HEADERS = ["(request-target)", "host", "date", "digest"]
GET_HEADERS = ["(request-target)", "host", "date", "accept"]
_PARAM_RE = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([0-9]+))\s*(?:,|$)')


class SignatureError(Exception):
    """The request's signature is missing, malformed, stale or does not verify."""


@dataclass(frozen=True)
class Signature:
    key_id: str
    algorithm: str
    headers: list[str]
    signature: bytes
    created: int | None = None
    expires: int | None = None


def http_date(moment: datetime | None = None) -> str:
    return format_datetime((moment or datetime.now(UTC)).astimezone(UTC), usegmt=True)


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def parse(value: str) -> Signature:
    """A Signature header's value (or an Authorization header's after "Signature ")."""
    value = value.strip()
    if value[:10].lower() == "signature ":
        value = value[10:]
    params: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = _PARAM_RE.match(value, position)
        if match is None:
            raise SignatureError("The Signature header is malformed.")
        params[match.group(1)] = match.group(2) if match.group(2) is not None else match.group(3)
        position = match.end()
    if "keyId" not in params or "signature" not in params:
        raise SignatureError("The Signature header has no keyId or no signature.")
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ALGORITHMS:
        raise SignatureError(f"The signature algorithm {algorithm} is not supported.")
    try:
        raw = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureError("The signature is not base64.")
    return Signature(
        key_id=params["keyId"],
        algorithm=algorithm,
        headers=(params.get("headers") or "date").lower().split(),
        signature=raw,
        created=int(params["created"]) if params.get("created") else None,
        expires=int(params["expires"]) if params.get("expires") else None,
    )


def signing_string(
    method: str,
    target: str,
    headers: Mapping[str, str],
    names: list[str],
    *,
    created: int | None = None,
    expires: int | None = None,
) -> str:
    """The text that is signed: one `name: value` line per covered header, in order.
    `headers` has lowercase names; `target` is the path with its query."""
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        elif name == "(created)":
            if created is None:
                raise SignatureError("The signature covers (created) but has none.")
            lines.append(f"(created): {created}")
        elif name == "(expires)":
            if expires is None:
                raise SignatureError("The signature covers (expires) but has none.")
            lines.append(f"(expires): {expires}")
        else:
            if name not in headers:
                raise SignatureError(f"The signed header {name} is missing.")
            lines.append(f"{name}: {headers[name].strip()}")
    return "\n".join(lines)


def sign(private_key: rsa.RSAPrivateKey, text: str) -> bytes:
    return private_key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())


def signature_header(key_id: str, names: list[str], signature: bytes) -> str:
    encoded = base64.b64encode(signature).decode()
    return (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",signature="{encoded}"'
    )


def sign_request(
    *,
    method: str,
    host: str,
    target: str,
    headers: dict[str, str],
    body: bytes | None,
    key_id: str,
    private_key: rsa.RSAPrivateKey,
    now: datetime | None = None,
) -> dict[str, str]:
    """`headers` with Host, Date, Digest (when there is a body) and Signature added."""
    signed = {k.lower(): v for k, v in headers.items()}
    signed["host"] = host
    signed["date"] = http_date(now)
    if body is not None:
        signed["digest"] = digest(body)
        names = POST_HEADERS
    else:
        signed.setdefault("accept", "application/activity+json")
        names = GET_HEADERS
    text = signing_string(method, target, signed, names)
    signed["signature"] = signature_header(key_id, names, sign(private_key, text))
    return signed


def verify(signature: Signature, text: str, public_key: rsa.RSAPublicKey) -> bool:
    try:
        public_key.verify(signature.signature, text.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


KeyLookup = Callable[[str, bool], rsa.RSAPublicKey]


def check_request(
    *,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    get_key: KeyLookup,
    now: datetime,
    window: int,
) -> str:
    """Verify a request's signature; answer the keyId it was signed with.

    `headers` has lowercase names. `get_key(key_id, refresh)` answers the public key
    (cached when `refresh` is false); a signature that fails with the cached key is
    tried once more with a fresh one, since the sender may have changed its key.
    """
    raw = headers.get("signature") or headers.get("authorization")
    if not raw:
        raise SignatureError("The request is not signed.")
    signature = parse(raw)
    needed = {"(request-target)", "host"}
    if method.upper() == "POST":
        needed.add("digest")
    missing = needed - set(signature.headers)
    if missing:
        raise SignatureError(f"The signature does not cover {', '.join(sorted(missing))}.")
    if "date" not in signature.headers and "(created)" not in signature.headers:
        raise SignatureError("The signature covers neither date nor (created).")
    _check_time(signature, headers, now, window)
    if "digest" in signature.headers:
        _check_digest(headers.get("digest", ""), body)
    text = signing_string(
        method,
        target,
        headers,
        signature.headers,
        created=signature.created,
        expires=signature.expires,
    )
    if verify(signature, text, get_key(signature.key_id, False)):
        return signature.key_id
    if verify(signature, text, get_key(signature.key_id, True)):
        return signature.key_id
    raise SignatureError("The signature does not verify.")


def _check_time(signature: Signature, headers: Mapping[str, str], now: datetime, window: int):
    if "date" in signature.headers:
        try:
            sent = parsedate_to_datetime(headers.get("date", ""))
        except (TypeError, ValueError):
            raise SignatureError("The Date header is not an HTTP date.")
        if sent.tzinfo is None:
            sent = sent.replace(tzinfo=UTC)
        if abs((now - sent).total_seconds()) > window:
            raise SignatureError("The Date header is too far from now.")
    if signature.created is not None and signature.created > now.timestamp() + window:
        raise SignatureError("The signature was created in the future.")
    if signature.expires is not None and signature.expires < now.timestamp():
        raise SignatureError("The signature has expired.")


def _check_digest(value: str, body: bytes) -> None:
    for part in value.split(","):
        algorithm, _, encoded = part.strip().partition("=")
        if algorithm.upper() == "SHA-256":
            if encoded.strip() != digest(body).partition("=")[2]:
                raise SignatureError("The Digest does not match the body.")
            return
    raise SignatureError("The request has no SHA-256 Digest.")
