"""URL modules behind a prefix test. Django tries URL patterns one by one, so a
module included at the root costs every path that is not its own one test per
pattern. `under` puts a module (or a list of patterns) behind a lookahead on its
prefixes: one test for any other path, while the included patterns still match
the whole path as written (a lookahead consumes nothing)."""

import re

from django.urls import include, re_path
from django.urls.resolvers import URLResolver

# How those lookaheads start a resolved route ("^(?=api/)(?=api/v1/statuses)api/...").
_LOOKAHEADS = re.compile(r"^\^(?:\(\?=[^)]*\))+")


def under(prefixes: str, urls) -> URLResolver:
    """`include(urls)` (a module's name or a list of patterns), tried only for paths
    starting with one of `prefixes` (a regular-expression alternative)."""
    return re_path(rf"^(?={prefixes})", include(urls))


def without_lookaheads(route: str) -> str:
    """A resolved route as its patterns wrote it, without the lookaheads of `under`."""
    return _LOOKAHEADS.sub("", route)
