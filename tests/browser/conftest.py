"""Fixtures for the browser tests: one real hashchat server for the run, Debian's
Chromium driven by Playwright's sync API, a fresh browser context per person, and
helpers to sign up and log in through the pages and to save screenshots.

These tests run in their own pytest run (`pytest -p no:asyncio tests/browser`) so
Playwright's event loop never meets the async tests' loop.
"""

import itertools
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.server import ROOT, Server, running_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"
FAILURES = ROOT / "test-results"
PHONE: Any = {"width": 390, "height": 844}
DESKTOP: Any = {"width": 1280, "height": 800}
PASSWORD = "a-long-browser-password-1"

expect.set_options(timeout=10_000)
_names = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{os.getpid() % 1000}x{next(_names)}"


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    with running_server() as s:
        yield s


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `python -m tests.browser.ensure_chromium`.")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def new_context(
    browser: Browser, server: Server, request
) -> Iterator[Callable[..., BrowserContext]]:
    """new_context(viewport=PHONE) -> a fresh context (its own cookies: one person)."""
    contexts: list[BrowserContext] = []

    def make(viewport: Any = None, **kwargs) -> BrowserContext:
        context = browser.new_context(
            base_url=server.url, viewport=viewport or DESKTOP, accept_downloads=True, **kwargs
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    failed = getattr(request.node, "rep_call", None)
    for n, context in enumerate(contexts):
        if failed is not None and failed.failed:
            FAILURES.mkdir(exist_ok=True)
            for m, page in enumerate(context.pages):
                page.screenshot(path=FAILURES / f"{request.node.name}-{n}-{m}.png", full_page=True)
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


def sign_up(page: Page, username: str | None = None, password: str = PASSWORD) -> str:
    """Sign up through the page; returns the username (also the handle)."""
    username = username or unique("user")
    page.goto("/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail").fill(f"{username}@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text(f"Welcome to hashchat, @{username}")).to_be_visible()
    return username


def log_in(page: Page, username: str, password: str = PASSWORD, next_url: str = "/") -> None:
    page.goto(f"/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save a PNG into docs/screenshots/ (the folder the README shows)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page, animations="disabled")
    return path


def shell(server: Server, code: str) -> str:
    """Run Python in `hashchat manage shell` against the server's data; its stdout."""
    try:
        return server.hashchat("manage", "shell", "-c", code).stdout
    except subprocess.CalledProcessError as e:
        raise AssertionError(f"manage shell failed:\n{e.stdout}\n{e.stderr}") from e
