"""Mastodon's admin API for domain blocks (/api/v1/admin/domain_blocks), for site
admins' tokens with admin:write:domain_blocks (or admin:read:... to list): blocking
goes through federation.moderation, like the admin page."""

from django.http import HttpRequest

from core.errors import NotAllowed
from federation import moderation
from federation.models import DomainBlock
from federation.objects import iso
from mastodon_api.http import ApiError, api


def _entity(row: DomainBlock) -> dict:
    return {
        "id": str(row.id),
        "domain": row.domain,
        "digest": "",
        "created_at": iso(row.created_at),
        "severity": "suspend",
        "reject_media": True,
        "reject_reports": True,
        "private_comment": row.reason or None,
        "public_comment": None,
        "obfuscate": False,
    }


def _admin(request: HttpRequest):
    user = request.api_user  # type: ignore[attr-defined]
    if user is None or not user.is_staff:
        raise NotAllowed("Only a site admin can manage domain blocks.")
    return user


def _row(block_id: str) -> DomainBlock:
    if not block_id.isdigit() or len(block_id) > 18:
        raise ApiError("Record not found", 404)
    row = DomainBlock.objects.filter(pk=int(block_id)).first()
    if row is None:
        raise ApiError("Record not found", 404)
    return row


@api(scope="admin:read:domain_blocks")
def list_blocks(request: HttpRequest):
    _admin(request)
    return [_entity(row) for row in DomainBlock.objects.order_by("-id")[:200]]


@api(scope="admin:write:domain_blocks")
def create_block(request: HttpRequest):
    admin = _admin(request)
    p = request.params  # type: ignore[attr-defined]
    row = moderation.block_domain(
        admin=admin, domain=p.text("domain"), reason=p.text("private_comment")[:300]
    )
    return _entity(row)


@api(scope="admin:read:domain_blocks")
def get_block(request: HttpRequest, block_id: str):
    _admin(request)
    return _entity(_row(block_id))


@api(scope="admin:write:domain_blocks")
def delete_block(request: HttpRequest, block_id: str):
    admin = _admin(request)
    moderation.unblock_domain(admin=admin, domain=_row(block_id).domain)
    return {}
