"""The home timeline (or the landing page), and hashtag pages."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.web import flash_error, profile_required, redirect_next
from core.errors import ActionError
from core.hashtags import tag_key
from posts import actions, hooks, parsing
from posts.compose import compose_context
from posts.models import Hashtag, Post, TagFollow
from posts.queries import page_by_id


def home(request):
    if not request.user.is_authenticated or request.profile is None:
        return render(request, "home_landing.html")
    viewer = request.profile
    page = page_by_id(
        Post.objects.home_feed(viewer).for_display().with_viewer_state(viewer),
        request.GET.get("before"),
    )
    followed_tags = Hashtag.objects.filter(followers__profile=viewer).order_by("name_lower")
    context = {
        "page": page,
        "compose": compose_context(request),
        "followed_tags": followed_tags,
    }
    # Apps above posts add to the page (chats suggests chats to an empty timeline).
    context.update(hooks.page_additions("home", request, context))
    return render(request, "home.html", context)


def _tag_name(name: str) -> str:
    name = name.lstrip("#")
    if parsing.hashtags("#" + name) != [name]:
        raise Http404("That is not a hashtag.")
    return name


def tag_page(request, name: str):
    name = _tag_name(name)
    viewer = request.profile
    tag = Hashtag.objects.filter(name_lower=tag_key(name)).first()
    shown = tag.name if tag else name
    page = page_by_id(
        Post.objects.tag_page(name, viewer).for_display().with_viewer_state(viewer),
        request.GET.get("before"),
    )
    context = {
        "name": shown,
        "slug": tag_key(name),
        "page": page,
        "is_following": viewer is not None
        and tag is not None
        and TagFollow.objects.filter(profile=viewer, hashtag=tag).exists(),
    }
    # Apps above posts add to the page (chats links a chat's hashtag to its schedule).
    context.update(hooks.page_additions("tag", request, context))
    if viewer is not None:
        context["compose"] = compose_context(request, text=f"#{shown} ")
    return render(request, "posts/tag.html", context)


@require_POST
@profile_required
def follow_tag(request, name: str):
    name = _tag_name(name)
    try:
        actions.follow_tag(user=request.user, profile=request.profile, name=name)
    except ActionError as e:
        flash_error(request, e)
    return redirect_next(request, f"/tags/{tag_key(name)}/")


@require_POST
@profile_required
def unfollow_tag(request, name: str):
    name = _tag_name(name)
    try:
        actions.unfollow_tag(user=request.user, profile=request.profile, name=name)
    except ActionError as e:
        flash_error(request, e)
    return redirect_next(request, f"/tags/{tag_key(name)}/")
