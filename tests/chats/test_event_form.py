"""The host's event form: the event and all its questions on one page, saved once;
every mistake at once beside its field; no placeholder is ever scheduled."""

from datetime import timedelta

from chats import scheduler
from chats.models import Event, Question
from tests.chats.conftest import FEB_CHAT

QUESTIONS = [
    "What does good service look like?",
    "What gets in the way?",
    "Who does it best?",
    "What would you change?",
    "What will you try next?",
]


def rows(items, *, blank=True):
    """The form's question fields for [(kind, text, offset, id)...], plus the
    optional blank row the page offers without JavaScript."""
    data = {}
    for n, (kind, text, offset, qid) in enumerate(items):
        data.update(
            {
                f"q-{n}-kind": kind,
                f"q-{n}-text": text,
                f"q-{n}-offset": str(offset),
                f"q-{n}-id": str(qid or ""),
                f"q-{n}-slot": "1",
            }
        )
    n = len(items)
    if blank:
        data.update({f"q-{n}-kind": "question", f"q-{n}-text": "", f"q-{n}-offset": ""})
    data["q-total"] = str(n + 1)
    return data


def five(texts=QUESTIONS):
    return [("question", text, 5 + 10 * i, None) for i, text in enumerate(texts)]


def test_a_new_event_with_its_five_questions_is_scheduled_in_one_save(client, series, hana):
    client.force_login(hana.user)
    page = client.get("/chats/auslibchat/events/new/?first=1").content.decode()
    assert "Tue 2 Feb 2027, 19:00 HKT" in page
    assert 'placeholder="Question 3: write it here"' in page
    response = client.post(
        "/chats/auslibchat/events/new/",
        {"occurrence": FEB_CHAT.isoformat(), "topic": "Customer Service", "first": "1"}
        | rows([("welcome", "Welcome!", 0, None), *five()]),
    )
    assert response.status_code == 302, response.content.decode()
    event = Event.objects.get()
    assert response["Location"] == f"/chats/auslibchat/events/{event.id}/"
    assert event.state == Event.State.SCHEDULED and event.starts_at == FEB_CHAT
    assert [(q.label, q.text, q.offset_minutes) for q in event.questions.all()] == [
        ("Welcome", "Welcome!", 0)
    ] + [(f"Q{i + 1}", text, 5 + 10 * i) for i, text in enumerate(QUESTIONS)]


