"""Splitting a transcript page into parts, so a 100,000-post chat never arrives
as one page: each part holds about PART_SIZE posts, cut between threads. The
first part carries the statistics; later parts load with ?part=N (a link that
works without JavaScript, and transcript.js fetches them as the reader nears
the end of the page)."""

from dataclasses import dataclass, field

from transcripts.building import Built, Group, Item

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


def page_parts(built: Built, *, public: bool) -> list[list[Block]]:
    parts: list[list[Block]] = [[]]
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
            entry = Entry(item, depth, heading)
            if depth == 0 and not heading and item.id in rank:
                entry.movable = True
                entry.first = rank[item.id] == 0
                entry.last = rank[item.id] == last
            block.entries.append(entry)
            size += 1
    return parts


def part_of(parts: list[list[Block]]) -> dict[int, int]:
    """Post id -> the part (from 1) it is shown in."""
    where: dict[int, int] = {}
    for number, blocks in enumerate(parts, start=1):
        for block in blocks:
            for entry in block.entries:
                where[entry.item.id] = number
    return where
