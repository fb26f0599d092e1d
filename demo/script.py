"""The demo hour as a list of steps: who posts, replies, likes or reposts what, and
when (minutes after the start). Built from a seeded random generator, so the same
seed always gives the same hour; the player and the seeder carry the steps out
through the actions layer.

The pace is uneven on purpose, as in a real chat: introductions after the welcome,
a burst of answers after each question that tails off, replies and likes trailing
the posts they answer, a few late joiners, thanks after the closing post.
"""

import random
from dataclasses import dataclass

from demo import topics
from demo.cast import Person

# The timed posts: (kind, question number, minutes after the start).
TIMED = [
    ("welcome", None, 0),
    ("question", 1, 5),
    ("question", 2, 15),
    ("question", 3, 25),
    ("question", 4, 35),
    ("question", 5, 45),
    ("closing", None, 55),
]
HOUR = 60.0


@dataclass
class Step:
    # Minutes after the event's start (negative: before it).
    at: float
    # "timed" (a welcome, question or closing post), "post", "like" or "repost".
    kind: str
    # The handle of the profile that acts (the organiser's for timed posts).
    actor: str = ""
    text: str = ""
    # The key of the post this one replies to, likes or reposts (see `key`).
    target: str | None = None
    # Posts are known by key: "t<position>" for timed posts, "s<index>" for the rest.
    key: str = ""
    # For timed steps: the position of the question in the event's plan.
    position: int | None = None


def plan(topic: topics.Topic) -> list[dict]:
    """The event's question plan (chats.plans format) for `topic`."""
    items = []
    for kind, number, offset in TIMED:
        if kind == "welcome":
            text = topics.WELCOME.format(topic=topic.title)
        elif kind == "closing":
            text = topics.CLOSING
        else:
            assert number is not None
            text = topic.questions[number - 1]
        items.append({"kind": kind, "text": text, "offset": offset})
    return items


class _Builder:
    def __init__(self, rng: random.Random, hashtag: str, host: str, cohost: str) -> None:
        self.rng = rng
        self.tag = f"#{hashtag}"
        self.host = host
        self.cohost = cohost
        self.steps: list[Step] = []
        # key -> (author handle, minutes)
        self.posts: dict[str, tuple[str, float]] = {}
        self.reactions: set[tuple[str, str, str]] = set()

    def timed(self, position: int, at: float, organiser: str) -> str:
        key = f"t{position}"
        self.steps.append(Step(at=at, kind="timed", actor=organiser, key=key, position=position))
        self.posts[key] = (organiser, at)
        return key

    def post(self, at: float, actor: str, text: str, reply_to: str | None = None) -> str:
        key = f"s{len(self.steps)}"
        self.steps.append(
            Step(at=at, kind="post", actor=actor, text=text, target=reply_to, key=key)
        )
        self.posts[key] = (actor, at)
        return key

    def react(self, kind: str, at: float, actor: str, target: str) -> None:
        author, posted = self.posts[target]
        if actor == author or (kind, actor, target) in self.reactions:
            return
        self.reactions.add((kind, actor, target))
        # A reaction always comes after what it reacts to.
        at = max(at, posted + 0.05)
        key = f"s{len(self.steps)}" if kind == "repost" else ""
        self.steps.append(Step(at=at, kind=kind, actor=actor, target=target, key=key))
        if kind == "repost":
            self.posts[key] = (actor, at)


def _answer_text(rng: random.Random, topic: topics.Topic, number: int, tag: str) -> str:
    opening = rng.choice(topic.answers[number - 1])
    detail = rng.choice(topic.details[number - 1])
    prefix = rng.choices(
        [f"A{number}", f"A{number}:", f"a{number}", f"A{number} -", f"A{number}."],
        weights=[6, 4, 2, 1, 1],
    )[0]
    # "..., and feel they can come back." or "... . Every single time."
    joiner = ", " if detail[:1].islower() else ". "
    text = f"{prefix} {opening}{joiner}{detail}"
    if rng.random() < 0.97:
        text = f"{text} {tag}"
    return text


def _intro_text(rng: random.Random, person: Person, tag: str, hour_hint: str) -> str:
    role = person.bio.split(" in ")[0].split(".")[0].lower() if person.bio else "library person"
    if len(role) > 40 or role.startswith("i work"):
        role = "library person"
    return rng.choice(topics.INTRODUCTIONS).format(
        name=person.display_name.split(" ")[0],
        role=role,
        role_cap=role[:1].upper() + role[1:],
        city=person.city,
        tag=tag,
        part_of_day=hour_hint,
    )


def _part_of_day(rng: random.Random) -> str:
    return rng.choice(["early", "late", "lunchtime", "the middle of the night"])


