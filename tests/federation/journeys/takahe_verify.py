"""Checks HTTP Signatures with Takahē's own verifier (core.signatures.HttpSignature), so that
hashchat's signatures are judged by an independent implementation.

Run by Takahē's Python with Takahē's source as the working directory (see verify_with_takahe);
not imported by the tests. stdin: {"keys": {keyId: PEM}, "requests": [request, ...]}, each
request as fedlab's nginx logged it (host, method, uri, date, digest, accept, content_type,
signature, body). stdout: a JSON list with "ok" or the verifier's complaint for each.

Takahē 0.11's inbox never reaches this verifier (it tests `"signature" in request`, which looks
through the body's lines, not the headers), so its 202 answers alone prove nothing.
"""

import importlib
import json
import os
import sys


def main() -> None:
    sys.path.insert(0, os.getcwd())  # Takahē's source
    from types import SimpleNamespace

    import django
    from django.conf import settings

    # Only what core.signatures reads at import; the verifier needs no database.
    settings.configure(
        USE_TZ=True,
        ALLOWED_HOSTS=["*"],
        SECRET_KEY="fedlab-verify",
        SETUP=SimpleNamespace(REMOTE_TIMEOUT=5),
    )
    django.setup()
    from django.test import RequestFactory

    signatures = importlib.import_module("core.signatures")
    job = json.load(sys.stdin)
    factory = RequestFactory()
    results = []
    for logged in job["requests"]:
        headers = {"host": logged["host"], "signature": logged["signature"]}
        for name in ("date", "digest", "accept"):
            if logged.get(name):
                headers[name] = logged[name]
        request = factory.generic(
            logged["method"],
            logged["uri"],
            data=logged["body"].encode(),
            content_type=logged.get("content_type") or "application/activity+json",
            headers=headers,
        )
        try:
            details = signatures.HttpSignature.parse_signature(logged["signature"])
            key = job["keys"].get(details["keyid"])
            if key is None:
                raise LookupError(f"no public key for {details['keyid']}")
            signatures.HttpSignature.verify_request(request, key, skip_date=True)
        except BaseException as e:  # Takahē's VerificationError is a BaseException
            results.append(f"{type(e).__name__}: {e}")
        else:
            results.append("ok")
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
