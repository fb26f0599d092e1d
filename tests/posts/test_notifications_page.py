"""/notifications/ and the unread count in the navigation."""

from accounts.actions import follow
from posts import actions
from posts.models import Notification


def badge(html: str) -> str | None:
    """The unread badge as a screen reader reads it: "6 unread"."""
    marker = '<span class="badge">'
    if marker not in html:
        return None
    inner = html.split(marker)[1].split("</span></span>")[0]
    return inner.replace('<span class="visually-hidden">', "")


def test_each_kind_is_described_and_the_page_marks_what_it_showed_read(client, pat, hana, olly):
    question = actions.create_post(user=hana.user, profile=hana.profile, text="Q1 on service")
    actions.create_post(user=pat.user, profile=pat.profile, text="A1 smile", in_reply_to=question)
    actions.create_post(user=olly.user, profile=olly.profile, text="cc @hana")
    actions.like(user=pat.user, profile=pat.profile, post=question)
    actions.repost(user=olly.user, profile=olly.profile, post=question)
    follow(user=olly.user, profile=olly.profile, target=hana.profile)
    actions.notify(
        recipient=hana.profile,
        kind="reminder",
        message="#auslibchat starts in 1 hour",
        link="/chats/auslibchat/",
    )
    client.force_login(hana.user)
    assert badge(client.get("/").text) == "6 unread"
    r = client.get("/notifications/")
    assert r.status_code == 200
    text = r.text
    for phrase in (
        "replied to your post",
        "mentioned you",
        "liked your post",
        "reposted your post",
        "followed you",
        "#auslibchat starts in 1 hour",
    ):
        assert phrase in text
    assert 'href="/chats/auslibchat/"' in text
    assert "A1 smile" in text
    assert text.count('class="card notification unread"') == 6
    # The count in the nav is already zero on this very page...
    assert badge(text) is None
    # ...but viewing (a GET) changed nothing: the page POSTs what it showed.
    assert Notification.objects.filter(recipient=hana.profile, read_at__isnull=True).count() == 6
    up_to = max(Notification.objects.filter(recipient=hana.profile).values_list("id", flat=True))
    assert f'name="up_to" value="{up_to}"' in text
    r = client.post("/notifications/read/", {"up_to": str(up_to)})
    assert r.status_code == 302
    assert not Notification.objects.filter(recipient=hana.profile, read_at__isnull=True).exists()
    assert 'class="card notification unread"' not in client.get("/notifications/").text


def test_marking_read_leaves_what_arrived_after_the_page_unread(client, pat, hana):
    actions.create_post(user=pat.user, profile=pat.profile, text="hi @hana")
    client.force_login(hana.user)
    shown = client.get("/notifications/").text
    up_to = Notification.objects.get(recipient=hana.profile).id
    assert f'name="up_to" value="{up_to}"' in shown
    actions.create_post(user=pat.user, profile=pat.profile, text="still there, @hana?")

    client.post(
        "/notifications/read/", {"up_to": str(up_to)}, headers={"X-Requested-With": "fetch"}
    )

    unread = Notification.objects.filter(recipient=hana.profile, read_at__isnull=True)
    assert [n.post.text for n in unread] == ["still there, @hana?"]
    assert badge(client.get("/").text) == "1 unread"


def test_viewing_notifications_is_a_get_that_writes_nothing(client, pat, hana):
    actions.create_post(user=pat.user, profile=pat.profile, text="hi @hana")
    client.force_login(hana.user)
    before = list(Notification.objects.values_list("id", "read_at", "dismissed_at"))

    assert client.get("/notifications/").status_code == 200

    assert list(Notification.objects.values_list("id", "read_at", "dismissed_at")) == before


def test_notifications_belong_to_the_active_profile(client, pat, hana, hklibconnect):
    post = actions.create_post(user=pat.user, profile=hklibconnect, text="Org post")
    actions.like(user=hana.user, profile=hana.profile, post=post)
    client.force_login(pat.user)
    assert "liked your post" not in client.get("/notifications/").text
    client.post("/profiles/switch/", {"profile": hklibconnect.id})
    assert "liked your post" in client.get("/notifications/").text


def test_dismiss_one_and_clear_all(client, pat, hana, olly):
    post = actions.create_post(user=hana.user, profile=hana.profile, text="Q")
    actions.like(user=pat.user, profile=pat.profile, post=post)
    actions.like(user=olly.user, profile=olly.profile, post=post)
    first = Notification.objects.filter(recipient=hana.profile).order_by("id").first()
    client.force_login(hana.user)
    r = client.post(f"/notifications/{first.id}/dismiss/")
    assert r.status_code == 302 and r.url == "/notifications/"
    assert Notification.objects.for_profile(hana.profile).count() == 1
    client.post("/notifications/clear/")
    assert "Nothing new." in client.get("/notifications/").text


def test_someone_elses_notification_cannot_be_dismissed(client, pat, hana, olly):
    post = actions.create_post(user=hana.user, profile=hana.profile, text="Q")
    actions.like(user=pat.user, profile=pat.profile, post=post)
    note = Notification.objects.get()
    client.force_login(olly.user)
    r = client.post(f"/notifications/{note.id}/dismiss/", follow=True)
    assert "No such notification." in r.text
    note.refresh_from_db()
    assert note.dismissed_at is None


def test_notifications_need_a_login(client, db):
    r = client.get("/notifications/")
    assert r.status_code == 302 and r.url == "/login/?next=/notifications/"
