"""The search page: profiles, hashtags and posts here, and (for a logged-in person,
with federation on) a profile or post on another server looked up by @user@domain
or its URL. The lookup is a POST: it fetches and stores what it finds."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Profile
from accounts.web import profile_required
from federation import conf, lookup
from posts.models import Hashtag, Post

LIMIT = 20


def _remote_query(query: str) -> bool:
    return query.startswith("https://") or bool(lookup.ACCT_RE.match(query))


def search_page(request: HttpRequest):
    query = request.GET.get("q", "").strip()[:300]
    context: dict = {"q": query, "profiles": [], "hashtags": [], "posts": []}
    if query:
        name = query.lstrip("@")
        context["profiles"] = list(
            Profile.objects.filter(is_suspended=False)
            .filter(Q(handle__istartswith=name) | Q(display_name__icontains=name))
            .order_by("domain", "handle")[:LIMIT]
        )
        context["hashtags"] = list(
            Hashtag.objects.filter(name_lower__startswith=query.lstrip("#").lower()).order_by(
                "name_lower"
            )[:LIMIT]
        )
        context["posts"] = list(
            Post.objects.visible()
            .public()
            .originals()
            .filter(text__icontains=query, author__is_suspended=False)
            .select_related("author")
            .order_by("-id")[:LIMIT]
        )
        context["can_look_up"] = (
            conf.enabled() and request.user.is_authenticated and _remote_query(query)
        )
    return render(request, "federation/search.html", context)


@require_POST
@profile_required
def look_up(request: HttpRequest):
    """Find what `q` names on its own server and go to its page here."""
    query = request.POST.get("q", "").strip()[:300]
    back = redirect("/search/?" + urlencode({"q": query}))
    if not conf.enabled() or not _remote_query(query):
        messages.error(request, "Give @user@domain or the address of a profile or post.")
        return back
    if query.startswith("https://"):
        post = lookup.resolve_status(query)
        if post is not None:
            return redirect(f"/posts/{post.id}/")
    profile = lookup.resolve_account(query)
    if profile is not None:
        return redirect(f"/@{profile.handle}/")
    messages.error(request, f"Nothing was found at {query}.")
    return back
