"""RSA key pairs for local actors, made with `cryptography` when first needed.

Private keys are stored as encrypted PKCS#8 PEM, the password derived from
SECRET_KEY: a copy of the database alone does not give them away. Changing
SECRET_KEY therefore means new keys (remote servers refetch them when a
signature fails with the old one).
"""

import functools
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.models import Profile
from federation.models import ActorKey

KEY_SIZE = 2048
INSTANCE = "instance"


def _password() -> bytes:
    return hashlib.sha256(b"hashchat actor keys\0" + str(settings.SECRET_KEY).encode()).digest()


def generate() -> tuple[str, str]:
    """A new (public PEM, encrypted private PEM)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_password()),
    )
    return public_pem.decode(), private_pem.decode()


def key_name(profile: Profile | None) -> str:
    return INSTANCE if profile is None else f"profile:{profile.id}"


def key_for(profile: Profile | None) -> ActorKey:
    """The actor key of a local profile (or of the instance), made on first use."""
    name = key_name(profile)
    found = ActorKey.objects.filter(name=name).first()
    if found is not None:
        return found
    public_pem, private_pem = generate()
    try:
        with transaction.atomic():
            return ActorKey.objects.create(
                name=name, profile=profile, public_key_pem=public_pem, private_key_pem=private_pem
            )
    except IntegrityError:
        # Made at the same moment by another request or the worker.
        return ActorKey.objects.get(name=name)


def private_key(key: ActorKey) -> rsa.RSAPrivateKey:
    return _load_private(key.private_key_pem, _password())


@functools.lru_cache(maxsize=1024)
def _load_private(pem: str, password: bytes) -> rsa.RSAPrivateKey:
    loaded = serialization.load_pem_private_key(pem.encode(), password=password)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError("an actor key is not RSA")
    return loaded


@functools.lru_cache(maxsize=4096)
def load_public(pem: str) -> rsa.RSAPublicKey:
    """A remote actor's public key (parsed once per process for each PEM)."""
    loaded = serialization.load_pem_public_key(pem.encode())
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise ValueError("The key is not an RSA public key.")
    return loaded
