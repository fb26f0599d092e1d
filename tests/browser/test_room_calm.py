"""The room reads calmly: a participant scrolled down in a busy room clicks Like on
the post under the pointer while 30 posts arrive, and that post is liked; a reply
is posted exactly as typed; 500 characters with the hashtag post, 501 say why
before anything is sent.

The live chat is set up through `hashchat manage shell` (the host's pages have
their own journey in test_hosting.py); everything a participant does goes
through the room's pages, so the 30 posts reach the reader over the live stream.
"""

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PASSWORD, PHONE, log_in, screenshot, shell, unique

SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from accounts import actions as accounts
from accounts.models import Profile
from chats import actions
from chats.scheduler import run_due
from posts.actions import create_post
host = accounts.sign_up(username="{host}", email="{host}@example.org", password="{password}")
org = accounts.create_organisation(user=host, handle="{org}", display_name="Calm Chat Team")
series = actions.create_series(user=host, organiser=org, hashtag="{tag}", title="Calm chat",
    timezone="Europe/London", rrule="FREQ=MONTHLY;BYDAY=1TU", start_time="19:00")
questions = [{{"kind": "question", "text": t, "offset": 5 + 10 * i}} for i, t in enumerate(
    ["Why libraries?", "Which service?", "What do people ask?", "What would you change?",
     "What next?"])]
event = actions.create_event(user=host, series=series, topic="Calm reading",
    starts_at=timezone.now() - timedelta(minutes=6), questions=questions)
run_due()
people = []
for name in {people!r}:
    user = accounts.sign_up(username=name, email=name + "@example.org", password="{password}")
    people.append(user)
posts = []
for n in range(40):
    user = people[n % len(people)]
    posts.append(create_post(user=user, profile=Profile.objects.managed_by(user).first(),
        text=f"A1 Earlier answer number {{n}} from the room #{tag}").id)
