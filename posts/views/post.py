"""A post and its thread; composing, editing and deleting."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import can_act_as
from accounts.web import profile_required, safe_next
from core.errors import ActionError
from posts import actions
from posts.compose import compose_context, read_compose, resolve
from posts.models import Post
from posts.queries import thread_of


def _get_post(post_id: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("author", "repost_of"), pk=post_id)
    if post.author.is_suspended:
        raise Http404("No such post.")
    return post


def post_page(request, post_id: int):
    post = _get_post(post_id)
    if post.repost_of_id is not None:
        return redirect("post", post_id=post.repost_of_id)
    viewer = request.profile
    focused = Post.objects.for_display().with_viewer_state(viewer).get(pk=post.pk)
    ancestors, descendants = thread_of(focused, viewer)
    context = {
        "post": focused,
        "ancestors": ancestors,
        "descendants": descendants,
        "can_manage": not focused.is_deleted and can_act_as(request.user, focused.author),
    }
    if viewer is not None and not focused.is_deleted and focused.hidden_at is None:
        prefill = "" if focused.author_id == viewer.id else f"@{focused.author.handle} "
        context["compose"] = compose_context(request, text=prefill, in_reply_to=focused)
    return render(request, "posts/post.html", context)


def post_page_by_handle(request, handle: str, post_id: int | str):
    """/@handle/ID, the address the Mastodon API (and ActivityPub) give a post: the
    same page as /posts/ID/, when the handle is its author's."""
    post_id = int(post_id)
    if post_id >= 2**63:
        raise Http404("No such post.")
    post = _get_post(post_id)
    if post.author.handle.lower() != handle.lower():
        raise Http404("No such post.")
    return post_page(request, post_id)


@require_POST
@profile_required
def create(request):
    """The compose form of every page posts here; errors show the form again."""
    found = read_compose(request)
    try:
        profile = resolve(found)
        post = actions.create_post(
            user=request.user,
            profile=profile,
            text=found.text,
            in_reply_to=found.in_reply_to,
            idempotency_key=found.key or None,
        )
    except ActionError as e:
        compose = compose_context(
            request,
            text=found.text,
            in_reply_to=found.in_reply_to,
            profile_id=found.profile_id,
            key=found.key,
            error=e.message,
            next_url=safe_next(request, "/"),
        )
        return render(request, "posts/compose.html", {"compose": compose}, status=e.status)
    messages.success(request, f"Posted as @{post.author.handle}.")
    return redirect(safe_next(request, f"/posts/{post.id}/"))


def _managed_post(request, post_id: int) -> Post:
    post = _get_post(post_id)
    if post.is_deleted or post.repost_of_id is not None:
        raise Http404("No such post.")
    if not can_act_as(request.user, post.author):
        raise PermissionDenied(f"Only @{post.author.handle} can change this post.")
    return post


@profile_required
def edit(request, post_id: int):
    post = _managed_post(request, post_id)
    error = ""
    text = post.text
    status = 200
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            actions.edit_post(user=request.user, post=post, text=text)
        except ActionError as e:
            error, status = e.message, e.status
        else:
            messages.success(request, "Saved your edit.")
            return redirect(safe_next(request, f"/posts/{post.id}/"))
    context = {
        "post": post,
        "text": text,
        "error": error,
        "history": list(post.edits.all()),
        "max_chars": settings.HASHCHAT["MAX_POST_CHARS"],
    }
    return render(request, "posts/edit.html", context, status=status)


@profile_required
def delete(request, post_id: int):
    """A confirmation page, then the delete itself (POST)."""
    post = _managed_post(request, post_id)
    after = f"/posts/{post.in_reply_to_id}/" if post.in_reply_to_id else "/"
    if request.method == "POST":
        try:
            actions.delete_post(user=request.user, post=post)
        except ActionError as e:
            messages.error(request, e.message)
            return redirect("post", post_id=post.id)
        messages.success(request, "Your post is deleted.")
        next_url = safe_next(request, after)
        if next_url.rstrip("/") == f"/posts/{post.id}":
            next_url = after
        return redirect(next_url)
    return render(request, "posts/delete.html", {"post": post, "next": safe_next(request, after)})
