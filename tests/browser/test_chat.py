"""The whole chat in a real browser: a host plans it, participants take part live,
an anonymous visitor watches, the host moderates, and the transcript follows.

To make the event live without waiting, the host moves its start to six minutes
ago on the event's edit page (allowed while nothing has been posted), and the
test runs the scheduler once (`chats.scheduler.run_due` through `hashchat manage
shell`) so the welcome and Q1 are posted at once. To end it, the test moves the
event's times an hour into the past with a database update in the same shell:
the one step no page offers.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot, shell, sign_up, unique

ZONE = "Asia/Hong_Kong"
QUESTIONS = [
    "What brought you to libraries?",
    "Which service are you proudest of?",
    "What do people ask you most?",
    "What would you change tomorrow?",
    "What will you try next month?",
]
LIVE = 2000  # ms: a post must reach the other rooms this fast


def local(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(scope="module")
def chat(browser: Browser, server):
    """The host's journey through the pages: sign up, an organisation profile, a
    series with a recurrence, an event with five questions; then it goes live."""
    context = browser.new_context(base_url=server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    host = sign_up(page, unique("host"))
    org = unique("LibOrg")
    page.goto("/profiles/new/")
    page.get_by_label("Handle").fill(org)
    page.get_by_label("Display name").fill("Library Chat Team")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("status")).to_contain_text(f"Created @{org}")

    tag = unique("browserchat")
    now = datetime.now(ZoneInfo("UTC"))
    page.goto("/chats/new/")
    page.get_by_label("Who hosts it").select_option(label=f"@{org} (organisation)")
    page.get_by_label("Hashtag").fill(tag)
    page.get_by_label("Title").fill("The browser test chat")
    page.get_by_label("Time zone").fill(ZONE)
    page.get_by_label("Start time").fill("19:00")
    page.get_by_label("First possible date").fill(local(now)[:10])
    page.get_by_role("button", name="Next: the first chat").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{tag}")

    page.get_by_label("Occurrence").select_option(label="(a start time of its own)")
    page.get_by_label("Or a start time (in the series' timezone)").fill(
        local(now + timedelta(hours=2))
    )
    page.get_by_label("Topic").fill("Why libraries")
    for number, text in enumerate(QUESTIONS, start=1):
        page.get_by_label(f"Text of Q{number}", exact=True).fill(text)
    page.get_by_role("button", name="Schedule the chat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Why libraries")
    found = re.search(r"/events/(\d+)/", page.url)
    assert found, page.url
    event_id = int(found.group(1))
    edit_url = f"/chats/{tag}/events/{event_id}/edit/"
    page.goto(edit_url)

    # Live now: the start moves to six minutes ago (Q1 is due five minutes in).
    page.get_by_label("Start (in the series' timezone)").fill(
        local(datetime.now(ZoneInfo("UTC")) - timedelta(minutes=6))
    )
    page.get_by_role("button", name="Save the event and its questions").click()
    expect(page.locator(".form-error")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("saved with 5 questions")
    shell(server, "from chats.scheduler import run_due; run_due()")
    room = f"/chats/{tag}/events/{event_id}/room/"
    yield {
        "host": host,
        "org": org,
        "tag": tag,
        "event_id": event_id,
        "room": room,
        "page": page,
        "edit_url": edit_url,
    }
    context.close()


def open_room(
    new_context, chat, viewport=DESKTOP, username: str | None = None, acting_as: str | None = None
) -> Page:
    page = new_context(viewport).new_page()
    if username:
        log_in(page, username, next_url=chat["room"])
    page.goto(chat["room"])
    if acting_as:
        page.get_by_label("Posting as").select_option(label=f"@{acting_as}")
        page.get_by_role("button", name="Switch").click()
        expect(page.locator(".messages")).to_contain_text(f"acting as @{acting_as}")
    expect(page.locator("#connection")).to_have_text("Live")
    return page


def post_in_room(page: Page, text: str) -> None:
    page.get_by_label("Your post").fill(text)
    page.locator("#compose").get_by_role("button", name="Post", exact=True).click()
    # The box empties back to the label and the hashtag.
    expect(page.get_by_label("Your post")).not_to_have_value(re.compile(re.escape(text[:20])))


def test_the_host_plans_a_series_with_a_recurrence_and_an_event_with_five_questions(chat, page):
    page.goto(f"/chats/{chat['tag']}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{chat['tag']}")
    expect(page.locator("main")).to_contain_text("Why libraries")
    host = chat["page"]
    host.goto(chat["edit_url"])
    rows = host.locator(".plan-row")
    # Q1 has been posted from the organiser profile since the event went live.
    expect(rows.filter(has_text="Q1").first).to_contain_text("Posted")
    expect(rows.filter(has_text="Q1").first).to_contain_text(QUESTIONS[0])
    for number, text in enumerate(QUESTIONS[1:], start=2):
        expect(host.get_by_label(f"Text of Q{number}", exact=True)).to_have_value(text)


def test_participants_see_answers_likes_and_reposts_live_and_pause_buffers(chat, new_context):
    ana, ben = unique("ana"), unique("ben")
    sign_up(new_context().new_page(), ana)
    sign_up(new_context().new_page(), ben)
    first = open_room(new_context, chat, username=ana)
    second = open_room(new_context, chat, username=ben)
    expect(first.locator(".pinned")).to_contain_text(QUESTIONS[0])

    post_in_room(first, "A1 The reading room of my childhood, every Saturday.")
    seen = second.locator(".room-post", has_text="The reading room of my childhood")
    expect(seen).to_be_visible(timeout=LIVE)
    expect(seen.locator(".answer-label")).to_have_text("A1")

    # A like and a repost from the second room update the counts in the first.
    mine = first.locator(".room-post", has_text="The reading room of my childhood").first
    seen.first.get_by_role("button", name=re.compile("^Like")).click()
    expect(mine.locator('[data-count="likes"]')).to_have_text("1", timeout=LIVE)
    seen.first.get_by_role("button", name=re.compile("^Repost")).click()
    expect(mine.locator('[data-count="reposts"]')).to_have_text("1", timeout=LIVE)

    # Paused, the second room holds new posts behind "N new posts".
    second.get_by_role("button", name="Pause").click()
    post_in_room(first, "A1 Also: the smell of old atlases.")
    post_in_room(first, "And the librarian who let me stay late.")
    # (Ben's own repost may wait there too: it arrived while he pointed at the post.)
    button = second.get_by_role("button", name=re.compile(r"^[23] new posts$"))
    expect(button).to_be_visible(timeout=LIVE)
    expect(second.locator(".room-post", has_text="old atlases")).to_have_count(0)
    button.click()
    expect(second.locator(".room-post", has_text="old atlases")).to_be_visible()
    expect(second.locator(".room-post", has_text="stay late")).to_be_visible()


def test_an_anonymous_visitor_follows_the_room(chat, new_context):
    poster = unique("cleo")
    sign_up(new_context().new_page(), poster)
    visitor = open_room(new_context, chat, viewport=PHONE)
    expect(visitor.locator("main")).to_contain_text("You are watching")
    expect(visitor.locator("#compose")).to_have_count(0)
    participant = open_room(new_context, chat, username=poster)
    post_in_room(participant, "A1 Story time at the branch near the harbour.")
    expect(visitor.locator(".room-post", has_text="branch near the harbour")).to_be_visible(
        timeout=LIVE
    )


def test_the_host_hides_a_post_and_it_vanishes_from_both_rooms(chat, new_context):
    troll = unique("dev")
    sign_up(new_context().new_page(), troll)
    participant = open_room(new_context, chat, username=troll)
    watcher = open_room(new_context, chat)
    host = open_room(new_context, chat, username=chat["host"], acting_as=chat["org"])
    post_in_room(participant, "A1 This post is off topic and gets hidden.")
    for page in (participant, watcher, host):
        expect(page.locator(".room-post", has_text="gets hidden")).to_be_visible(timeout=LIVE)
    host.locator(".room-post", has_text="gets hidden").get_by_role("button", name="Hide").click()
    for page in (participant, watcher, host):
        expect(page.locator(".room-post", has_text="gets hidden")).to_have_count(0, timeout=LIVE)


def test_the_room_at_phone_and_desktop_widths(chat, new_context):
    for name, viewport in (("room-test-phone", PHONE), ("room-test-desktop", DESKTOP)):
        page = open_room(new_context, chat, viewport=viewport)
        expect(page.locator(".room-post").first).to_be_visible()
        screenshot(page, name)


def test_after_the_event_the_transcript_groups_answers_under_q1_and_exports_markdown(
    chat, server, new_context
):
    post_in_room(
        open_room(new_context, chat, username=chat["host"], acting_as=chat["org"]),
        "A1 Hosts answer too: a bookmobile in the rain.",
    )
    shell(
        server,
        "from datetime import timedelta; from django.utils import timezone; "
        "from chats.models import Event; from chats.scheduler import run_due; "
        f"e = Event.objects.get(pk={chat['event_id']}); shift = timedelta(hours=1); "
        "Event.objects.filter(pk=e.pk).update(starts_at=e.starts_at - shift, "
        "ends_at=e.ends_at - shift, window_ends_at=e.window_ends_at - shift); "
        "run_due(timezone.now())",
    )
    page = new_context().new_page()
    page.goto(f"/chats/{chat['tag']}/events/{chat['event_id']}/transcript/")
    q1 = page.locator("section.t-group", has=page.get_by_role("heading", name=re.compile("^Q1")))
    expect(q1.first).to_contain_text(QUESTIONS[0])
    expect(q1.first).to_contain_text("The reading room of my childhood")
    expect(q1.first).to_contain_text("bookmobile in the rain")
    expect(page.locator("main")).not_to_contain_text("gets hidden")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Markdown").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".md")
    markdown = Path(download.path()).read_text(encoding="utf-8")
    assert "The reading room of my childhood" in markdown
    assert QUESTIONS[0] in markdown
    assert "gets hidden" not in markdown
