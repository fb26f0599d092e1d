"""A brand-new host, from the home page's "Host a chat" to a scheduled monthly chat
with five real questions, on at most four pages and without reading any docs;
the questions survive every way of saving (a refused save, moving rows by
keyboard and by drag, saving the event again)."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PASSWORD, PHONE, log_in, screenshot, unique

ZONE = "Asia/Hong_Kong"
QUESTIONS = [
    "What first brought you into libraries?",
    "Which service are you proudest of?",
    "What do people ask you most often?",
    "What would you change tomorrow?",
    "What will you try next month?",
]


def question_texts(page: Page) -> list[str]:
    return page.locator(".plan-row textarea").evaluate_all("(nodes) => nodes.map((n) => n.value)")


def test_a_new_host_schedules_a_monthly_chat_with_five_questions_on_four_pages(new_context):
    context = new_context(DESKTOP, timezone_id=ZONE)
    page = context.new_page()
    pages: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: frame == page.main_frame and pages.append(urlsplit(frame.url).path),
    )
    page.goto("/")
    page.get_by_role("link", name="Host a chat").first.click()

    # Page 1: the account.
    expect(page.get_by_role("heading", level=1)).to_have_text("Host a chat: first, your account")
    screenshot(page, "host-signup-desktop")
    start = len(pages) - 1
    username = unique("host")
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail").fill(f"{username}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    # Page 2: who hosts it, the hashtag, when. The zone is the browser's.
    expect(page.get_by_role("heading", level=1)).to_have_text("Host a chat")
    expect(page.get_by_label("Time zone")).to_have_value(ZONE)
    org, tag = unique("LibTeam"), unique("hostchat")
    page.get_by_label("Who hosts it").select_option("new")
    page.get_by_label("Handle of the new organisation profile").fill(org)
    page.get_by_label("Its display name").fill("Library Chat Team")
    page.get_by_label("Hashtag").fill(tag)
    page.get_by_label("Title").fill("Library people talk")
    expect(page.get_by_label("Monthly, on one weekday (e.g. the first Tuesday)")).to_be_checked()
    page.get_by_label("Which week").select_option(label="second")
    page.get_by_label("Day", exact=True).select_option(label="Wednesday")
    page.get_by_label("Start time").fill("19:00")
    preview = page.locator("#recurrence-preview")
    expect(preview).to_contain_text("The second Wednesday of every month")
    expect(preview.locator("tbody tr")).to_have_count(5)
    expect(preview.locator("tbody tr").first).to_contain_text("19:00 HKT")
    expect(preview.locator("tbody tr").first).to_contain_text("11:00 UTC")
    screenshot(page, "host-series-desktop", full_page=True)
    page.get_by_role("button", name="Next: the first chat").click()

    # Page 3: the first chat, its topic and five questions, in one form.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"The first chat of #{tag}")
    page.get_by_label("Topic").fill("Why libraries")
    # Four written, one forgotten: one submit says which, and keeps what was typed.
    for n in range(4):
        page.get_by_label(f"Text of Q{n + 1}", exact=True).fill(QUESTIONS[n])
    page.get_by_role("button", name="Schedule the chat").click()
    expect(page.locator("#error-summary")).to_contain_text("One thing needs fixing")
    expect(page.locator(".plan-row", has_text="Write Q5")).to_be_visible()
    assert question_texts(page)[1:6] == [*QUESTIONS[:4], ""]
    page.get_by_label("Text of Q5", exact=True).fill(QUESTIONS[4])

    # Keyboard: Q2 moves up into Q1's place; the times stay in their slots.
    page.get_by_role("button", name="Move up Q2").click()
    expect(page.get_by_label("Text of Q1", exact=True)).to_have_value(QUESTIONS[1])
    expect(page.get_by_role("button", name="Move up Q1")).to_be_focused()
    page.get_by_role("button", name="Move down Q1").press("Enter")
    expect(page.get_by_label("Text of Q1", exact=True)).to_have_value(QUESTIONS[0])
    # Drag: Q5's handle dropped on Q4 puts it first of the two; then back.
    rows = page.locator(".plan-row[data-movable]")
    q5 = rows.filter(has=page.get_by_label("Text of Q5", exact=True))
    q5.locator(".drag-handle").drag_to(rows.nth(4), target_position={"x": 20, "y": 5})
    expect(page.get_by_label("Text of Q4", exact=True)).to_have_value(QUESTIONS[4])
    expect(page.get_by_label("Text of Q5", exact=True)).to_have_value(QUESTIONS[3])
    page.get_by_role("button", name="Move down Q4").click()
    assert question_texts(page)[1:6] == QUESTIONS
    offsets = page.locator(".plan-row input[type=number]").evaluate_all(
        "(nodes) => nodes.map((n) => n.value)"
    )
    assert offsets == ["0", "5", "15", "25", "35", "45", "55"]
    screenshot(page, "host-event-desktop", full_page=True)
    page.get_by_role("button", name="Schedule the chat").click()

    # Page 4: the event, scheduled, with its five questions.
    expect(page.get_by_role("heading", level=1)).to_have_text("Why libraries")
    expect(page.locator(".state")).to_have_text("Scheduled")
    expect(page.get_by_role("status")).to_contain_text("with 5 questions: scheduled for")
    visited = list(dict.fromkeys(pages[start:]))
    assert len(visited) <= 4, visited
    assert re.fullmatch(rf"/chats/{tag}/events/\d+/", visited[-1]), visited
    screenshot(page, "host-scheduled-desktop")

    # Saving the event again (a new topic) keeps every question.
    page.get_by_role("link", name="Edit event and questions").click()
    assert question_texts(page)[1:6] == QUESTIONS
    page.get_by_label("Topic").fill("Why libraries matter")
    page.get_by_role("button", name="Save the event and its questions").click()
    expect(page.get_by_role("status")).to_contain_text("with 5 questions")
    assert question_texts(page)[1:6] == QUESTIONS
    screenshot(page, "host-edit-desktop", full_page=True)

    # Leaving with unsaved changes asks first (the page cancels "beforeunload").
    leaving = (
        "() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; }"
    )
    assert page.evaluate(leaving) is False
    page.get_by_label("Text of Q3", exact=True).fill("Changed and not saved")
    assert page.evaluate(leaving) is True

    # The same pages on a phone.
    phone = new_context(PHONE, timezone_id=ZONE).new_page()
    phone.goto("/signup/?next=/chats/new/")
    screenshot(phone, "host-signup-phone", full_page=True)
    log_in(phone, username, next_url="/chats/new/")
    expect(phone.locator("#recurrence-preview tbody tr")).to_have_count(5)
    expect(phone.locator("#recurrence-preview tbody tr").first).to_contain_text("HKT")
    screenshot(phone, "host-series-phone", full_page=True)
    phone.goto(f"/chats/{tag}/events/new/?first=1")
    expect(phone.locator(".plan-row").first).to_be_visible()
    screenshot(phone, "host-event-phone", full_page=True)
    phone.goto(f"/chats/{tag}/")
    phone.get_by_role("link", name="Why libraries matter").first.click()
    expect(phone.locator(".state")).to_have_text("Scheduled")
    screenshot(phone, "host-scheduled-phone")
    phone.get_by_role("link", name="Edit event and questions").click()
    expect(phone.get_by_label("Text of Q1", exact=True)).to_have_value(QUESTIONS[0])
    screenshot(phone, "host-edit-phone", full_page=True)