print(json.dumps({{"event": event.id, "posts": posts}}))
"""


@pytest.fixture(scope="module")
def busy_chat(server):
    tag = unique("calmchat")
    people = [unique("reader"), unique("poster"), unique("writer")]
    out = shell(
        server,
        SETUP.format(
            host=unique("calmhost"),
            org=unique("CalmOrg"),
            tag=tag,
            password=PASSWORD,
            people=people,
        ),
    )
    data = json.loads(out.strip().splitlines()[-1])
    return {
        "tag": tag,
        "room": f"/chats/{tag}/events/{data['event']}/room/",
        "reader": people[0],
        "poster": people[1],
        "writer": people[2],
        "posts": data["posts"],
    }


def open_room(new_context, chat, username, viewport=DESKTOP) -> Page:
    page = new_context(viewport).new_page()
    log_in(page, username, next_url=chat["room"])
    page.goto(chat["room"])
    expect(page.locator("#connection")).to_have_text("Live")
    hint = page.get_by_role("button", name="Got it")
    if hint.is_visible():
        hint.click()
    return page


def likes_of(server, username: str) -> list[int]:
    out = shell(
        server,
        "from posts.models import Like; "
        f"print(sorted(Like.objects.filter(profile__handle='{username}')"
        ".values_list('post_id', flat=True)))",
    )
    return json.loads(out.strip().splitlines()[-1])


def text_of(server, post_id: str) -> str:
    out = shell(
        server,
        "import json; from posts.models import Post; "
        f"print(json.dumps(Post.objects.get(pk={post_id}).text))",
    )
    return json.loads(out.strip().splitlines()[-1])


FLOOD = """(count) => {
  const room = document.getElementById("room");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  window.flood = (async () => {
    for (let n = 0; n < count; n += 1) {
      const body = new FormData();
      body.set("text", `A1 Flood post ${n} arriving while someone reads #${room.dataset.tag}`);
      const response = await fetch(`${room.dataset.roomUrl}post`, {
        method: "POST", body, headers: { Accept: "application/json", "X-CSRFToken": csrf },
      });
      if (!response.ok) throw new Error(await response.text());
    }
    return count;
  })();
}"""


def test_a_like_lands_on_the_post_under_the_pointer_while_30_posts_arrive(
    busy_chat, new_context, server
):
    reader = open_room(new_context, busy_chat, busy_chat["reader"])
    poster = open_room(new_context, busy_chat, busy_chat["poster"])
    # The reader scrolls down to an earlier answer and points at its Like button.
    target = reader.locator(".room-post", has_text="Earlier answer number 25 from the room")
    target.scroll_into_view_if_needed()
    reader.mouse.wheel(0, 120)
    like = target.get_by_role("button", name="Like")
    box = like.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    reader.mouse.move(x, y)

    poster.evaluate(FLOOD, 30)
    waiting = reader.get_by_role("button", name="new post", exact=False)
    expect(waiting).to_be_visible()
    # Posts are arriving: click exactly where the pointer is.
    reader.mouse.click(x, y)
    assert poster.evaluate("() => window.flood") == 30
    expect(reader.get_by_role("button", name="30 new posts")).to_be_visible()
    expect(target.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")
    target_id = int(target.get_attribute("data-target") or 0)
    assert likes_of(server, busy_chat["reader"]) == [target_id]
    assert target_id == busy_chat["posts"][25]
    screenshot(reader, "room-waiting-desktop")
    # Asked for, the 30 show, newest first, and the reader is taken to them.
    reader.get_by_role("button", name="30 new posts").click()
    expect(reader.locator(".room-post", has_text="Flood post 29")).to_be_in_viewport()
    expect(reader.locator(".room-post", has_text="Flood post")).to_have_count(30)


def test_a_reply_is_posted_exactly_as_typed(busy_chat, new_context, server):
    writer = open_room(new_context, busy_chat, busy_chat["writer"])
    parent = writer.locator(".room-post:not(.is-host)").first
    quoted = (parent.locator(".post-body").text_content() or "").strip()[:30]
    parent.get_by_role("link", name="Reply").click()
    box = writer.get_by_label("Your post")
    expect(box).to_be_focused()
    writer.keyboard.type("So true: the quiet corner matters.")
    typed = box.input_value()
    assert typed == f"So true: the quiet corner matters. #{busy_chat['tag']}"
    expect(writer.locator("#compose-answer")).to_be_disabled()
    with writer.expect_response(lambda r: r.url.endswith("/post")) as sent:
        box.press("Control+Enter")
    post_id = sent.value.json()["item"]["id"]
    assert text_of(server, post_id) == typed
    mine = writer.locator(f"#post-{post_id}")
    expect(mine.locator(".reply-context")).to_contain_text(quoted)
    screenshot(writer, "room-reply-desktop")


def test_500_characters_with_the_hashtag_post_and_501_say_why_before_sending(
    busy_chat, new_context, server
):
    writer = open_room(new_context, busy_chat, busy_chat["writer"], viewport=PHONE)
    box = writer.get_by_label("Your post")
    tag = f" #{busy_chat['tag']}"
    expect(box).to_have_value(f"A1  #{busy_chat['tag']}")  # the label and the hashtag
    exactly = "A1 " + "x" * (500 - 3 - len(tag)) + tag
    box.fill(exactly)
    expect(writer.locator("#compose-counter")).to_have_text("0 characters left")
    with writer.expect_response(lambda r: r.url.endswith("/post")) as sent:
        writer.locator("#compose").get_by_role("button", name="Post", exact=True).click()
    assert sent.value.status == 201
    assert text_of(server, sent.value.json()["item"]["id"]) == exactly

    over = "A1 " + "y" * (501 - 3 - len(tag)) + tag
    box.fill(over)
    expect(box).to_have_value(over)  # nothing is cut
    expect(writer.locator("#compose-counter")).to_contain_text("1 character too many")
    requests: list[str] = []
    writer.on("request", lambda r: requests.append(r.url) if r.url.endswith("/post") else None)
    writer.locator("#compose").get_by_role("button", name="Post", exact=True).click()
    expect(writer.locator("#compose-error")).to_contain_text("1 character over the limit of 500")
    assert requests == []
    screenshot(writer, "room-over-limit-phone")


def test_the_room_tap_targets_are_44_px_on_a_phone(busy_chat, new_context):
    page = open_room(new_context, busy_chat, busy_chat["reader"], viewport=PHONE)
    sizes = page.locator(
        ".room-post:first-child .post-actions button, .room-post:first-child .reply-link, "
        ".room-controls button:not([hidden]), .room-controls select, #compose button"
    ).evaluate_all(
        "(nodes) => nodes.filter((n) => n.getClientRects().length).map((n) => {"
        " const r = n.getBoundingClientRect();"
        " return [n.textContent.trim().slice(0, 20), Math.round(r.width), Math.round(r.height)]; })"
    )
    assert sizes, sizes
    small = [s for s in sizes if s[1] < 44 or s[2] < 44]
    assert small == [], small
    screenshot(page, "room-phone")


def test_finding_and_joining_pages_at_phone_and_desktop_widths(busy_chat, new_context):
    for suffix, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_context(viewport).new_page()
        page.goto("/")
        live = page.locator(".live-now li", has_text=f"#{busy_chat['tag']}")
        expect(live.get_by_role("link", name=f"Join #{busy_chat['tag']}")).to_be_visible()
        screenshot(page, f"landing-live-{suffix}")
        page.goto("/chats/")
        entry = page.locator(".chat-entry", has_text=f"#{busy_chat['tag']}")
        expect(entry).to_contain_text("Live now")
        expect(entry).not_to_contain_text("Next:")
        screenshot(page, f"directory-live-{suffix}")
        page.goto(busy_chat["room"])
        expect(page.locator("#first-visit")).to_be_visible()
        screenshot(page, f"room-first-visit-{suffix}")
        page.get_by_role("link", name="Read the short guide").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "How to take part in a hashtag chat"
        )
        screenshot(page, f"how-to-take-part-{suffix}", full_page=True)
        page.goto(busy_chat["room"])
        page.get_by_role("button", name="Got it").click()
        page.reload()
        expect(page.locator("#first-visit")).to_be_hidden()


WARNED = """
from accounts.models import Profile, User
from posts.actions import create_post
user = User.objects.get(username="{writer}")
create_post(user=user, profile=Profile.objects.managed_by(user).first(),
    text="A1 The flood took the basement stacks #{tag}", spoiler_text="Water damage")
"""


def test_a_post_with_a_content_warning_is_folded_in_the_room(busy_chat, new_context, server):
    shell(server, WARNED.format(writer=busy_chat["writer"], tag=busy_chat["tag"]))
    reader = open_room(new_context, busy_chat, busy_chat["reader"])
    # As the server renders the room, then as room.js renders the answers to Q1.
    for shown_by in ("page", "script"):
        if shown_by == "script":
            reader.get_by_label("Show").select_option(label="Answers to Q1")
        item = reader.locator(".room-post", has=reader.locator("summary", has_text="Water damage"))
        expect(item).to_have_count(1)
        body = item.locator("details.content-warning .post-body")
        expect(body).to_be_hidden()
        item.locator("summary").click()
        expect(body).to_contain_text("The flood took the basement stacks")
