"""Host pages for an event's questions: add, edit, move up or down, remove (plain
forms, no JavaScript needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chats import actions
from chats.forms import EventEditForm, QuestionForm
from chats.models import Event, Question
from chats.views.common import apply_error, event_form_initial, host_event, host_page
from core.errors import ActionError


def edit_page(request, event, form, question_form=None, bad_question=None, status=200):
    questions = list(event.questions.all())
    forms = []
    for q in questions:
        if bad_question is not None and bad_question[0] == q.pk:
            forms.append((q, bad_question[1]))
        else:
            forms.append(
                (
                    q,
                    QuestionForm(
                        initial={"kind": q.kind, "text": q.text, "offset": q.offset_minutes},
                        prefix=f"q{q.pk}",
                    ),
                )
            )
    return render(
        request,
        "chats/event_edit.html",
        {
            "event": event,
            "series": event.series,
            "form": form,
            "question_forms": forms,
            "new_question": question_form or QuestionForm(initial={"offset": _next_offset(event)}),
            "now": timezone.now(),
        },
        status=status,
    )


def _next_offset(event: Event) -> int:
    last = event.questions.order_by("-offset_minutes").first()
    duration = int((event.ends_at - event.starts_at).total_seconds() // 60)
    return min(duration - 1, (last.offset_minutes + 10) if last else 0)


def _event_form(event: Event) -> EventEditForm:
    return EventEditForm(initial=event_form_initial(event))


@login_required
@require_POST
@host_page
def question_add(request, hashtag, event_id):
    event = host_event(request, hashtag, event_id)
    form = QuestionForm(request.POST)
    if _saved(request, form, "Question added.", actions.add_question, event=event):
        return redirect("chats:event-edit", event.series.hashtag, event.id)
    return edit_page(request, event, _event_form(event), question_form=form, status=422)


def _saved(request, form: QuestionForm, done: str, action, **target) -> bool:
    """Run `action` (add or update a question) with the form's kind, text and offset;
    True when it saved, else the form carries the error."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        action(
            user=request.user, **target, kind=data["kind"], text=data["text"], offset=data["offset"]
        )
    except ActionError as e:
        apply_error(form, e)
        return False
    messages.success(request, done)
    return True


def _question(event: Event, question_id: int) -> Question:
    question = event.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404("No such question.")
    return question


@login_required
@require_POST
@host_page
def question_edit(request, hashtag, event_id, question_id):
    event = host_event(request, hashtag, event_id)
    question = _question(event, question_id)
    form = QuestionForm(request.POST, prefix=f"q{question.pk}")
    if _saved(request, form, "Saved.", actions.update_question, question=question):
        return redirect("chats:event-edit", event.series.hashtag, event.id)
    return edit_page(
        request, event, _event_form(event), bad_question=(question.pk, form), status=422
    )


@login_required
@require_POST
@host_page
def question_move(request, hashtag, event_id, question_id):
    event = host_event(request, hashtag, event_id)
    question = _question(event, question_id)
    try:
        actions.move_question(
            user=request.user, question=question, direction=request.POST.get("direction", "")
        )
    except ActionError as e:
        messages.error(request, e.message)
    return redirect("chats:event-edit", event.series.hashtag, event.id)


@login_required
@require_POST
@host_page
def question_delete(request, hashtag, event_id, question_id):
    event = host_event(request, hashtag, event_id)
    question = _question(event, question_id)
    try:
        actions.delete_question(user=request.user, question=question)
        messages.success(request, "Question removed.")
    except ActionError as e:
        messages.error(request, e.message)
    return redirect("chats:event-edit", event.series.hashtag, event.id)