def test_empty_questions_are_placeholders_refused_unless_a_draft(client, series, hana):
    client.force_login(hana.user)
    texts = [QUESTIONS[0], "", QUESTIONS[2], "", QUESTIONS[4]]
    data = {"occurrence": FEB_CHAT.isoformat(), "topic": "Service"} | rows(five(texts))
    response = client.post("/chats/auslibchat/events/new/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "2 things need fixing" in page
    assert 'id="q-1-text-error"' in page and 'id="q-3-text-error"' in page
    assert "Write Q2" in page and "Write Q4" in page
    # What was typed stays on the page.
    assert QUESTIONS[2] in page
    assert not Event.objects.exists()
    response = client.post("/chats/auslibchat/events/new/", data | {"draft": "on"})
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.state == Event.State.DRAFT
    assert [q.text for q in event.questions.all()][1::2] == ["Question 2", "Question 4"]


def test_every_mistake_is_shown_at_once(client, series, hana):
    client.force_login(hana.user)
    data = {"occurrence": FEB_CHAT.isoformat(), "topic": ""} | rows(
        [
            ("question", "Fine", 5, None),
            ("question", "Too late", 75, None),
            ("question", "x" * 401, 15, None),
        ]
    )
    response = client.post("/chats/auslibchat/events/new/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "3 things need fixing" in page
    assert 'id="id_topic_error"' in page
    assert "inside the chat&#x27;s 60 minutes" in page
    assert "at most 400 characters" in page


def test_editing_saves_the_event_and_all_questions_together(client, event, hana):
    client.force_login(hana.user)
    base = f"/chats/auslibchat/events/{event.id}/edit/"
    page = client.get(base).content.decode()
    assert "Move up" in page and "Add a question" in page
    questions = list(event.questions.all())
    welcome, q1, q2, q3, closing = questions
    # Q3 moves to Q1's time (the host moved it up twice), Q2 is removed, one is added,
    # and the topic changes: one submit.
    data = {"topic": "Service, again", "description": "", "starts_at": "2027-02-02T19:00"} | rows(
        [
            ("welcome", welcome.text, 0, welcome.id),
            ("question", q3.text, 5, q3.id),
            ("question", "Edited first", 15, q1.id),
            ("question", "A new one", 30, None),
            ("closing", closing.text, 55, closing.id),
        ]
    )
    response = client.post(base, data)
    assert response.status_code == 302, response.content.decode()
    event.refresh_from_db()
    assert event.topic == "Service, again" and event.starts_at == FEB_CHAT
    assert [(q.label, q.text) for q in event.questions.all()] == [
        ("Welcome", welcome.text),
        ("Q1", "Who does it best?"),
        ("Q2", "Edited first"),
        ("Q3", "A new one"),
        ("Closing", closing.text),
    ]
    assert not Question.objects.filter(pk=q2.pk).exists()


def test_a_refused_save_keeps_the_event_and_its_questions_unchanged(client, event, hana):
    client.force_login(hana.user)
    before = [(q.text, q.offset_minutes) for q in event.questions.all()]
    data = {"topic": "Changed", "description": "", "starts_at": "2027-02-02T19:00"} | rows(
        [
            ("question", "Changed too", 5, event.questions.get(number=1).id),
            ("question", "", 99, None),
        ]
    )
    response = client.post(f"/chats/auslibchat/events/{event.id}/edit/", data)
    assert response.status_code == 422
    event.refresh_from_db()
    assert event.topic == "Customer Service"
    assert [(q.text, q.offset_minutes) for q in event.questions.all()] == before


def test_a_posted_question_comes_back_unchanged_whatever_the_form_says(client, clock, event, hana):
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    scheduler.run_due()
    client.force_login(hana.user)
    items = [(q.kind, q.text, q.offset_minutes, q.id) for q in event.questions.all()]
    items[1] = ("question", "Changed after posting", 5, items[1][3])
    items[2] = ("question", "Edited while live", 15, items[2][3])
    data = {"topic": "Service, live", "description": "", "starts_at": "2027-02-02T19:00"} | rows(
        items
    )
    response = client.post(f"/chats/auslibchat/events/{event.id}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    assert event.questions.get(number=1).text == "What does good service look like?"
    assert event.questions.get(number=2).text == "Edited while live"


def test_saving_the_topic_of_a_live_event_keeps_its_start(client, clock, event, hana):
    Event.objects.filter(pk=event.pk).update(
        starts_at=FEB_CHAT + timedelta(seconds=42), ends_at=FEB_CHAT + timedelta(minutes=60)
    )
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    scheduler.run_due()
    client.force_login(hana.user)
    items = [(q.kind, q.text, q.offset_minutes, q.id) for q in event.questions.all()]
    response = client.post(
        f"/chats/auslibchat/events/{event.id}/edit/",
        {"topic": "Service, live", "description": "", "starts_at": "2027-02-02T19:00"}
        | rows(items),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.topic == "Service, live"
    assert event.starts_at == FEB_CHAT + timedelta(seconds=42)


def test_the_scheduler_never_posts_a_placeholder(clock, series, hana):
    from chats import actions

    event = actions.create_event(
        user=hana.user, series=series, occurrence_start=FEB_CHAT, topic="Drafty"
    )
    assert event.state == Event.State.DRAFT  # the standard plan's stand-ins
    Event.objects.filter(pk=event.pk).update(state=Event.State.SCHEDULED)
    clock.move_to(FEB_CHAT + timedelta(minutes=20))
    scheduler.run_due()
    q1 = event.questions.get(number=1)
    assert q1.post_id is None and "placeholder" in q1.skipped_reason


def error_beside(page: str, field: str) -> str:
    assert f'id="id_{field}_error"' in page, field
    return page.split(f'id="id_{field}_error"', 1)[1].split("</ul>", 1)[0]


def test_a_start_that_has_passed_is_shown_with_the_other_mistakes(client, series, hana):
    # The start is checked as the save checks it, even while the topic and a
    # question are wrong: one submit shows all three, and nothing is saved.
    client.force_login(hana.user)
    data = {"occurrence": "", "starts_at": "2027-01-05T19:00", "topic": ""} | rows(
        [("question", "Question 1", 5, None), ("question", "Who does it best?", 15, None)]
    )
    response = client.post("/chats/auslibchat/events/new/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "3 things need fixing" in page
    assert "That time has already passed." in error_beside(page, "starts_at")
    assert "This field is required." in error_beside(page, "topic")
    assert "still reads “Question 1”" in page
    assert Event.objects.count() == 0


def test_an_occurrence_already_planned_is_shown_with_the_other_mistakes(client, event, hana):
    client.force_login(hana.user)
    data = {"occurrence": FEB_CHAT.isoformat(), "topic": "x" * 201} | rows(five())
    response = client.post("/chats/auslibchat/events/new/", data)
    assert response.status_code == 422
    page = response.content.decode()
    # The form lists only free occurrences, so the planned one is refused as a choice.
    assert "Select a valid choice" in error_beside(page, "occurrence")
    assert "at most 200 characters" in error_beside(page, "topic")
    data = {"occurrence": "", "starts_at": "2027-02-02T19:00", "topic": ""} | rows(five())
    page = client.post("/chats/auslibchat/events/new/", data).content.decode()
    assert "already planned for that occurrence" in error_beside(page, "starts_at")
    assert "This field is required." in error_beside(page, "topic")
    assert Event.objects.count() == 1


def test_editing_shows_a_start_in_the_past_with_the_other_mistakes(client, event, hana):
    client.force_login(hana.user)
    before = [(q.text, q.offset_minutes) for q in event.questions.all()]
    data = {"topic": "", "description": "", "starts_at": "2027-01-06T19:00"} | rows(
        [("question", "Question 2", 5, event.questions.get(number=1).id)]
    )
    response = client.post(f"/chats/auslibchat/events/{event.id}/edit/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "3 things need fixing" in page
    assert "That time has already passed." in error_beside(page, "starts_at")
    assert "This field is required." in error_beside(page, "topic")
    assert "still reads “Question 2”" in page
    event.refresh_from_db()
    assert event.topic == "Customer Service" and event.starts_at == FEB_CHAT
    assert [(q.text, q.offset_minutes) for q in event.questions.all()] == before
