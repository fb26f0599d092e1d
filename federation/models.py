"""What federation keeps beside the domain tables: actor keys, deliveries, the
incoming activities (queued, processed), follow requests and blocked domains. Remote
profiles and posts are accounts.Profile and posts.Post rows, marked remote."""

from django.db import models

from accounts.models import Profile


class ActorKey(models.Model):
    """An RSA key pair that signs as a local actor: a profile, or the instance itself
    (which signs the GETs of authorized fetch). The private key is stored encrypted
    with a key derived from SECRET_KEY (federation.keys)."""

    # "instance", or "profile:<id>".
    name = models.CharField(max_length=64, unique=True)
    profile = models.OneToOneField(
        Profile, on_delete=models.CASCADE, null=True, blank=True, related_name="actor_key"
    )
    public_key_pem = models.TextField()
    private_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One activity to one inbox, sent by the worker (federation.delivery) and retried
    with exponential backoff until it is accepted or given up."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        FAILING = "failing", "Failing (will retry)"
        DELIVERED = "delivered", "Delivered"
        GIVEN_UP = "given_up", "Given up"

    inbox = models.CharField(max_length=500)
    domain = models.CharField(max_length=255, db_index=True)
    activity_id = models.CharField(max_length=500)
    # The activity's JSON exactly as it is sent (and signed).
    body = models.TextField()
    # The ActorKey.name that signs it.
    key_name = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # Set when a worker claims it: a claim older than a few minutes is taken back.
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.activity_id} to {self.inbox}"


class IncomingActivity(models.Model):
    """An activity a remote server sent to an inbox: stored once its signature,
    digest, date and size are checked (the inbox then answers 202), processed by the
    worker (federation.inbox_queue) and retried when processing fails for a reason
    that may pass (a remote fetch), until it is done, refused or given up. Its
    activity id is the deduplication key: the same id again is not stored twice."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        FAILING = "failing", "Failing (will retry)"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused"
        GIVEN_UP = "given_up", "Given up"

    activity_id = models.CharField(max_length=500, unique=True)
    actor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(max_length=255, db_index=True)
    # Its types, for the admin page ("Create", "Like" ...).
    kind = models.CharField(max_length=100, blank=True)
    # The inbox it came to (/inbox, /@handle/inbox).
    inbox = models.CharField(max_length=200, blank=True)
    # The activity's JSON as it was received.
    body = models.TextField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # Set when a worker claims it: a claim older than a few minutes is taken back.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # What processing did (done, refused) or why it failed (failing, given up).
    result = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "incoming activities"
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="incoming_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind or 'activity'} {self.activity_id}"


class FollowRequest(models.Model):
    """A follow that crosses servers, with the id of its Follow activity: outgoing
    ones wait for Accept; incoming ones to a profile that approves followers wait
    for the profile's answer."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    follower = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    followee = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    activity_id = models.CharField(max_length=500)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="followrequest_unique")
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} asks to follow {self.followee_id} ({self.state})"


class DomainBlock(models.Model):
    """A remote domain an admin has blocked: its activities are refused and what it
    had stored here is removed (federation.moderation)."""

    domain = models.CharField(max_length=255, unique=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.domain
