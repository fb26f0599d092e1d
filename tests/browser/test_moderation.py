"""A site admin (made by `hashchat createuser --admin`) moderates from a phone, with
the keyboard only: resolves a report, suspends the reported profile, and finds both
in the audit log."""

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, PHONE, log_in, screenshot, shell, unique


def test_an_admin_moderates_from_a_phone_with_the_keyboard(server, new_context):
    admin, reporter, spammer = unique("admin"), unique("rep"), unique("spam")
    for name, extra in ((admin, ["--admin"]), (reporter, []), (spammer, [])):
        server.hashchat(
            "createuser",
            "--username",
            name,
            "--email",
            f"{name}@example.org",
            "--password",
            PASSWORD,
            *extra,
        )
    shell(
        server,
        "from accounts.models import User\n"
        "from mastodon_api.actions import file_report\n"
        "from posts.actions import create_post\n"
        f"s = User.objects.get(username='{spammer}'); r = User.objects.get(username='{reporter}')\n"
        "p = create_post(user=s, profile=s.personal_profile, text='cheap watches here')\n"
        "file_report(user=r, profile=r.personal_profile, target=s.personal_profile,"
        " post_ids=[p.id], comment='spam', category='spam')\n",
    )

    page = new_context(PHONE).new_page()
    log_in(page, admin)
    link = page.get_by_role("link", name="Moderation")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Open reports (1)")).to_be_visible()
    report = page.locator("article.moderation-report")
    expect(report).to_contain_text("cheap watches here")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "moderation-phone", full_page=True)

    # Resolve without a reason: the error is next to the field; then with one.
    report.get_by_label("Reason").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Say why")).to_be_visible()
    page.locator("article.moderation-report").get_by_label("Reason").fill("Spam, suspending")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Resolve")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("resolved")
    expect(page.get_by_role("heading", name="Open reports (0)")).to_be_visible()

    page.get_by_role("link", name="Profiles").click()
    page.get_by_label("Profile handle").fill(spammer)
    page.get_by_label("Suspend the profile").check()
    page.get_by_label("Reason").fill("Repeated spam")
    page.get_by_label("Reason").press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"@{spammer} is suspended")

    page.get_by_role("link", name="Audit log").click()
    entries = page.locator(".moderation-log li")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("suspended a profile")
    expect(entries.first).to_contain_text("Repeated spam")
    expect(entries.nth(1)).to_contain_text("resolved a report")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    visitor = new_context(PHONE).new_page()
    assert visitor.goto(f"/@{spammer}/").status == 404
