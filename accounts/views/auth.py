"""Sign up, log in, log out and change password."""

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import actions
from accounts.forms import LoginForm, PasswordForm, SignUpForm
from accounts.web import form_error, safe_next
from core.errors import ActionError

BACKEND = "django.contrib.auth.backends.ModelBackend"


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    next_url = safe_next(request, "/")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = actions.sign_up(**form.cleaned_data)
            except ActionError as e:
                form_error(form, e)
            else:
                login(request, user, backend=BACKEND)
                messages.success(request, f"Welcome to hashchat, @{user.username}.")
                return redirect(next_url)
        status = 422
    context = {"form": form, "next": next_url if next_url != "/" else ""}
    return render(request, "accounts/signup.html", context, status=status)


def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = safe_next(request, "/")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = actions.check_login(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                )
            except ActionError as e:
                form_error(form, e)
                status = e.status
            else:
                login(request, user, backend=BACKEND)
                return redirect(next_url)
        else:
            status = 422
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, "You are logged out.")
    return redirect("home")


@login_required
def change_password(request):
    form = PasswordForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.change_password(user=request.user, **form.cleaned_data)
            except ActionError as e:
                form_error(form, e)
            else:
                # Keep this session logged in; other sessions end.
                update_session_auth_hash(request, request.user)
                messages.success(request, "Your password is changed.")
                return redirect("settings")
        status = 422
    return render(request, "accounts/password.html", {"form": form}, status=status)
