"""Q/A linking: which question of which event a post answers."""

from posts.models import Post


def link_post(post: Post) -> None:
    """Called by posts.actions.create_post inside its transaction."""
    return None
