"""Panels that the apps above chats add to the hosts' view of an event page (for
example the watched servers' state, from gathering). Each is a callable
(request, event) -> HTML (already escaped), registered in its app's ready()."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from chats.models import Event

Panel = Callable[[HttpRequest, Event], SafeString]
_PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def render(request: HttpRequest, event: Event) -> list[SafeString]:
    return [panel(request, event) for panel in _PANELS]
