"""federation.signatures against draft-cavage-http-signatures-12's own examples
(Appendix C: its test request and published 1024-bit test key), and tampering."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from federation import signatures
from federation.signatures import SignatureError

# Appendix C of the draft: the test key pair.
TEST_PRIVATE_KEY = b"""-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
"""
TEST_PUBLIC_KEY = b"""-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----
"""

# Appendix C: the test request (POST /foo?param=value&pet=dog).
TARGET = "/foo?param=value&pet=dog"
BODY = b'{"hello": "world"}'
HEADERS = {
    "host": "example.com",
    "date": "Sun, 05 Jan 2014 21:31:40 GMT",
    "content-type": "application/json",
    "digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
    "content-length": "18",
}
SENT = datetime(2014, 1, 5, 21, 31, 40, tzinfo=UTC)

# C.1 (only date), C.2 (request-target, host, date), C.3 (all headers, with created/expires).
DEFAULT_SIGNATURE = (
    "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7"
    "q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM="
)
BASIC_SIGNATURE = (
    "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe"
    "8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="
)
ALL_SIGNATURE = (
    "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEU"
    "HFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE="
)
ALL_HEADERS = "(request-target) (created) (expires) host date content-type digest content-length"


def private_key() -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(TEST_PRIVATE_KEY, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def public_key() -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(TEST_PUBLIC_KEY)
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def check(headers: dict, *, body: bytes = BODY, now: datetime = SENT, key=None, method="POST"):
    return signatures.check_request(
        method=method,
        target=TARGET,
        headers=headers,
        body=body,
        get_key=lambda key_id, refresh: key or public_key(),
        now=now,
        window=300,
    )


def test_it_signs_the_drafts_default_example():
    text = signatures.signing_string("POST", TARGET, HEADERS, ["date"])
    assert text == "date: Sun, 05 Jan 2014 21:31:40 GMT"
    assert base64.b64encode(signatures.sign(private_key(), text)).decode() == DEFAULT_SIGNATURE


def test_it_signs_the_drafts_basic_example():
    names = ["(request-target)", "host", "date"]
    text = signatures.signing_string("POST", TARGET, HEADERS, names)
    assert text == (
        "(request-target): post /foo?param=value&pet=dog\n"
        "host: example.com\n"
        "date: Sun, 05 Jan 2014 21:31:40 GMT"
    )
    assert base64.b64encode(signatures.sign(private_key(), text)).decode() == BASIC_SIGNATURE


def test_it_verifies_the_drafts_all_headers_example():
    """C.3's published signature was computed (as in drafts 10 and 11) over the six
    headers without (created) and (expires), though draft 12 lists them: it verifies
    over the six, and not over the list as printed."""
    header = (
        'keyId="Test",algorithm="rsa-sha256",created=1402170695, expires=1402170699,'
        f'headers="{ALL_HEADERS}",signature="{ALL_SIGNATURE}"'
    )
    parsed = signatures.parse(header)
    assert (parsed.created, parsed.expires) == (1402170695, 1402170699)
    as_printed = signatures.signing_string(
        "POST", TARGET, HEADERS, parsed.headers, created=parsed.created, expires=parsed.expires
    )
    assert not signatures.verify(parsed, as_printed, public_key())
    six = [n for n in parsed.headers if n not in ("(created)", "(expires)")]
    assert signatures.verify(
        parsed, signatures.signing_string("POST", TARGET, HEADERS, six), public_key()
    )


def test_it_computes_the_drafts_digest():
    assert signatures.digest(BODY) == HEADERS["digest"]


def basic_header(signature: str = BASIC_SIGNATURE, names="(request-target) host date digest"):
    if names != "(request-target) host date":
        text = signatures.signing_string("POST", TARGET, HEADERS, names.split())
        signature = base64.b64encode(signatures.sign(private_key(), text)).decode()
    return f'keyId="Test",algorithm="rsa-sha256",headers="{names}",signature="{signature}"'


def test_it_accepts_a_request_signed_as_mastodon_signs():
    assert check({**HEADERS, "signature": basic_header()}) == "Test"


def test_it_accepts_the_authorization_header_form_and_hs2019():
    header = basic_header().replace("rsa-sha256", "hs2019")
    assert check({**HEADERS, "authorization": "Signature " + header}) == "Test"


def test_it_refuses_a_changed_body():
    with pytest.raises(SignatureError, match="Digest does not match"):
        check({**HEADERS, "signature": basic_header()}, body=b'{"hello": "w0rld"}')


def test_it_refuses_a_changed_digest_header():
    headers = {**HEADERS, "signature": basic_header()}
    headers["digest"] = signatures.digest(b"{}")
    with pytest.raises(SignatureError):
        check(headers, body=b"{}")


def test_it_refuses_a_changed_date():
    headers = {**HEADERS, "signature": basic_header(), "date": "Sun, 05 Jan 2014 21:31:41 GMT"}
    with pytest.raises(SignatureError, match="does not verify"):
        check(headers)


def test_it_refuses_a_replayed_old_date():
    with pytest.raises(SignatureError, match="too far from now"):
        check({**HEADERS, "signature": basic_header()}, now=SENT + timedelta(minutes=6))


def test_it_refuses_the_wrong_key():
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    with pytest.raises(SignatureError, match="does not verify"):
        check({**HEADERS, "signature": basic_header()}, key=other)


def test_it_tries_a_fresh_key_once_when_the_cached_one_fails():
    old = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    asked = []

    def get_key(key_id, refresh):
        asked.append(refresh)
        return public_key() if refresh else old

    headers = {**HEADERS, "signature": basic_header()}
    assert (
        signatures.check_request(
            method="POST",
            target=TARGET,
            headers=headers,
            body=BODY,
            get_key=get_key,
            now=SENT,
            window=300,
        )
        == "Test"
    )
    assert asked == [False, True]


def test_it_refuses_a_post_whose_signature_leaves_out_the_digest():
    with pytest.raises(SignatureError, match="does not cover digest"):
        check({**HEADERS, "signature": basic_header(names="(request-target) host date")})


def test_it_refuses_unsigned_and_malformed_requests():
    with pytest.raises(SignatureError, match="not signed"):
        check(dict(HEADERS))
    with pytest.raises(SignatureError, match="malformed"):
        check({**HEADERS, "signature": 'keyId="Test",signature=unquoted junk'})
    with pytest.raises(SignatureError, match="not supported"):
        check({**HEADERS, "signature": basic_header().replace("rsa-sha256", "hmac-sha256")})


def test_sign_request_makes_what_check_request_accepts():
    key = private_key()
    headers = signatures.sign_request(
        method="POST",
        host="chat-b.test",
        target="/inbox",
        headers={"Content-Type": "application/activity+json"},
        body=BODY,
        key_id="https://chat-a.test/@hana#main-key",
        private_key=key,
        now=SENT,
    )
    assert 'headers="(request-target) host date digest"' in headers["signature"]
    assert (
        signatures.check_request(
            method="POST",
            target="/inbox",
            headers=headers,
            body=BODY,
            get_key=lambda key_id, refresh: public_key(),
            now=SENT,
            window=300,
        )
        == "https://chat-a.test/@hana#main-key"
    )
