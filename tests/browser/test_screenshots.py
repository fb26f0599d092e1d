"""Screenshots of the demo chat for the README and docs: the live room (mid-hour,
Q4 current) and last month's transcript, at phone and desktop widths."""

import json

import pytest
from playwright.sync_api import expect

from demo import cast as demo_cast
from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot, shell

WIDTHS = (("phone", PHONE), ("desktop", DESKTOP))


@pytest.fixture(scope="module")
def demo(server) -> dict:
    out = shell(server, "from tests.browser.demo_state import seed_midway; seed_midway()")
    return json.loads(out.strip().splitlines()[-1])


def test_the_demo_room_mid_hour(demo, new_context):
    room = f"/chats/{demo['tag']}/events/{demo['live']}/room/"
    for name, viewport in WIDTHS:
        page = new_context(viewport).new_page()
        log_in(page, demo_cast.PARTICIPANT["username"], demo_cast.PARTICIPANT["password"], room)
        page.goto(room)
        expect(page.locator("#connection")).to_have_text("Live")
        expect(page.locator(".pinned")).to_contain_text("Q4")
        expect(page.locator(".room-post").first).to_be_visible()
        screenshot(page, f"room-{name}")


def test_last_months_transcript(demo, new_context):
    url = f"/chats/{demo['tag']}/events/{demo['past']}/transcript/"
    for name, viewport in WIDTHS:
        page = new_context(viewport).new_page()
        page.goto(url)
        expect(page.locator("section.t-group").first).to_be_visible()
        expect(page.locator("main")).to_contain_text("Q1")
        screenshot(page, f"transcript-{name}")
        # The answers to Q1, grouped under it.
        q1 = page.locator("section.t-group", has=page.locator("h2", has_text="Q1")).first
        expect(q1).to_contain_text("customer service")
        q1.locator("h2").first.evaluate("h => h.scrollIntoView({block: 'start'})")
        screenshot(page, f"transcript-q1-{name}")
