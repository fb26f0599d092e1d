"""What building a transcript hands back (transcripts.building.build): its contents,
Items in question Groups, the reposts counted, and the ways to walk them for
pages and for exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from chats.models import Event, Question, Series
from transcripts.models import Transcript


@dataclass(slots=True, eq=False)
class Item:
    """One post of the transcript."""

    id: int
    author_id: int
    handle: str
    name: str
    location: str
    # The author asked to be left out of transcripts: shown as withheld, never exported.
    withheld: bool
    is_host: bool
    text: str
    html: str
    created_at: datetime
    edited_at: datetime | None
    in_reply_to_id: int | None
    thread_root_id: int | None
    like_count: int
    repost_count: int
    reply_count: int
    group: str = ""
    # A post from another server (federation): its page there.
    original_url: str = ""
    # Its content warning: the text is folded under it, as in the room.
    spoiler_text: str = ""
    # The nearest ancestor that is in the transcript (None: top of its thread).
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)
    # Curation: hidden by a host (omitted: it or an ancestor in its thread is hidden).
    hidden: bool = False
    omitted: bool = False
    highlighted: bool = False
    # Reposts of it inside the window (counted, not shown).
    reposts: int = 0
    # The question it answers, when it heads a group (the question post itself).
    heading_of: str = ""

    @property
    def is_reply(self) -> bool:
        return self.in_reply_to_id is not None


@dataclass(slots=True)
class Repost:
    id: int
    author_id: int
    handle: str
    location: str
    withheld: bool
    created_at: datetime
    target_id: int


@dataclass
class Group:
    key: str
    label: str
    title: str
    question: Question | None
    heading: Item | None
    items: list[Item] = field(default_factory=list)
    note: str = ""

    def shown(self) -> list[Item]:
        """The posts under the heading as the public page shows them: replies
        included, the question itself and hidden posts (with their replies) not."""
        found: list[Item] = []
        stack = list(reversed(self.items))
        while stack:
            item = stack.pop()
            if item.omitted:
                continue
            found.append(item)
            stack.extend(reversed(item.children))
        return found

    @property
    def post_count(self) -> int:
        """How many posts the group holds: the same figure on the page and in the
        statistics."""
        return len(self.shown())


@dataclass
class Built:
    event: Event
    series: Series
    transcript: Transcript
    questions: list[Question]
    groups: list[Group]
    items: dict[int, Item]
    reposts: list[Repost]
    host_ids: set[int]
    frozen: bool

    def group(self, key: str) -> Group | None:
        return next((g for g in self.groups if g.key == key), None)

    def walk(self, group: Group, *, public: bool = True) -> Iterator[tuple[Item, int]]:
        """The group's posts in reading order with their depth, heading first.
        public: leave out hidden posts (and their replies)."""
        if group.heading is not None and not (public and group.heading.hidden):
            yield group.heading, 0
        stack = [(item, 0) for item in reversed(group.items)]
        while stack:
            item, depth = stack.pop()
            if public and item.omitted:
                continue
            yield item, depth
            stack.extend((child, depth + 1) for child in reversed(item.children))

    def exported(self, group: Group) -> Iterator[tuple[Item, int, int | None]]:
        """What exports contain: no hidden and no withheld posts. Yields (item, depth,
        parent id as exported); a withheld post's replies take its place."""
        heading = group.heading
        top: int | None = None
        if heading is not None and not heading.hidden and not heading.withheld:
            top = heading.id
            yield heading, 0, None
        stack: list[tuple[Item, int, int | None]] = [
            (i, 0, top if i.parent is heading and heading is not None else None)
            for i in reversed(group.items)
        ]
        while stack:
            item, depth, parent_id = stack.pop()
            if item.omitted:
                continue
            if item.withheld:
                stack.extend((c, depth, parent_id) for c in reversed(item.children))
                continue
            yield item, depth, parent_id
            stack.extend((c, depth + 1, item.id) for c in reversed(item.children))
