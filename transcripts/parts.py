"""Splitting a transcript page into parts, so a 100,000-post chat never arrives
as one page: each part holds about PART_SIZE posts, cut between threads. The
first part carries the statistics; later parts load with ?part=N (a link that
works without JavaScript, and transcript.js fetches them as the reader nears
the end of the page)."""

from dataclasses import dataclass, field

from transcripts.contents import Built, Group, Item

PART_SIZE = 250
MAX_DEPTH = 8


@dataclass
class Entry:
    item: Item
    depth: int
    is_heading: bool
    # A thread's first post (can be moved within its group), and where it stands.
    movable: bool = False
    first: bool = False
    last: bool = False

    @property
    def indent(self) -> int:
        return min(self.depth, MAX_DEPTH)


@dataclass
class Block:
    group: Group
    # True where the group starts (its heading and note are shown).
    start: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Page:
    blocks: list[Block]
    # How many parts there are, and post id -> the part (from 1) it is shown in.
    parts: int
    where: dict[int, int]


def page_part(built: Built, *, public: bool, number: int) -> Page:
    """Part `number` (from 1; past the end: the last part)."""
    number = max(number, 1)
    parts: list[list[Block]] = [[]]
    where: dict[int, int] = {}
    size = 0
    for group in built.groups:
        rank = {item.id: i for i, item in enumerate(group.items)}
        last = len(group.items) - 1
        block = Block(group, start=True)
        parts[-1].append(block)
        for item, depth in built.walk(group, public=public):
            heading = item is group.heading
            if depth == 0 and not heading and size >= PART_SIZE:
                parts.append([])
                size = 0
                block = Block(group, start=False)
                parts[-1].append(block)
            size += 1
            where[item.id] = len(parts)
            if len(parts) != number:
                continue  # only the wanted part is filled
            entry = Entry(item, depth, heading)
            if depth == 0 and not heading and item.id in rank:
                entry.movable = True
                entry.first = rank[item.id] == 0
                entry.last = rank[item.id] == last
            block.entries.append(entry)
    if number > len(parts):
        return page_part(built, public=public, number=len(parts))
    return Page(parts[number - 1], len(parts), where)
