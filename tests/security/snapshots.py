"""What must stay unchanged when someone without the right tries a write: each
function reads it from the test world (tests/security/conftest.py)."""

from chats.models import Event, Question, Series
from posts.models import Notification, Post
from transcripts.models import GroupCuration, Transcript


def snapshot_post(w):
    p = Post.objects.get(pk=w.pat_post.pk)
    return (p.text, p.deleted_at, p.hidden_at, p.like_count, p.repost_count)


def snapshot_chat(w):
    series = Series.objects.get(pk=w.series.pk)
    events = list(Event.objects.filter(series=series).values_list("id", "topic", "state"))
    questions = list(
        Question.objects.filter(event__series=series).values_list("id", "text", "position")
    )
    changes = list(series.changes.values_list("original_start", "new_start"))
    account = (series.boost_outside_events, series.follow_back)
    return (series.title, series.description, events, questions, changes, account)


def snapshot_posts_by(profile_attr):
    def read(w):
        return sorted(
            Post.objects.filter(author=getattr(w, profile_attr)).values_list("id", flat=True)
        )

    return read


def snapshot_transcript(w):
    t = Transcript.objects.filter(event=w.event).first()
    groups = list(GroupCuration.objects.filter(transcript=t).values_list("group", "note", "order"))
    return (t.introduction if t else None, groups, list(t.marks.values()) if t else [])


def snapshot_notifications(w):
    return list(Notification.objects.order_by("id").values_list("id", "read_at", "dismissed_at"))


def snapshot_archives(w):
    from gathering.models import Archive

    return sorted(Archive.objects.values_list("id", "state"))


def snapshot_watched(w):
    from gathering.models import WatchedServer

    return sorted(WatchedServer.objects.values_list("id", "base_url"))
