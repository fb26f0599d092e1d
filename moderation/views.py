"""/moderation/: the site admins' pages. Plain forms (they work without JavaScript
and from the keyboard); every write goes through an action that logs it."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import moderation as accounts_moderation
from accounts.models import ModerationLog, Profile
from accounts.web import form_error
from core.errors import ActionError, Conflict
from mastodon_api import reports as report_actions
from mastodon_api.models import Report
from moderation.forms import CloseReportForm, SuspendForm

LOG_PAGE = 50
CLOSED_SHOWN = 20


def admin_required(view: Callable) -> Callable:
    """Site admins only: log in first; others (and a login whose profiles are all
    suspended) get a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
        if not accounts_moderation.is_site_admin(request.user):  # type: ignore[arg-type]
            raise PermissionDenied("Only site admins can moderate.")
        if getattr(request, "profile", None) is None:
            raise PermissionDenied("This login has no profile it can act as.")
        return view(request, *args, **kwargs)

    return wrapper


def _reports_page(
    request: HttpRequest, bound: CloseReportForm | None = None, bound_id=None, status=200
):
    queue = list(report_actions.open_reports())
    entries = [
        {"report": r, "form": bound if r.pk == bound_id and bound else CloseReportForm()}
        for r in queue
    ]
    return render(
        request,
        "moderation/reports.html",
        {
            "tab": "reports",
            "entries": entries,
            "closed": list(report_actions.closed_reports()[:CLOSED_SHOWN]),
        },
        status=status,
    )


@admin_required
def reports(request: HttpRequest) -> HttpResponse:
    return _reports_page(request)


@require_POST
@admin_required
def close_report(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(Report.objects.select_related("target"), pk=report_id)
    form = CloseReportForm(request.POST)
    if report.resolved_at is not None:
        messages.error(request, f"Report {report.pk} is already closed.")
        return redirect("moderation-reports")
    if form.is_valid():
        try:
            report_actions.close_report(
                admin=request.user,  # type: ignore[arg-type]
                report=report,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except Conflict as e:  # another admin was quicker
            messages.error(request, e.message)
            return redirect("moderation-reports")
        except ActionError as e:
            form_error(form, e)
        else:
            done = "resolved" if form.cleaned_data["outcome"] == "resolve" else "dismissed"
            messages.success(request, f"Report {report.pk} about @{report.target.handle} {done}.")
            return redirect("moderation-reports")
    return _reports_page(request, form, report.pk, status=422)


@admin_required
def profiles(request: HttpRequest) -> HttpResponse:
    """Suspend a profile or lift a suspension; the suspended profiles are listed."""
    if request.method == "POST":
        form = SuspendForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            profile = Profile.objects.by_handle(data["handle"]).first()
            if profile is None:
                form.add_error("handle", f"There is no profile @{data['handle'].lstrip('@')}.")
            else:
                try:
                    accounts_moderation.suspend(
                        admin=request.user,  # type: ignore[arg-type]
                        profile=profile,
                        suspended=data["action"] == "suspend",
                        reason=data["reason"],
                    )
                except ActionError as e:
                    form_error(form, e)
                else:
                    done = "suspended" if profile.is_suspended else "restored"
                    messages.success(request, f"@{profile.handle} is {done}.")
                    return redirect("moderation-profiles")
        status = 422
    else:
        wanted = request.GET.get("handle", "")[:31]
        action = "restore" if request.GET.get("action") == "restore" else "suspend"
        form = SuspendForm(initial={"handle": wanted, "action": action})
        status = 200
    suspended = Profile.objects.filter(is_suspended=True).order_by("handle")[:200]
    return render(
        request,
        "moderation/profiles.html",
        {"tab": "profiles", "form": form, "suspended": suspended},
        status=status,
    )


@admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = ModerationLog.objects.select_related("target")
    handle = request.GET.get("handle", "").strip().lstrip("@")[:30]
    if handle:
        entries = entries.filter(target_handle__iexact=handle)
    page = Paginator(entries, LOG_PAGE).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"tab": "log", "page": page, "handle": handle})
