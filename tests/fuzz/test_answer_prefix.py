"""Properties of the A/Q prefix parser (chats.linking.answer_number)."""

from hypothesis import assume, example, given
from hypothesis import strategies as st

from chats.linking import answer_number
from tests.fuzz import FUZZ

NUMBER = st.integers(min_value=1, max_value=999)
LEAD = st.lists(
    st.one_of(
        st.from_regex(r"@[A-Za-z0-9_]{1,30}", fullmatch=True),
        st.from_regex(r"#[A-Za-z][A-Za-z0-9_]{0,20}", fullmatch=True),
    ),
    max_size=4,
).map(lambda words: "".join(w + " " for w in words))
SEPARATOR = st.sampled_from(["", " ", ":", ": ", ".", " -", " –", ")", ",", ";", "\n", "]"])
REST = st.text(max_size=40)


@FUZZ
@given(st.text())
@example("A")
@example("A0")
@example("A99999")
@example("@ #")
def test_it_never_fails_and_answers_a_positive_number_or_none(text):
    number = answer_number(text)
    assert number is None or 1 <= number <= 999


@FUZZ
@given(LEAD, st.sampled_from(["A", "a"]), NUMBER, SEPARATOR, REST)
@example("@NGAC #auslibchat ", "A", 3, ":", " good service")
def test_it_reads_the_number_after_leading_mentions_and_hashtags(lead, letter, n, sep, rest):
    if sep == "":
        rest = ""
    assert answer_number(f"{lead}{letter}{n}{sep}{rest}") == n


@FUZZ
@given(LEAD, NUMBER, st.from_regex(r"[A-Za-z0-9_]", fullmatch=True), REST)
def test_a_number_that_runs_into_a_word_is_not_an_answer(lead, n, letter, rest):
    assume(not (letter.isdigit() and int(f"{n}{letter}") <= 999))
    assert answer_number(f"{lead}A{n}{letter}{rest}") is None


@FUZZ
@given(st.from_regex(r"[B-Zb-z][a-z]{0,8}", fullmatch=True), NUMBER, REST)
def test_an_answer_prefix_later_in_the_post_does_not_count(word, n, rest):
    assert answer_number(f"{word} A{n} {rest}") is None


@FUZZ
@given(LEAD, REST)
def test_a0_is_no_answer(lead, rest):
    assert answer_number(f"{lead}A0 {rest}") is None
