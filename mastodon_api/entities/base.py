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
    """A profile's page: here for a local one, on its own server for a remote one."""
    if profile.is_remote:
        return profile.url or profile.uri
    return f"{_base(base_url)}/@{quote(profile.handle)}"


def status_url(post: Post, base_url: str | None = None) -> str:
    if not post.local:
        return post.url or post.uri or ""
    return f"{_base(base_url)}/@{quote(post.author.handle)}/{post.id}"


def status_uri(post: Post, base_url: str | None = None) -> str:
    """Its ActivityPub id: the Note's on its own server for a remote post."""
    if not post.local:
        return post.uri or post.url
    return status_url(post, base_url)