def build(
    *,
    seed: int,
    topic: topics.Topic,
    cast: list[Person],
    hashtag: str,
    organiser: str,
    host: str,
    cohost: str,
    participants: int = 110,
    answers_per_question: tuple[int, int] = (34, 44),
    pre_chat: bool = False,
) -> list[Step]:
    """The hour's steps, sorted by time. `participants` of the cast take part."""
    rng = random.Random(f"script-{seed}-{topic.title}")
    b = _Builder(rng, hashtag, host, cohost)
    hosts = [host, cohost]

    # Who takes part tonight: chatty people more likely, a weighted sample.
    pool = list(cast)
    active: list[Person] = []
    while pool and len(active) < min(participants, len(cast)):
        person = rng.choices(pool, weights=[p.weight for p in pool])[0]
        pool.remove(person)
        active.append(person)
    weights = [p.weight for p in active]

    def someone(exclude: str | None = None) -> Person:
        while True:
            person = rng.choices(active, weights=weights)[0]
            if person.handle != exclude:
                return person

    def voice(person: Person) -> str:
        """Mostly their own profile; now and then an organisation they run."""
        if person.organisations and rng.random() < 0.15:
            return rng.choice(person.organisations)
        return person.handle

    if pre_chat:
        for i, text in enumerate(topics.PRE_CHAT):
            b.post(-0.9 + i * 0.25, someone().handle, text)

    timed = {}
    for position, (kind, number, offset) in enumerate(TIMED):
        timed[(kind, number)] = b.timed(position, float(offset), organiser)
    welcome = timed[("welcome", None)]
    for _ in range(rng.randint(8, 14)):
        b.react("like", rng.uniform(0.1, 3), someone().handle, welcome)

    # Introductions, mostly in the first five minutes; a few late joiners.
    intro_people = rng.sample(active, k=min(len(active), rng.randint(30, 36)))
    for person in intro_people:
        late = rng.random() < 0.15
        at = rng.uniform(6, 40) if late else min(4.9, 0.15 + rng.gammavariate(2.0, 0.8))
        text = _intro_text(rng, person, b.tag, _part_of_day(rng))
        if late:
            text = "Sorry I'm late! " + text
        key = b.post(at, person.handle, text)
        if rng.random() < 0.3:
            greeter = rng.choice(hosts)
            b.post(
                at + rng.uniform(0.2, 1.5),
                greeter,
                rng.choice(topics.HOST_WELCOMES).format(handle=person.handle),
                reply_to=key,
            )
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            b.react("like", at + rng.expovariate(1.5), someone(person.handle).handle, key)

    for kind, number, offset in TIMED:
        if kind != "question":
            continue
        assert number is not None
        question = timed[(kind, number)]
        for _ in range(rng.randint(10, 20)):
            b.react("like", offset + rng.expovariate(0.8), someone().handle, question)
        for _ in range(rng.randint(1, 4)):
            b.react("repost", offset + rng.uniform(0.1, 2), someone().handle, question)
        answerers = rng.sample(active, k=min(len(active), rng.randint(*answers_per_question)))
        answers = []
        for person in answerers:
            # A burst right after the question, tailing off; a few very late ones.
            at = offset + 0.2 + min(rng.gammavariate(1.6, 1.7), 9.5)
            if rng.random() < 0.05:
                at = offset + rng.uniform(10, 18)
            author = voice(person)
            key = b.post(at, author, _answer_text(rng, topic, number, b.tag))
            answers.append((key, author, person, at))
            likes = rng.choices([0, 1, 2, 3, 5, 8], weights=[3, 5, 4, 3, 2, 1])[0]
            for _ in range(likes):
                b.react("like", at + rng.expovariate(0.7), someone(author).handle, key)
            if rng.random() < 0.08:
                b.react("repost", at + rng.uniform(0.3, 4), someone(author).handle, key)
            if rng.random() < 0.35:
                replier = someone(person.handle)
                reply_at = at + rng.uniform(0.3, 3)
                text = rng.choice(topics.REPLIES).format(handle=author, city=replier.city)
                if rng.random() < 0.4:
                    text = f"{text} {b.tag}"
                reply = b.post(reply_at, replier.handle, text, reply_to=key)
                if rng.random() < 0.4:
                    b.react("like", reply_at + rng.expovariate(1.0), author, reply)
                if rng.random() < 0.3:
                    back = rng.choice(topics.REPLIES_BACK).format(handle=replier.handle)
                    b.post(reply_at + rng.uniform(0.3, 2), author, back, reply_to=reply)
        # The hosts follow up on a few answers.
        for key, author, _person, at in rng.sample(answers, k=min(3, len(answers))):
            text = f"@{author} {rng.choice(topic.follow_ups[number - 1])}"
            b.post(at + rng.uniform(0.5, 2.5), rng.choice(hosts), text, reply_to=key)

    closing = timed[("closing", None)]
    for _ in range(rng.randint(10, 18)):
        b.react("like", 55 + rng.expovariate(0.8), someone().handle, closing)
    for person in rng.sample(active, k=min(len(active), rng.randint(12, 16))):
        text = rng.choice(topics.THANKS).format(tag=b.tag, host=host)
        b.post(55 + rng.uniform(0.2, 4.8), person.handle, text)

    for step in b.steps:
        step.at = round(min(step.at, HOUR - 0.01), 3)
    return sorted(b.steps, key=lambda s: s.at)
