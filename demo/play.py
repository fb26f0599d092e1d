"""Carry out the demo's steps through the actions layer, at their times.

The same player seeds the past event (the clock is moved to each step's time,
nothing waits) and plays the live one (it sleeps until each step's compressed
time). Timed posts go through the chat scheduler, so they are claimed exactly
once whoever gets there first: the demo or the worker.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Profile, User
from chats import scheduler
from chats.models import Event, Question
from core.errors import ActionError
from demo.script import Step
from posts import actions as post_actions
from posts.models import Post

logger = logging.getLogger("demo")

WORKER_ID = "demo"


@dataclass
class Tally:
    posts: int = 0
    likes: int = 0
    reposts: int = 0
    questions: int = 0
    refused: int = 0
    reasons: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.questions} timed posts, {self.posts} posts, {self.reposts} reposts, "
            f"{self.likes} likes"
        )
        if self.refused:
            text += f" ({self.refused} refused)"
        return text


def load_actors(handles: set[str]) -> dict[str, tuple[User, Profile]]:
    """handle -> (a login that may act as it, the profile), owners first."""
    actors: dict[str, tuple[User, Profile]] = {}
    rows = (
        Membership.objects.filter(profile__handle__in=handles)
        .select_related("user", "profile")
        .order_by("role")  # "manager" < "owner": owners overwrite managers
    )
    for row in rows:
        actors[row.profile.handle] = (row.user, row.profile)
    return actors


def post_timed_now(question: Question) -> Post | None:
    """Post `question` now (live play), unless the worker already has."""
    scheduler.post_question(question, now=timezone.now(), worker=WORKER_ID)
    question.refresh_from_db()
    return question.post


def post_due_now(question: Question) -> Post | None:
    """Let the scheduler post whatever is due at this moment (seeding the past)."""
    scheduler.run_due(now=timezone.now(), worker=WORKER_ID)
    question.refresh_from_db()
    return question.post


class Player:
    def __init__(
        self,
        event: Event,
        steps: list[Step],
        *,
        wait_until: Callable[[datetime], object],
        post_timed: Callable[[Question], Post | None],
        speed: float = 1.0,
        on_step: Callable[[Step], object] | None = None,
    ) -> None:
        self.event = event
        self.steps = steps
        self.wait_until = wait_until
        self.post_timed = post_timed
        self.speed = speed
        self.on_step = on_step
        self.posts: dict[str, Post] = {}
        self.tally = Tally()
        handles = {s.actor for s in steps if s.kind != "timed"}
        self.actors = load_actors(handles)
        self.questions = {q.position: q for q in event.questions.all()}

    def time_of(self, step: Step) -> datetime:
        return self.event.starts_at + timedelta(seconds=step.at * 60 / self.speed)

    def run(self) -> Tally:
        for step in self.steps:
            self.wait_until(self.time_of(step))
            self.do(step)
            if self.on_step is not None:
                self.on_step(step)
        return self.tally

    def do(self, step: Step) -> None:
        try:
            if step.kind == "timed":
                assert step.position is not None
                question = self.questions[step.position]
                question.event = self.event
                post = self.post_timed(question)
                if post is not None:
                    self.posts[step.key] = post
                    self.tally.questions += 1
                return
            user, profile = self.actors[step.actor]
            target = self.posts.get(step.target) if step.target else None
            if step.target and target is None:
                return  # what it answers was refused or hidden: skip it quietly
            with transaction.atomic():
                if step.kind == "post":
                    self.posts[step.key] = post_actions.create_post(
                        user=user, profile=profile, text=step.text, in_reply_to=target
                    )
                    self.tally.posts += 1
                elif step.kind == "like":
                    assert target is not None
                    post_actions.like(user=user, profile=profile, post=target)
                    self.tally.likes += 1
                elif step.kind == "repost":
                    assert target is not None
                    self.posts[step.key] = post_actions.repost(
                        user=user, profile=profile, post=target
                    )
                    self.tally.reposts += 1
        except ActionError as e:
            # A host may have hidden the post meanwhile, or a limit said no: go on.
            self.tally.refused += 1
            if len(self.tally.reasons) < 5:
                self.tally.reasons.append(f"{step.kind} by @{step.actor}: {e}")
            logger.info("demo step refused: %s by @%s: %s", step.kind, step.actor, e)
