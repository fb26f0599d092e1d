"""What the Mastodon client API keeps of its own: OAuth applications, authorisation
codes and tokens (a token acts as exactly one profile), timeline markers and
reports. Writes go through mastodon_api.actions."""

import hashlib

from django.db import models

from accounts.models import Profile, User


def digest(secret: str) -> str:
    """Tokens and codes are stored as SHA-256 digests: a leaked database holds no
    usable credential."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Application(models.Model):
    name = models.CharField(max_length=200)
    website = models.CharField(max_length=300, blank=True)
    # One redirect URI per line, as registered (urn:ietf:wg:oauth:2.0:oob included).
    redirect_uris = models.TextField()
    # Space-separated scopes the app may ask for.
    scopes = models.CharField(max_length=500, default="read")
    client_id = models.CharField(max_length=64, unique=True)
    client_secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def redirect_uri_list(self) -> list[str]:
        return [u for u in self.redirect_uris.split() if u]


class AuthorizationCode(models.Model):
    # SHA-256 of the code handed to the client (see digest()).
    code_digest = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The profile the login chose on the consent page; the token acts as it.
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.TextField()
    # Whether the client sent redirect_uri (then its token request must repeat it).
    redirect_uri_given = models.BooleanField(default=False)
    scopes = models.CharField(max_length=500)
    # PKCE (RFC 7636): the challenge and its method (S256; codes from before hashchat
    # refused "plain" may hold it); empty without PKCE.
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # A code is good once; set when exchanged for a token.
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.application_id} as {self.profile_id}"


class Token(models.Model):
    # SHA-256 of the bearer token; the token itself is shown to the client once.
    token_digest = models.CharField(max_length=64, unique=True)
    refresh_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="tokens"
    )
    # Both empty for a client_credentials (app-only) token.
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    scopes = models.CharField(max_length=500)
    # The code this token (or the token it was refreshed from) was issued for: a code
    # presented twice revokes its tokens (RFC 6749 4.1.2).
    authorization_code = models.ForeignKey(
        AuthorizationCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.pk} as {self.profile_id or 'the app'}"


class Marker(models.Model):
    """Where a profile stopped reading a timeline ("home" or "notifications")."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="markers")
    timeline = models.CharField(max_length=20)
    last_read_id = models.CharField(max_length=32)
    # Bumped on every save; clients use it to detect conflicting writers.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "timeline"], name="marker_unique")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.timeline} at {self.last_read_id}"


class Report(models.Model):
    """A report of a profile (and some of its posts) to the site's moderators."""

    class Category(models.TextChoices):
        SPAM = "spam", "Spam"
        LEGAL = "legal", "Legal"
        VIOLATION = "violation", "Rule violation"
        OTHER = "other", "Other"

    reporter = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="reports_made")
    target = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="reports")
    posts = models.ManyToManyField("posts.Post", blank=True, related_name="+")
    comment = models.TextField(max_length=1000, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices, default="other")
    # Rule ids the reporter cited (Mastodon's rule_ids); hashchat has no numbered rules yet.
    rule_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by a moderator when dealt with.
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"report {self.pk} about {self.target_id}"
