"""Settings of the active profile, new organisation profiles and their members."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from accounts import actions
from accounts.forms import AddMemberForm, OrganisationForm, ProfileForm
from accounts.middleware import SESSION_KEY
from accounts.models import Membership, User
from accounts.permissions import is_owner
from accounts.web import form_error, profile_required
from core.errors import ActionError, InvalidInput, NotFound


@profile_required
def profile_settings(request):
    profile = request.profile
    initial = {name: getattr(profile, name) for name in ProfileForm.PROFILE_FIELDS}
    initial["exclude_from_transcripts"] = profile.exclude_from_transcripts
    if request.method != "POST":
        form = ProfileForm(initial=initial)
        return render(request, "accounts/settings.html", {"form": form})
    form = ProfileForm(request.POST, request.FILES, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                actions.update_profile(
                    user=request.user,
                    profile=profile,
                    avatar=data["avatar"],
                    remove_avatar=data["remove_avatar"],
                    **{name: data[name] for name in ProfileForm.PROFILE_FIELDS},
                )
                if data["exclude_from_transcripts"] != profile.exclude_from_transcripts:
                    actions.set_transcript_consent(
                        user=request.user, profile=profile, exclude=data["exclude_from_transcripts"]
                    )
        except ActionError as e:
            form_error(form, e)
            profile.refresh_from_db()
        else:
            messages.success(request, f"Saved the settings of @{profile.handle}.")
            return redirect("settings")
    return render(request, "accounts/settings.html", {"form": form}, status=422)


@profile_required
def new_organisation(request):
    form = OrganisationForm(request.POST or None)
    if request.method != "POST":
        return render(request, "accounts/new_organisation.html", {"form": form})
    if form.is_valid():
        try:
            org = actions.create_organisation(user=request.user, **form.cleaned_data)
        except ActionError as e:
            form_error(form, e)
        else:
            request.session[SESSION_KEY] = str(org.id)
            messages.success(
                request, f"Created @{org.handle}. You are now acting as @{org.handle}."
            )
            return redirect("profile", handle=org.handle)
    return render(request, "accounts/new_organisation.html", {"form": form}, status=422)


def _member(profile, username: str) -> User:
    membership = (
        Membership.objects.filter(profile=profile, user__username__iexact=username.strip())
        .select_related("user")
        .first()
    )
    if membership is None:
        raise NotFound(f"{username} is not a member of @{profile.handle}.")
    return membership.user


def _change_members(request, profile, form) -> int | None:
    """Apply the posted change. None when it worked, else the status to answer with
    (the error is on `form` or in the messages)."""
    op = request.POST.get("op", "")
    try:
        if op == "add":
            if not form.is_valid():
                return 422
            member = actions.add_member(user=request.user, profile=profile, **form.cleaned_data)
            messages.success(request, f"Added {member.user.username} as {member.role}.")
        elif op == "role":
            member_user = _member(profile, request.POST.get("member", ""))
            actions.set_member_role(
                user=request.user,
                profile=profile,
                member=member_user,
                role=request.POST.get("role", ""),
            )
            messages.success(request, f"Changed the role of {member_user.username}.")
        elif op == "remove":
            member_user = _member(profile, request.POST.get("member", ""))
            actions.remove_member(user=request.user, profile=profile, member=member_user)
            messages.success(request, f"Removed {member_user.username} from @{profile.handle}.")
        else:
            raise InvalidInput("Unknown change.")
    except ActionError as e:
        if op == "add":
            form_error(form, e)
        else:
            messages.error(request, e.message)
        return e.status
    return None


@profile_required
def members(request):
    """Who may act as the active organisation profile; owners change it."""
    profile = request.profile
    form = AddMemberForm(request.POST if request.POST.get("op") == "add" else None)
    status = 200
    if request.method == "POST" and profile.is_organisation:
        failed = _change_members(request, profile, form)
        if failed is None:
            return redirect("members")
        status = failed
    rows = (
        Membership.objects.filter(profile=profile)
        .select_related("user")
        .order_by("role", "user__username")
    )
    context = {
        "form": form,
        "memberships": rows,
        "is_owner": is_owner(request.user, profile),
        "roles": Membership.Role.choices,
    }
    return render(request, "accounts/members.html", context, status=status)
