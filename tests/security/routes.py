"""Every route of the URL configuration as its full pattern, for the tests that go
through them all."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver


def walk_routes(patterns, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(full route pattern, name) of every URL pattern under `patterns`. A module
    included behind a lookahead (core.routing.under) adds nothing to its routes:
    the lookahead tests the path without consuming it."""
    for p in patterns:
        if isinstance(p, URLResolver):
            own = str(p.pattern)
            yield from walk_routes(p.url_patterns, prefix + ("" if own.startswith("^(?=") else own))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name or ""
