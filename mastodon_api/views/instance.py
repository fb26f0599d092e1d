"""What the server is: /api/v1/instance, /api/v2/instance, peers, nodeinfo."""

from datetime import timedelta
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from accounts.models import Profile, User
from core.publicurl import is_federating_url
from mastodon_api.http import api, cors
from posts.models import Post

# The Mastodon API version whose behaviour this layer follows; clients compare it.
COMPATIBLE_API_VERSION = "4.3.0"


def software_version() -> str:
    try:
        return package_version("hashchat")
    except PackageNotFoundError:
        return "0.1.0"


def version_string() -> str:
    return f"{COMPATIBLE_API_VERSION} (compatible; hashchat {software_version()})"


def _domain() -> str:
    return urlparse(settings.BASE_URL).netloc


def _streaming_url() -> str:
    base = settings.BASE_URL
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :]
    return "ws://" + base[len("http://") :]


def _limits() -> int:
    return int(settings.HASHCHAT["MAX_POST_CHARS"])  # type: ignore[call-overload]


def _configuration() -> dict:
    return {
        "urls": {"streaming": _streaming_url(), "status": None},
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
        "statuses": {
            "max_characters": _limits(),
            "max_media_attachments": 0,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": [],
            "image_size_limit": 0,
            "image_matrix_limit": 0,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {
            "max_options": 0,
            "max_characters_per_option": 0,
            "min_expiration": 0,
            "max_expiration": 0,
        },
        "translation": {"enabled": False},
    }


def _title() -> str:
    return str(settings.HASHCHAT["SITE_NAME"])


DESCRIPTION = "Recurring hashtag chats: follow along, answer the questions, read the transcript."


@api(auth_mode="none", rate_headers=False)
def instance_v1(request: HttpRequest):
    stats = {
        "user_count": User.objects.filter(is_active=True).count(),
        "status_count": Post.objects.filter(deleted_at__isnull=True).count(),
        "domain_count": 0,
    }
    return {
        "uri": _domain(),
        "title": _title(),
        "short_description": DESCRIPTION,
        "description": DESCRIPTION,
        "email": settings.DEFAULT_FROM_EMAIL,
        "version": version_string(),
        "urls": {"streaming_api": _streaming_url()},
        "stats": stats,
        "thumbnail": None,
        "languages": ["en"],
        "registrations": True,
        "approval_required": False,
        "invites_enabled": False,
        "configuration": _configuration(),
        "contact_account": None,
        "rules": [],
    }


@api(auth_mode="none", rate_headers=False)
def instance_v2(request: HttpRequest):
    month_ago = timezone.now() - timedelta(days=30)
    active = Post.objects.filter(created_at__gte=month_ago).values("author").distinct().count()
    return {
        "domain": _domain(),
        "title": _title(),
        "version": version_string(),
        "source_url": settings.BASE_URL + "/",
        "description": DESCRIPTION,
        "usage": {"users": {"active_month": active}},
        "thumbnail": {"url": settings.BASE_URL + "/static/hashchat/icon.svg"},
        "icon": [],
        "languages": ["en"],
        "configuration": {
            **_configuration(),
            "vapid": {"public_key": ""},
            "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
        },
        "registrations": {"enabled": True, "approval_required": False, "message": None},
        "api_versions": {"mastodon": 2},
        "contact": {"email": settings.DEFAULT_FROM_EMAIL, "account": None},
        "rules": [],
    }


@api(auth_mode="none", rate_headers=False)
def peers(request: HttpRequest):
    """hashchat does not federate: it knows no other servers."""
    return []


@api(auth_mode="none", rate_headers=False)
def activity(request: HttpRequest):
    return []


@api(auth_mode="none", rate_headers=False)
def rules(request: HttpRequest):
    return []


def nodeinfo_index(request: HttpRequest):
    return cors(
        JsonResponse(
            {
                "links": [
                    {
                        "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                        "href": settings.BASE_URL + "/nodeinfo/2.0",
                    }
                ]
            }
        )
    )


def nodeinfo(request: HttpRequest):
    now = timezone.now()
    posters = Post.objects.filter(deleted_at__isnull=True)
    return cors(
        JsonResponse(
            {
                "version": "2.0",
                "software": {"name": "hashchat", "version": software_version()},
                "protocols": ["activitypub"] if is_federating_url(settings.BASE_URL) else [],
                "services": {"outbound": [], "inbound": []},
                "usage": {
                    "users": {
                        "total": Profile.objects.filter(is_suspended=False).count(),
                        "activeMonth": posters.filter(created_at__gte=now - timedelta(days=30))
                        .values("author")
                        .distinct()
                        .count(),
                        "activeHalfyear": posters.filter(created_at__gte=now - timedelta(days=182))
                        .values("author")
                        .distinct()
                        .count(),
                    },
                    "localPosts": posters.filter(repost_of__isnull=True).count(),
                },
                "openRegistrations": True,
                "metadata": {"nodeName": _title()},
            },
            content_type='application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"',
        )
    )
