"""Like, unlike, repost and undo, as the active profile; each redirects back."""

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from accounts.web import flash_error, profile_required, redirect_next
from core.errors import ActionError
from posts import actions
from posts.models import Post


def _react(request, post_id: int, action) -> object:
    post = get_object_or_404(Post.objects.select_related("author", "repost_of"), pk=post_id)
    try:
        action(user=request.user, profile=request.profile, post=post)
    except ActionError as e:
        flash_error(request, e)
    return redirect_next(request, f"/posts/{post.repost_of_id or post.id}/")


@require_POST
@profile_required
def like(request, post_id: int):
    return _react(request, post_id, actions.like)


@require_POST
@profile_required
def unlike(request, post_id: int):
    return _react(request, post_id, actions.unlike)


@require_POST
@profile_required
def repost(request, post_id: int):
    return _react(request, post_id, actions.repost)


@require_POST
@profile_required
def unrepost(request, post_id: int):
    return _react(request, post_id, actions.unrepost)
