"""What every entity shares: the site's address, Mastodon's timestamp format, links."""

from datetime import UTC, datetime
from urllib.parse import quote

from django.conf import settings

from accounts.models import Profile
from posts.models import Post

HEADER_PATH = "/static/hashchat/mastodon-header.png"


def _base(base_url: str | None) -> str:
    return (base_url or settings.BASE_URL).rstrip("/")


def iso(moment: datetime | None) -> str | None:
    """Mastodon's timestamp format: UTC with milliseconds, e.g. 2026-11-28T12:00:00.000Z."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _absolute_links(html: str, base: str) -> str:
    """Post HTML links to /tags/... and /@... relative to the site; apps need absolute ones."""
    return html.replace('href="/', f'href="{base}/')


def profile_url(profile: Profile, base_url: str | None = None) -> str:
    return f"{_base(base_url)}/@{quote(profile.handle)}"


def status_url(post: Post, base_url: str | None = None) -> str:
    return f"{_base(base_url)}/@{quote(post.author.handle)}/{post.id}"
