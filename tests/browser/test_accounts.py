"""A new user signs up, creates an organisation profile and posts as it."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, sign_up, unique


def test_a_new_user_signs_up_creates_an_organisation_and_posts_as_it(page, new_context):
    sign_up(page)
    org = unique("Org")
    page.goto("/profiles/new/")
    page.get_by_label("Handle").fill(org)
    page.get_by_label("Display name").fill("Harbour Libraries")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("status")).to_contain_text(f"Created @{org}")

    page.goto("/")
    page.get_by_label("New post").fill("Hello from the branch library #browsertest")
    page.get_by_label("Post as").select_option(label=f"@{org} (Harbour Libraries)")
    page.get_by_role("button", name="Post", exact=True).click()
    post = page.locator(".post", has_text="Hello from the branch library").first
    expect(post).to_be_visible()
    expect(post.locator(".handle")).to_have_text(f"@{org}")

    post.locator("a.permalink").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    expect(page.locator(".post-body", has_text="Hello from the branch library")).to_be_visible()
    screenshot(page, "post-desktop")

    # Anyone can read it, on a phone too.
    visitor = new_context(PHONE).new_page()
    visitor.goto(page.url)
    expect(visitor.locator(".post-body", has_text="Hello from the branch library")).to_be_visible()
    screenshot(visitor, "post-phone")
