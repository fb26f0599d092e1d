"""Question plans: the welcome, the numbered questions and the closing post of an
event, each with an offset in minutes after the start, and the text each is
posted as."""

import re
from typing import Any

from django.conf import settings

from core.errors import InvalidInput
from core.hashtags import tag_key
from posts import parsing

KINDS = ("welcome", "question", "closing")

DEFAULT_PLAN: list[dict[str, Any]] = [
    {
        "kind": "welcome",
        "text": "Welcome! Introduce yourself and say where you are joining from.",
        "offset": 0,
    },
    {"kind": "question", "text": "", "offset": 5},
    {"kind": "question", "text": "", "offset": 15},
    {"kind": "question", "text": "", "offset": 25},
    {"kind": "question", "text": "", "offset": 35},
    {"kind": "question", "text": "", "offset": 45},
    {
        "kind": "closing",
        "text": "Thank you all for joining! The conversation goes on: keep using the hashtag.",
        "offset": 55,
    },
]


PLACEHOLDER = re.compile(r"^\s*Question\s+\d+\s*$", re.IGNORECASE)


def is_placeholder(kind: str, text: str) -> bool:
    """A question still reading "Question 3" (the standard plan's stand-in), or empty."""
    return kind == "question" and (not (text or "").strip() or bool(PLACEHOLDER.match(text)))


def placeholder_labels(items: list) -> list[str]:
    """The labels ("Q2", "Q4") of the plan's questions that are still placeholders,
    numbered in time order as they would be posted."""
    labels = []
    number = 0
    for item in sorted(items, key=lambda i: int(i.get("offset", i.get("offset_minutes", 0)))):
        if item.get("kind", "question") != "question":
            continue
        number += 1
        if is_placeholder("question", str(item.get("text") or "")):
            labels.append(f"Q{number}")
    return labels


def listed(labels: list[str]) -> str:
    """ "Q1", "Q1 and Q2", "Q1, Q2 and Q3"."""
    return ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1]


def placeholder_message(labels: list[str]) -> str:
    verb = "are" if len(labels) > 1 else "is"
    return (
        f"{listed(labels)} {verb} still a placeholder (“Question N”): write "
        f"{'them' if len(labels) > 1 else 'it'}, remove {'them' if len(labels) > 1 else 'it'}, "
        "or keep the event as a draft. A placeholder is never posted."
    )


def default_plan(series_plan: list | None) -> list[dict[str, Any]]:
    """The series' plan, or the standard one (questions numbered as placeholders)."""
    if series_plan:
        return [dict(item) for item in series_plan]
    plan = []
    number = 0
    for item in DEFAULT_PLAN:
        item = dict(item)
        if item["kind"] == "question":
            number += 1
            item["text"] = f"Question {number}"
        plan.append(item)
    return plan


def post_text(kind: str, number: int | None, text: str, hashtag: str) -> str:
    """What the organiser posts: `Q3 <text> #hashtag`, or the text and the hashtag."""
    body = text.strip()
    if kind == "question":
        body = f"Q{number} {body}"
    if tag_key(hashtag) not in [tag_key(t) for t in parsing.hashtags(body)]:
        body = f"{body} #{hashtag}"
    return body


def clean_offset(value: Any, duration_minutes: int, *, field: str = "offset") -> int:
    try:
        offset = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("An offset is a whole number of minutes.", field=field)
    if offset < 0 or offset >= duration_minutes:
        raise InvalidInput(
            f"An offset must be inside the chat's {duration_minutes} minutes "
            f"(0 to {duration_minutes - 1}); {offset} is not.",
            field=field,
        )
    return offset


def clean_item(
    kind: Any, text: Any, offset: Any, duration_minutes: int, hashtag: str
) -> tuple[str, str, int]:
    """A checked (kind, text, offset) or InvalidInput."""
    if kind not in KINDS:
        raise InvalidInput("A question's kind is welcome, question or closing.", field="kind")
    text = str(text or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput("A question needs its text.", field="text")
    if len(text) > 400:
        raise InvalidInput("A question can have at most 400 characters.", field="text")
    limit = int(str(settings.HASHCHAT["MAX_POST_CHARS"]))
    if len(post_text(kind, 99, text, hashtag)) > limit:
        raise InvalidInput(
            f"With its number and the hashtag the post would be over {limit} characters.",
            field="text",
        )
    return kind, text, clean_offset(offset, duration_minutes)


def clean_plan(items: Any, duration_minutes: int, hashtag: str) -> list[dict[str, Any]]:
    """A checked plan: a list of {"kind", "text", "offset"} in time order."""
    if not isinstance(items, list):
        raise InvalidInput("A question plan is a list of questions.", field="questions")
    if len(items) > 50:
        raise InvalidInput("An event can have at most 50 timed posts.", field="questions")
    plan: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidInput("Each question is an object with kind, text and offset.")
        try:
            kind, text, offset = clean_item(
                item.get("kind", "question"),
                item.get("text"),
                item.get("offset", item.get("offset_minutes")),
                duration_minutes,
                hashtag,
            )
        except InvalidInput as e:
            raise InvalidInput(f"Question {index + 1}: {e.message}", field="questions")
        plan.append({"kind": kind, "text": text, "offset": offset})
    plan.sort(key=lambda item: int(item["offset"]))
    return plan


def plan_from_text(welcome: str, questions: str, closing: str, duration_minutes: int) -> list:
    """A plan from a welcome, questions one per line and a closing post: the welcome
    at 0, the questions evenly from minute 5, the closing post 5 minutes before the
    end (the standard hour: 0, 5, 15, 25, 35, 45, 55)."""
    lines = [line.strip() for line in (questions or "").splitlines() if line.strip()]
    plan: list[dict[str, Any]] = []
    if welcome.strip():
        plan.append({"kind": "welcome", "text": welcome.strip(), "offset": 0})
    if lines:
        step = max(1, (duration_minutes - 10) // len(lines))
        for index, text in enumerate(lines):
            plan.append({"kind": "question", "text": text, "offset": 5 + index * step})
    if closing.strip():
        plan.append(
            {"kind": "closing", "text": closing.strip(), "offset": max(0, duration_minutes - 5)}
        )
    return plan


def text_from_plan(plan: list) -> dict[str, str]:
    """The welcome, question lines and closing text of a plan (for the series form)."""

    def texts(kind: str) -> list[str]:
        return [str(item.get("text", "")) for item in plan if item.get("kind") == kind]

    return {
        "welcome_text": "\n".join(texts("welcome")),
        "questions_text": "\n".join(texts("question")),
        "closing_text": "\n".join(texts("closing")),
    }
