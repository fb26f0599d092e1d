"""What chats adds to posts' pages (registered with posts.hooks in chats.apps):
an empty home timeline suggests chats to follow, and a hashtag's page links to
the chat that meets on it."""

from typing import Any

from django.http import HttpRequest

from chats.models import Series
from core.hashtags import tag_key
from posts import hooks


def suggest_chats(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """An empty timeline suggests chats whose hashtag the profile could follow."""
    if context["page"].items:
        return {}
    followed = {t.name_lower for t in context["followed_tags"]}
    public = Series.objects.filter(is_public=True).select_related("organiser")
    found = [s for s in public.order_by("hashtag")[:20] if s.hashtag_key not in followed]
    return {"suggested_chats": found[:5]}


def chat_of_tag(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """A hashtag that is a chat links to the chat's schedule."""
    series = Series.objects.filter(hashtag_key=tag_key(context["slug"]), is_public=True).first()
    return {"series": series}


def register() -> None:
    hooks.on_page("home", "chats.suggestions", suggest_chats)
    hooks.on_page("tag", "chats.series", chat_of_tag)
