"""Requests that claim to come from an actor without its key: the negative controls that show a
server really checks HTTP Signatures (draft-cavage-12, rsa-sha256, as Mastodon signs) before
the journeys take its 2xx answers to real deliveries as proof that those verified.

The test signs with a key of its own under the real actor's keyId: a server that verifies must
answer 401; one that accepted it would accept anything."""

import base64
import hashlib
import json
import uuid
from email.utils import formatdate
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

AP_TYPE = "application/activity+json"


def signed_headers(url: str, body: bytes, key_id: str, key: rsa.RSAPrivateKey) -> dict:
    parts = urlsplit(url)
    headers = {
        "Host": parts.netloc,
        "Date": formatdate(usegmt=True),
        "Digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
        "Content-Type": AP_TYPE,
    }
    target = f"post {parts.path or '/'}"
    signed = "\n".join(
        [
            f"(request-target): {target}",
            f"host: {headers['Host']}",
            f"date: {headers['Date']}",
            f"digest: {headers['Digest']}",
        ]
    )
    signature = key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="(request-target) host date digest",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return headers


def forged_follow(actor: dict, inbox: str, target_actor_id: str) -> httpx.Response:
    """POSTs to `inbox` a Follow of `target_actor_id` by `actor` (a real actor document),
    signed under the actor's keyId with a key that is not the actor's."""
    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor['id']}#forged-{uuid.uuid4().hex}",
        "type": "Follow",
        "actor": actor["id"],
        "object": target_actor_id,
    }
    body = json.dumps(activity).encode()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    headers = signed_headers(inbox, body, actor["publicKey"]["id"], key)
    return httpx.post(inbox, content=body, headers=headers, timeout=15)


def unsigned_follow(actor: dict, inbox: str, target_actor_id: str) -> httpx.Response:
    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor['id']}#unsigned-{uuid.uuid4().hex}",
        "type": "Follow",
        "actor": actor["id"],
        "object": target_actor_id,
    }
    return httpx.post(
        inbox, content=json.dumps(activity), headers={"Content-Type": AP_TYPE}, timeout=15
    )
