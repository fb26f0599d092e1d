"""Forms for the account pages. They check shapes; accounts.actions checks the
rules (handles, passwords, permissions) and its errors are shown on the forms."""

import zoneinfo
from functools import cache

from django import forms
from django.core.validators import RegexValidator

from accounts.models import Membership


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


class OrganisationForm(Form):
    handle = forms.CharField(
        max_length=30, help_text="1 to 30 letters, digits or underscores, e.g. HKLibConnect."
    )
    display_name = forms.CharField(max_length=100, required=False)
    bio = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    timezone = forms.ChoiceField(choices=timezone_choices, initial="UTC")


class AddMemberForm(Form):
    username = forms.CharField(max_length=150, help_text="The login to add.")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MANAGER)
