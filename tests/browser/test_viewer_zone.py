"""The browser tells the server its zone (the `tz` cookie localtime.js sets), and
pages rendered afterwards, read without any script, show the same zone."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_tap_targets import chat  # noqa: F401 (the shared fixture)


def test_server_rendered_times_follow_the_browsers_zone(chat, new_context):  # noqa: F811
    context = new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    log_in(page, chat["reader"])  # the reader's profile says UTC
    page.goto("/notifications/")
    first = page.locator(".notifications time[data-relative], main time[data-relative]").first
    expect(first).to_be_visible()
    assert {c["name"]: c["value"] for c in context.cookies()}.get("tz") == "Asia/Tokyo"
    # The browser's own rendering of the time, and the server's, now in one zone.
    hour_in_browser = page.evaluate(
        """(iso) => new Intl.DateTimeFormat("en-GB", {hour: "2-digit", minute: "2-digit",
             hourCycle: "h23", timeZone: "Asia/Tokyo"}).format(new Date(iso))""",
        first.get_attribute("datetime"),
    )
    html = context.request.get("/notifications/").text()
    served = re.findall(r'<time[^>]*data-relative title="([^"]+)"', html)
    assert served and all(title.endswith(" JST") for title in served), served
    assert any(f", {hour_in_browser} JST" in title for title in served), (hour_in_browser, served)
