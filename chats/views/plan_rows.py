"""The question rows of the host's event form: read from the event or a plan, read
back from the submitted form (q-0-kind, q-0-text, q-0-offset, q-0-id, ...), and
checked all at once so every mistake shows beside its own field.

A row with `slot` set is part of the plan; the one blank row the page offers
without JavaScript (no slot) counts only when something was typed into it. An
empty question is a placeholder: a draft keeps it as "Question N", a scheduled
event may not have one.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from chats import plans
from chats.models import Event
from chats.plans import KINDS
from core.errors import InvalidInput

MAX_ROWS = 50
KIND_LABELS = {"welcome": "Welcome", "question": "Question", "closing": "Closing"}


@dataclass
class Row:
    kind: str = "question"
    text: str = ""
    offset: str = ""
    id: str = ""
    slot: bool = True
    posted: str = ""  # what the page says of a question already posted
    label: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


def _labelled(rows: list[Row]) -> list[Row]:
    number = 0
    for row in rows:
        if row.kind == "question":
            number += 1
            row.label = f"Q{number}"
        else:
            row.label = KIND_LABELS.get(row.kind, row.kind.title())
    return rows


def shown_text(kind: str, text: str) -> str:
    """A placeholder is shown as an empty box (its "Question N" as the hint)."""
    return "" if plans.is_placeholder(kind, text) else text


def rows_from_plan(plan: list[dict[str, Any]]) -> list[Row]:
    ordered = sorted(plan, key=lambda item: int(item.get("offset", 0)))
    return _labelled(
        [
            Row(
                kind=str(item["kind"]),
                text=shown_text(item["kind"], str(item["text"])),
                offset=str(item["offset"]),
            )
            for item in ordered
        ]
    )


def rows_from_event(event: Event) -> list[Row]:
    rows = []
    for q in event.questions.all():
        posted = ""
        if q.claimed_at is not None:
            posted = "Posted" if q.post_id else f"Not posted: {q.skipped_reason}"
        rows.append(
            Row(
                kind=q.kind,
                text=q.text if posted else shown_text(q.kind, q.text),
                offset=str(q.offset_minutes),
                id=str(q.pk),
                posted=posted,
            )
        )
    return _labelled(rows)


def rows_from_post(data: QueryDict) -> list[Row]:
    try:
        total = min(int(data.get("q-total", "0")), MAX_ROWS + 1)
    except ValueError:
        total = 0
    rows = []
    for n in range(max(total, 0)):
        prefix = f"q-{n}-"
        if prefix + "kind" not in data or data.get(prefix + "remove"):
            continue
        row = Row(
            kind=data.get(prefix + "kind", "question"),
            text=data.get(prefix + "text", "").replace("\r\n", "\n").strip(),
            offset=data.get(prefix + "offset", "").strip(),
            id=data.get(prefix + "id", "").strip(),
            slot=bool(data.get(prefix + "slot")),
        )
        if not row.slot and not row.id and row.is_blank:
            continue  # the optional blank row, left empty
        rows.append(row)
    return rows


def check_rows(
    rows: list[Row],
    *,
    duration: int,
    hashtag: str,
    draft: bool,
    posted_ids: frozenset[str] | set[str] = frozenset(),
) -> tuple[list[dict[str, Any]], bool]:
    """(the plan for the actions, whether it is free of errors). Errors are put on
    each row (row.errors[field]); the rows are labelled in time order."""
    ok = True
    if len(rows) > MAX_ROWS:
        rows[MAX_ROWS].errors["text"] = f"An event can have at most {MAX_ROWS} timed posts."
        ok = False
    try:
        rows.sort(key=lambda row: int(row.offset))
    except ValueError:
        pass  # the bad offset is reported below; keep the order as given
    _labelled(rows)
    items: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {"kind": row.kind, "text": row.text, "offset": row.offset}
        if row.id:
            item["id"] = row.id
        if row.id in posted_ids:
            items.append(item)
            continue
        if row.kind not in KINDS:
            row.errors["kind"] = "Choose welcome, question or closing."
            ok = False
        if row.kind == "question" and row.is_blank:
            if not draft:
                row.errors["text"] = (
                    f"Write {row.label} (or remove it, or keep the event as a draft): "
                    "a placeholder is never posted."
                )
                ok = False
            item["text"] = f"Question {row.label[1:]}"
        elif row.kind == "question" and plans.is_placeholder(row.kind, row.text) and not draft:
            row.errors["text"] = f"{row.label} still reads “{row.text}”: write the real question."
            ok = False
        for name, value in (("text", item["text"]), ("offset", row.offset)):
            if name in row.errors:
                continue
            try:
                if name == "text":
                    plans.clean_item(row.kind, value, 0, duration, hashtag)
                else:
                    plans.clean_offset(value, duration)
            except InvalidInput as e:
                if e.field == name or (name == "text" and e.field in ("text", "kind")):
                    row.errors[name] = e.message
                    ok = False
        items.append(item)
    return items, ok
