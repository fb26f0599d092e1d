"""Mastodon API routes that federation answers (domain blocks, follow requests from
other servers); included before mastodon_api's table, which answers anything else
under /api/v1 with a JSON 404."""

from federation import admin_api, follow_requests
from mastodon_api.http import route

urlpatterns = [
    *route("api/v1/follow_requests", get=follow_requests.list_requests),
    *route("api/v1/follow_requests/<str:account_id>/authorize", post=follow_requests.authorize),
    *route("api/v1/follow_requests/<str:account_id>/reject", post=follow_requests.reject),
    *route("api/v1/admin/domain_blocks", get=admin_api.list_blocks, post=admin_api.create_block),
    *route(
        "api/v1/admin/domain_blocks/<str:block_id>",
        get=admin_api.get_block,
        delete=admin_api.delete_block,
    ),
]
