from django import forms

from accounts.moderation import REASON_MAX
from mastodon_api.reports import OUTCOMES


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            max_length=REASON_MAX,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="Kept in the audit log with your name and the time.",
            error_messages={"required": "Say why: the audit log keeps the reason."},
            **kwargs,
        )


class CloseReportForm(forms.Form):
    reason = ReasonField(label="Reason")
    # Sent by the button pressed (Resolve or Dismiss), not drawn as a field.
    outcome = forms.ChoiceField(
        choices=[(key, key) for key in OUTCOMES],
        error_messages={"required": "Choose Resolve or Dismiss."},
    )


class SuspendForm(forms.Form):
    handle = forms.CharField(label="Profile handle", max_length=31, help_text="Without the @.")
    action = forms.ChoiceField(
        label="What to do",
        choices=[("suspend", "Suspend the profile"), ("restore", "Lift its suspension")],
        widget=forms.RadioSelect,
        initial="suspend",
    )
    reason = ReasonField(label="Reason")
