"""Forms for the account pages. Each form checks every field against the same
rules accounts.actions applies (handles free and well formed, passwords strong,
pictures readable), so one submit shows every mistake beside its field; the
actions check again when they save."""

import zoneinfo
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator

from accounts.actions import handle_problem, password_problem
from accounts.avatars import check_avatar
from accounts.models import Membership, User
from core.errors import ActionError


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [(name, name.replace("_", " ")) for name in names]


class Form(forms.Form):
    """Labels without a trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignUpForm(Form):
    # The shapes are checked here so that every field's problem shows at once;
    # sign_up checks them again with the rest of the rules.
    username = forms.CharField(
        max_length=150,
        help_text="For logging in.",
        validators=[
            RegexValidator(r"^[\w.@+-]+\Z", "A username is letters, digits and @ . + - _ only.")
        ],
    )
    email = forms.EmailField(label="E-mail")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not a common password.",
        min_length=8,
        error_messages={"min_length": "Use at least 8 characters."},
    )
    handle = forms.CharField(
        max_length=30,
        required=False,
        help_text="Your public @handle: 1 to 30 letters, digits or underscores. "
        "Leave empty to use your username.",
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(f"The username {username} is taken.")
        return username

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip().lstrip("@")
        problem = handle_problem(handle) if handle else None
        if problem:
            raise ValidationError(problem)
        return handle

    def clean(self):
        data = super().clean()
        username = data.get("username")
        if username and not data.get("handle") and "handle" not in self.errors:
            # The username becomes the handle: say so when it cannot be one.
            problem = handle_problem(username)
            if problem:
                self.add_error(
                    "handle", f"Your username cannot be your @handle: {problem} Choose a handle."
                )
        password = data.get("password")
        if password:
            candidate = User(username=username or "", email=data.get("email") or "")
            problem = password_problem(password, candidate)
            if problem:
                self.add_error("password", problem)
        return data


class LoginForm(Form):
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class PasswordForm(Form):
    old_password = forms.CharField(
        label="Current password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not a common password.",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise ValidationError("Your current password is not right.")
        return old

    def clean_new_password(self) -> str:
        new = self.cleaned_data["new_password"]
        problem = password_problem(new, self.user)
        if problem:
            raise ValidationError(problem)
        return new


class ProfileForm(Form):
    display_name = forms.CharField(max_length=100, required=False)
    bio = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(max_length=100, required=False)
    timezone = forms.ChoiceField(choices=timezone_choices, initial="UTC")
    website = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.URLInput,
        help_text="An http:// or https:// address.",
    )
    avatar = forms.FileField(
        label="Picture",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text="JPEG, PNG, GIF or WebP up to 5 MB; it is cropped to a square.",
    )
    remove_avatar = forms.BooleanField(
        label="Remove the picture (show initials instead)", required=False
    )
    exclude_from_transcripts = forms.BooleanField(
        label="Leave my posts out of transcripts and exports",
        required=False,
        help_text="Your posts still appear in chats and timelines, but not in the "
        "transcripts and exports hosts publish afterwards.",
    )

    PROFILE_FIELDS = ("display_name", "bio", "location", "timezone", "website")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A plain file input: the "remove" checkbox below does the clearing.
        self.fields["avatar"].widget = forms.FileInput(attrs={"accept": "image/*"})
        # Keep a zone set elsewhere (e.g. "GMT" through the API) selectable as it is.
        current = self.initial.get("timezone")
        if current and current not in dict(timezone_choices()):
            field = self.fields["timezone"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(current, current), *timezone_choices()]

    def clean_website(self) -> str:
        website = self.cleaned_data["website"].strip()
        if website:
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError:
                raise ValidationError("The website must be an http:// or https:// address.")
        return website

    def clean_avatar(self):
        upload = self.cleaned_data["avatar"]
        if upload:
            try:
                check_avatar(upload)
            except ActionError as e:
                raise ValidationError(e.message)
        return upload


class OrganisationForm(Form):
    handle = forms.CharField(
        max_length=30, help_text="1 to 30 letters, digits or underscores, e.g. HKLibConnect."
    )
    display_name = forms.CharField(max_length=100, required=False)
    bio = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    timezone = forms.ChoiceField(choices=timezone_choices, initial="UTC")

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip().lstrip("@")
        problem = handle_problem(handle)
        if problem:
            raise ValidationError(problem)
        return handle


class AddMemberForm(Form):
    username = forms.CharField(max_length=150, help_text="The login to add.")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MANAGER)
