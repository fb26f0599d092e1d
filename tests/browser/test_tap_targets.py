"""Tap targets are at least 44 px high on a phone (390 px wide) on every main page:
home, directory, series, event, room, transcript, notifications, settings, log in,
sign up and the guide, as a visitor and as a participant.

The rule, as the test applies it: every visible a, button, input, select, summary,
textarea and [role=button] is at least 44 px high, or sits inside a label (or has
a label) whose box is. The one exception is a link inside running text: an <a>
inside a paragraph, list item, table cell or definition that has words of its
own besides its links and buttons (e.g. "by @host" in a sentence). Those read as text, are spaced by
the line height, and WCAG 2.5.8 leaves them out too.
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
from posts.actions import create_post, like
host = accounts.sign_up(username="{host}", email="{host}@example.org", password="{password}")
org = accounts.create_organisation(user=host, handle="{org}", display_name="Tap Chat Team")
series = actions.create_series(user=host, organiser=org, hashtag="{tag}", title="Tap chat",
    timezone="Europe/London", rrule="FREQ=MONTHLY;BYDAY=1TU", start_time="19:00")
questions = [{{"kind": "question", "text": t, "offset": 5 + 10 * i}} for i, t in enumerate(
    ["Why libraries?", "Which service?", "What do people ask?", "What would you change?",
     "What next?"])]
event = actions.create_event(user=host, series=series, topic="Tapping calmly",
    starts_at=timezone.now() - timedelta(minutes=16), questions=questions)
run_due()
reader = accounts.sign_up(username="{reader}", email="{reader}@example.org",
    password="{password}")
me = Profile.objects.managed_by(reader).first()
mine = create_post(user=reader, profile=me, text="A1 Because everyone is welcome #{tag}")
for n in range(3):
    user = accounts.sign_up(username=f"{reader}p{{n}}", email=f"{reader}{{n}}@example.org",
        password="{password}")
    other = Profile.objects.managed_by(user).first()
    create_post(user=user, profile=other, text=f"A1 Answer {{n}} from the room #{tag}",
        in_reply_to=mine)
    like(user=user, profile=other, post=mine)
print(json.dumps({{"event": event.id}}))
"""

# Every visible control that is smaller than 44 px high and is not a link inside
# running text: [what it is, its text, its width, its height].
AUDIT = """() => {
  const running = (el) => {
    if (el.tagName !== "A") return false;
    const block = el.parentElement.closest("p, li, dd, td, figcaption, blockquote");
    if (!block) return false;
    // The block's own words: its text without that of its other controls.
    const copy = block.cloneNode(true);
    for (const c of copy.querySelectorAll("a, button, select, input, textarea")) c.remove();
    return copy.textContent.replace(/[\\s·|,:;.()]+/g, "").length > 0;
  };
  const hit = (el) => {
    let box = el.getBoundingClientRect();
    const labels = [...(el.labels || []), el.closest("label")].filter(Boolean);
    for (const label of labels) {
      const r = label.getBoundingClientRect();
      if (r.height > box.height) box = r;
    }
    return box;
  };
  const found = [];
  const selector = "a, button, input, select, summary, textarea, [role=button]";
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const own = el.getBoundingClientRect();
    // A visually hidden or off-screen skip link (it comes into view on focus).
    if (own.width < 2 || own.height < 2 || own.bottom + window.scrollY <= 0 || own.right + window.scrollX <= 0) continue;
    if (running(el)) continue;
    const box = hit(el);
    if (Math.round(box.height) < 44) {
      const text = (el.textContent || el.value || el.name || "").trim().slice(0, 30);
      const what = el.tagName.toLowerCase() + (el.className ? "." + el.className : "");
      found.push(`${what} "${text}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def chat(server):
    tag = unique("tapchat")
    reader = unique("tapreader")
    out = shell(
        server,
        SETUP.format(
            host=unique("taphost"),
            org=unique("TapOrg"),
            tag=tag,
            reader=reader,
            password=PASSWORD,
        ),
    )
    event = json.loads(out.strip().splitlines()[-1])["event"]
    return {"tag": tag, "event": event, "reader": reader}


def pages(chat) -> dict[str, str]:
    event = f"/chats/{chat['tag']}/events/{chat['event']}/"
    return {
        "home": "/",
        "directory": "/chats/",
        "series": f"/chats/{chat['tag']}/",
        "event": event,
        "room": f"{event}room/",
        "transcript": f"{event}transcript/",
        "guide": "/how-to-take-part/",
    }


def small_targets(page: Page, url: str) -> list:
    page.goto(url)
    expect(page.locator("main")).to_be_visible()
    return page.evaluate(AUDIT)


def test_every_main_page_has_44_px_tap_targets_for_a_visitor(chat, new_context):
    page = new_context(PHONE).new_page()
    found = {}
    for name, url in {**pages(chat), "login": "/login/", "signup": "/signup/"}.items():
        small = small_targets(page, url)
        if small:
            found[name] = small
    assert found == {}, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)


def test_every_main_page_has_44_px_tap_targets_for_a_participant(chat, new_context):
    page = new_context(PHONE).new_page()
    log_in(page, chat["reader"])
    found = {}
    urls = {**pages(chat), "notifications": "/notifications/", "settings": "/settings/"}
    for name, url in urls.items():
        small = small_targets(page, url)
        if small:
            found[name] = small
    assert found == {}, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_screenshots_of_the_pages_whose_controls_grew(chat, new_context, width):
    viewport = PHONE if width == "phone" else DESKTOP
    page = new_context(viewport).new_page()
    log_in(page, chat["reader"])
    for name in ("home", "directory", "series", "event"):
        page.goto(pages(chat)[name])
        expect(page.locator("main")).to_be_visible()
        screenshot(page, f"tap-{name}-{width}", full_page=True)
    for name, url in (("notifications", "/notifications/"), ("settings", "/settings/")):
        page.goto(url)
        screenshot(page, f"tap-{name}-{width}", full_page=True)
