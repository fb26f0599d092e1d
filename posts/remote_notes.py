"""What a post brings beside its text: a remote note's extras (federation/ reads
them from the Note) and a content warning."""

from dataclasses import dataclass, field
from datetime import datetime

from accounts.models import Profile
from core.errors import InvalidInput

SPOILER_MAX_CHARS = 500


@dataclass
class RemoteNote:
    """What a post from another server brings beside its text (federation/ reads it
    from the Note): its id and page there, its sanitised HTML, when it was published
    whom it mentions and tags, its content warning and its attachments."""

    uri: str
    url: str
    html: str
    published: datetime
    sensitive: bool = False
    spoiler_text: str = ""
    # {"url", "type", "media_type", "description", "blurhash", "width", "height"}
    attachments: list[dict] = field(default_factory=list)
    mentioned: list[Profile] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    language: str = ""


# Remote posts are not held to this server's length limit, only to this cap.
REMOTE_MAX_CHARS = 20_000


def clean_spoiler_text(text: str | None) -> str:
    """A content warning: one line of at most SPOILER_MAX_CHARS characters."""
    cleaned = " ".join((text or "").split())
    if len(cleaned) > SPOILER_MAX_CHARS:
        raise InvalidInput(
            f"A content warning is at most {SPOILER_MAX_CHARS} characters.", field="spoiler_text"
        )
    return cleaned
