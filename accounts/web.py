"""Small helpers the page views of every app share: a safe `next`, action
errors shown on forms, and the active-profile requirement."""

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import ActionError


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The `next` the request asks for (POST, then GET), if it stays on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def redirect_next(request: HttpRequest, default: str = "/") -> HttpResponse:
    return redirect(safe_next(request, default))


def form_error(form: forms.Form, error: ActionError) -> None:
    """Show an action's error next to the field it names, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def flash_error(request: HttpRequest, error: ActionError) -> None:
    messages.error(request, error.message)


def profile_required(view: Callable) -> Callable:
    """Pages that act as the active profile: log in first; a login whose profiles are
    all suspended gets a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            # After logging in, a button's POST cannot be replayed: come back to the
            # page it was on instead.
            back = request.get_full_path() if request.method == "GET" else safe_next(request)
            return redirect_to_login(back)
        if request.profile is None:
            raise PermissionDenied("This login has no profile it can act as.")
        return view(request, *args, **kwargs)

    return wrapper
