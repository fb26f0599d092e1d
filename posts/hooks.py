"""Extension points of posts: how an app above posts takes part in a new post.

posts never names the apps above it. An app that must act when a post is created
(chats links an answer to its question) registers a hook in its
`AppConfig.ready()`:

    from posts import hooks
    hooks.on_post_created("chats.linking", prepare=find_link, store=save_link)

A hook has two halves, because `posts.actions.create_post` does every read before
its write transaction (SQLite holds its one writer lock only for the writes):

- `prepare(post, asks, mentioned)` runs before the transaction, with the unsaved
  post (its id and text already set), what create_post was told the post `asks`
  (the chat scheduler passes the Question it posts; None otherwise) and the
  profiles the post mentions (a post that mentions a chat's own account joins the
  chat). It only reads, and
  returns what `store` needs, or None when the hook has nothing to do;
- `store(post, prepared)` runs inside the transaction, after the post row exists,
  only when `prepare` returned something. An exception rolls the post back.

Hooks run in the order they were registered.

Pages of posts take additions the same way: `on_page(page, name, func)` where
`func(request, context)` returns entries to add to the page's template context
(chats suggests chats on an empty home page, and links a hashtag's page to the
chat of that hashtag).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from posts.models import Post


@dataclass(frozen=True)
class PostCreatedHook:
    name: str
    prepare: Callable[["Post", Any, Sequence[Any]], Any]
    store: Callable[["Post", Any], object]


_created: dict[str, PostCreatedHook] = {}

PageHook = Callable[[HttpRequest, dict[str, Any]], dict[str, Any]]
_pages: dict[str, dict[str, PageHook]] = {}


def on_post_created(
    name: str,
    *,
    prepare: Callable[["Post", Any, Sequence[Any]], Any],
    store: Callable[["Post", Any], object],
) -> None:
    """Register (or replace, by `name`) a hook run for every new post."""
    _created[name] = PostCreatedHook(name, prepare, store)


def remove(name: str) -> None:
    """Take a hook (of a new post, or of a page) away again (tests that register their own)."""
    _created.pop(name, None)
    for hooks in _pages.values():
        hooks.pop(name, None)


def created_hooks() -> tuple[PostCreatedHook, ...]:
    return tuple(_created.values())


Prepared = list[tuple[PostCreatedHook, Any]]


def prepare_created(post: "Post", asks: Any = None, mentioned: Sequence[Any] = ()) -> Prepared:
    """Every hook's reads for a new post, before its write transaction."""
    found: Prepared = []
    for hook in _created.values():
        state = hook.prepare(post, asks, mentioned)
        if state is not None:
            found.append((hook, state))
    return found


def store_created(post: "Post", prepared: Prepared) -> None:
    """Every hook's writes for a new post, inside its transaction."""
    for hook, state in prepared:
        hook.store(post, state)


# The pages that take additions, and what they hand over in the context.
PAGES = {
    "home": "the home timeline: page (its posts), followed_tags",
    "tag": "a hashtag's page: name (as first written), slug (lowercase), page",
}


def on_page(page: str, name: str, func: PageHook) -> None:
    """Add `func`'s entries to the template context of `page` (one of PAGES)."""
    if page not in PAGES:
        raise ValueError(f"posts has no page {page!r} to add to")
    _pages.setdefault(page, {})[name] = func


def page_additions(page: str, request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """What the registered hooks add to `page`'s context."""
    added: dict[str, Any] = {}
    for func in _pages.get(page, {}).values():
        added.update(func(request, context))
    return added
