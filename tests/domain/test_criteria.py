from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.behaviours import BEHAVIOURS, STALKING_BEHAVIOURS, Behaviour, parse_behaviours, stalking_behaviours
from app.domain.criteria import (
    MESSAGE_ALWAYS,
    MESSAGE_CHANGES,
    MESSAGE_DOMESTIC,
    MESSAGE_EX_PARTNER,
    MESSAGE_FEAR_NOT_SURE,
    MESSAGE_FEAR_ONCE,
    MESSAGE_FEELINGS,
    MESSAGE_NO_NEED_TO_TELL,
    MESSAGE_NOT_SAFE,
    MESSAGE_OCCASIONS_NOT_SURE,
    MESSAGE_ONCE,
    MESSAGE_ONCE_SEVERAL_BEHAVIOURS,
    MESSAGE_UNWANTED_UNSURE,
    CriteriaAnswers,
    DailyLifeChange,
    FearCount,
    Feeling,
    FourSigns,
    Occasions,
    Offence,
    Relationship,
    Unwanted,
    assess,
    four_signs,
)

FAST = settings(max_examples=100, deadline=None)

N, U, F, B, C, R = Occasions, Unwanted, Feeling, Behaviour, DailyLifeChange, Relationship
DISTRESS = frozenset({F.ALARMED_OR_DISTRESSED})
AFRAID = frozenset({F.AFRAID_OF_VIOLENCE})


def answers(**kwargs):
    return CriteriaAnswers(**kwargs)


# (case, answers, expected offence codes, most serious first)
CASES = [
    ("once, nothing else", answers(occasions=N.ONCE), ()),
    ("once with threats", answers(occasions=N.ONCE, behaviours={B.THREATS}), ("other",)),
    ("once with damage", answers(occasions=N.ONCE, behaviours={B.PROPERTY_DAMAGE}), ("other",)),
    ("once, order broken", answers(occasions=N.ONCE, order_broken=True), ("order_breach",)),
    ("once, breach ticked", answers(occasions=N.ONCE, behaviours={B.ORDER_BREACH}), ("order_breach",)),
    ("2-5 distressed", answers(occasions=N.TWO_TO_FIVE, feelings=DISTRESS), ("s2",)),
    ("2-5 anxious", answers(occasions=N.TWO_TO_FIVE, feelings={F.ANXIOUS}), ("s2",)),
    ("more, distressed", answers(occasions=N.MORE, feelings=DISTRESS), ("s2",)),
    ("lost count, distressed", answers(occasions=N.LOST_COUNT, feelings=DISTRESS), ("s2",)),
    ("2-5, no feelings", answers(occasions=N.TWO_TO_FIVE, feelings={F.NONE}), ()),
    ("2-5, feelings not sure", answers(occasions=N.TWO_TO_FIVE, feelings={F.NOT_SURE}), ()),
    (
        "2-5 distressed, following",
        answers(occasions=N.TWO_TO_FIVE, feelings=DISTRESS, behaviours={B.FOLLOWING}),
        ("s2A",),
    ),
    (
        "more distressed, messages",
        answers(occasions=N.MORE, feelings=DISTRESS, behaviours={B.MESSAGES}),
        ("s2A",),
    ),
    (
        "lost count distressed, tracking",
        answers(occasions=N.LOST_COUNT, feelings=DISTRESS, behaviours={B.TRACKING}),
        ("s2A",),
    ),
    (
        "2-5 distressed, only non-stalking acts",
        answers(occasions=N.TWO_TO_FIVE, feelings=DISTRESS, behaviours={B.OTHER}),
        ("s2",),
    ),
    (
        "fear twice, no stalking",
        answers(occasions=N.TWO_TO_FIVE, feelings=AFRAID, feared_violence_times=FearCount.TWICE_OR_MORE),
        ("s4", "s2"),
    ),
    (
        "fear twice with stalking",
        answers(
            occasions=N.TWO_TO_FIVE,
            feelings=AFRAID,
            feared_violence_times=FearCount.TWICE_OR_MORE,
            behaviours={B.WATCHING},
        ),
        ("s4A", "s2A"),
    ),
    (
        "fear twice though occasions said once",
        answers(occasions=N.ONCE, feelings=AFRAID, feared_violence_times=FearCount.TWICE_OR_MORE),
        ("s4", "s2"),
    ),
    (
        "fear once, no stalking",
        answers(occasions=N.TWO_TO_FIVE, feelings=AFRAID, feared_violence_times=FearCount.ONCE),
        ("s2",),
    ),
    (
        "fear once with stalking",
        answers(
            occasions=N.TWO_TO_FIVE, feelings=AFRAID, feared_violence_times=FearCount.ONCE, behaviours={B.FOLLOWING}
        ),
        ("s2A",),
    ),
    (
        "stalking and daily life changed",
        answers(occasions=N.MORE, feelings=DISTRESS, behaviours={B.TURNING_UP}, daily_life_changes={C.MOVED_HOME}),
        ("s4A", "s2A"),
    ),
    (
        "harassment and daily life changed, no stalking",
        answers(occasions=N.MORE, feelings=DISTRESS, daily_life_changes={C.ROUTES}),
        ("s2",),
    ),
    (
        "changes but only once",
        answers(occasions=N.ONCE, feelings=DISTRESS, behaviours={B.FOLLOWING}, daily_life_changes={C.SECURITY}),
        (),
    ),
    (
        "ex-partner repeated, no listed stalking acts",
        answers(occasions=N.TWO_TO_FIVE, feelings=DISTRESS, relationship=R.EX_PARTNER, behaviours={B.THREATS}),
        ("s2A", "other"),
    ),
    (
        "partner repeated, no listed stalking acts",
        answers(occasions=N.TWO_TO_FIVE, feelings=DISTRESS, relationship=R.PARTNER, behaviours={B.THREATS}),
        ("s2", "other"),
    ),
    (
        "ex-partner once",
        answers(occasions=N.ONCE, feelings=DISTRESS, relationship=R.EX_PARTNER),
        (),
    ),
    (
        "occasions not sure, stalking acts",
        answers(occasions=N.NOT_SURE, feelings=DISTRESS, behaviours={B.FOLLOWING}),
        (),
    ),
    (
        "FOUR signs without stated harm",
        answers(occasions=N.LOST_COUNT, unwanted=U.YES, feelings={F.NONE}, behaviours={B.FOLLOWING}),
        ("s2A",),
    ),
    (
        "FOUR signs but unwanted not sure",
        answers(occasions=N.LOST_COUNT, unwanted=U.NOT_SURE, feelings={F.NONE}, behaviours={B.FOLLOWING}),
        (),
    ),
    (
        "everything",
        answers(
            occasions=N.LOST_COUNT,
            unwanted=U.NOT_SAFE_TO,
            feelings={F.AFRAID_OF_VIOLENCE, F.ALARMED_OR_DISTRESSED},
            feared_violence_times=FearCount.TWICE_OR_MORE,
            daily_life_changes=set(C),
            behaviours=set(B),
            relationship=R.EX_PARTNER,
            order_broken=True,
        ),
        ("s4A", "s2A", "order_breach", "other"),
    ),
    ("all not sure", answers(), ()),
]


@pytest.mark.parametrize(("case", "given_answers", "codes"), CASES, ids=[case[0] for case in CASES])
def test_offence_indications(case, given_answers, codes):
    result = assess(given_answers)
    assert result.offence_codes == codes
    assert result.can_report is True
    for indication in result.indications:
        assert indication.explanation
        assert indication.reasons
        assert indication.title == indication.offence.title


@pytest.mark.parametrize(
    ("given_answers", "expected", "absent"),
    [
        (answers(occasions=N.ONCE), [MESSAGE_ONCE], [MESSAGE_ONCE_SEVERAL_BEHAVIOURS, MESSAGE_OCCASIONS_NOT_SURE]),
        (answers(occasions=N.ONCE, behaviours={B.CALLS, B.FOLLOWING}), [MESSAGE_ONCE_SEVERAL_BEHAVIOURS], []),
        (answers(occasions=N.NOT_SURE), [MESSAGE_OCCASIONS_NOT_SURE], [MESSAGE_ONCE]),
        (answers(occasions=N.MORE, feelings=DISTRESS), [], [MESSAGE_ONCE, MESSAGE_OCCASIONS_NOT_SURE]),
        (answers(unwanted=U.YES), [MESSAGE_NO_NEED_TO_TELL], [MESSAGE_NOT_SAFE]),
        (answers(unwanted=U.NOT_SAFE_TO), [MESSAGE_NOT_SAFE], [MESSAGE_NO_NEED_TO_TELL]),
        (answers(unwanted=U.NO), [MESSAGE_UNWANTED_UNSURE], []),
        (answers(unwanted=U.NOT_SURE), [MESSAGE_UNWANTED_UNSURE], []),
        (answers(feelings={F.NONE}), [MESSAGE_FEELINGS], []),
        (answers(feelings={F.NOT_SURE}), [MESSAGE_FEELINGS], []),
        (answers(feelings=DISTRESS), [], [MESSAGE_FEELINGS]),
        (answers(feelings=AFRAID, feared_violence_times=FearCount.ONCE), [MESSAGE_FEAR_ONCE], []),
        (answers(feelings=AFRAID), [MESSAGE_FEAR_NOT_SURE], []),
        (answers(feared_violence_times=FearCount.NOT_SURE), [MESSAGE_FEAR_NOT_SURE], []),
        (answers(occasions=N.MORE, feelings=DISTRESS, daily_life_changes={C.WORK}), [MESSAGE_CHANGES], []),
        (answers(occasions=N.MORE, relationship=R.EX_PARTNER), [MESSAGE_EX_PARTNER, MESSAGE_DOMESTIC], []),
        (answers(occasions=N.ONCE, relationship=R.EX_PARTNER), [MESSAGE_DOMESTIC], [MESSAGE_EX_PARTNER]),
        (answers(relationship=R.FAMILY), [MESSAGE_DOMESTIC], []),
        (answers(relationship=R.STRANGER), [], [MESSAGE_DOMESTIC, MESSAGE_EX_PARTNER]),
    ],
)
def test_helpful_messages(given_answers, expected, absent):
    messages = assess(given_answers).messages
    for message in expected:
        assert message in messages
    for message in absent:
        assert message not in messages
    assert messages[-1] == MESSAGE_ALWAYS


@pytest.mark.parametrize(
    ("given_answers", "summary_start"),
    [
        (answers(occasions=N.ONCE), "It may still be a crime"),
        (answers(), "We cannot suggest an offence"),
        (answers(occasions=N.MORE, feelings=DISTRESS), "From your answers, this may include: harassment."),
        (
            answers(occasions=N.MORE, feelings=DISTRESS, behaviours={B.FOLLOWING}, order_broken=True),
            "From your answers, this may include: stalking and breaking a court order",
        ),
        (
            answers(
                occasions=N.MORE, feelings=AFRAID, feared_violence_times=FearCount.TWICE_OR_MORE, behaviours={B.CALLS}
            ),
            "From your answers, this may include: stalking causing fear of violence",
        ),
    ],
)
def test_summary(given_answers, summary_start):
    assert assess(given_answers).summary.startswith(summary_start)


@pytest.mark.parametrize(
    ("given_answers", "signs"),
    [
        (answers(), FourSigns(False, False, False, False)),
        (answers(occasions=N.TWO_TO_FIVE), FourSigns(False, False, False, True)),
        (answers(occasions=N.MORE), FourSigns(True, False, False, True)),
        (answers(occasions=N.LOST_COUNT), FourSigns(True, False, False, True)),
        (answers(behaviours={B.CALLS, B.MESSAGES, B.GIFTS}), FourSigns(True, False, False, False)),
        (answers(behaviours={B.CALLS, B.MESSAGES}), FourSigns(False, False, False, False)),
        (answers(behaviours={B.TRACKING}), FourSigns(False, True, False, False)),
        (answers(behaviours={B.CHILDREN_USED}), FourSigns(False, True, False, False)),
        (answers(unwanted=U.YES), FourSigns(False, False, True, False)),
        (answers(unwanted=U.NOT_SAFE_TO), FourSigns(False, False, True, False)),
        (answers(unwanted=U.NO), FourSigns(False, False, False, False)),
        (answers(feared_violence_times=FearCount.TWICE_OR_MORE), FourSigns(False, False, False, True)),
        (
            answers(occasions=N.MORE, unwanted=U.YES, behaviours={B.FOLLOWING}),
            FourSigns(True, True, True, True),
        ),
    ],
)
def test_four_signs(given_answers, signs):
    assert four_signs(given_answers) == signs
    assert assess(given_answers).fixated_obsessive == signs
    assert signs.all == (signs.count == 4)


@pytest.mark.parametrize(
    ("occasions", "course"),
    [(N.ONCE, False), (N.TWO_TO_FIVE, True), (N.MORE, True), (N.LOST_COUNT, True), (N.NOT_SURE, None)],
)
def test_course_of_conduct(occasions, course):
    assert assess(answers(occasions=occasions)).course_of_conduct is course


@pytest.mark.parametrize("relationship", list(Relationship))
def test_domestic_route_and_think_stalking_first(relationship):
    result = assess(answers(occasions=N.MORE, feelings=DISTRESS, relationship=relationship))
    assert result.domestic == (relationship in {R.PARTNER, R.EX_PARTNER, R.FAMILY})
    assert result.think_stalking_first == (relationship is R.EX_PARTNER)
    assert result.offence_codes == (("s2A",) if relationship is R.EX_PARTNER else ("s2",))


def test_never_asks_about_intent():
    names = " ".join(f.name for f in fields(CriteriaAnswers))
    for word in ("intent", "meant", "purpose", "motive"):
        assert word not in names


def test_answers_accept_plain_sets_and_are_hashable():
    given_answers = answers(feelings={F.ANXIOUS}, behaviours=[B.CALLS], daily_life_changes=set())
    assert isinstance(given_answers.behaviours, frozenset)
    assert hash(given_answers) == hash(answers(feelings=frozenset({F.ANXIOUS}), behaviours=frozenset({B.CALLS})))


answer_strategy = st.builds(
    CriteriaAnswers,
    occasions=st.sampled_from(Occasions),
    unwanted=st.sampled_from(Unwanted),
    feelings=st.frozensets(st.sampled_from(Feeling)),
    feared_violence_times=st.none() | st.sampled_from(FearCount),
    daily_life_changes=st.frozensets(st.sampled_from(DailyLifeChange)),
    behaviours=st.frozensets(st.sampled_from(Behaviour)),
    relationship=st.sampled_from(Relationship),
    order_broken=st.booleans(),
)


@FAST
@given(answer_strategy)
def test_never_refuses_and_always_explains(given_answers):
    result = assess(given_answers)
    assert result.can_report is True
    assert result.summary.endswith(".")
    assert "report" in result.summary
    assert result.messages[-1] == MESSAGE_ALWAYS
    codes = result.offence_codes
    assert len(set(codes)) == len(codes)
    assert list(codes) == [o.value for o in Offence if o.value in codes]
    # The aggravated form always comes with its base, and stalking displaces harassment.
    assert ("s4A" in codes) <= ("s2A" in codes)
    assert ("s4" in codes) <= ("s2" in codes)
    assert not {"s2", "s2A"} <= set(codes)
    assert not {"s4", "s4A"} <= set(codes)


@FAST
@given(answer_strategy, st.frozensets(st.sampled_from(Behaviour)), st.frozensets(st.sampled_from(DailyLifeChange)))
def test_telling_us_more_never_takes_an_indication_away(given_answers, more_behaviours, more_changes):
    richer = CriteriaAnswers(
        occasions=given_answers.occasions,
        unwanted=given_answers.unwanted,
        feelings=given_answers.feelings,
        feared_violence_times=given_answers.feared_violence_times,
        daily_life_changes=given_answers.daily_life_changes | more_changes,
        behaviours=given_answers.behaviours | more_behaviours,
        relationship=given_answers.relationship,
        order_broken=given_answers.order_broken,
    )
    assert len(assess(richer).indications) >= len(assess(given_answers).indications)


def test_stalking_associated_behaviours_follow_s2a():
    expected = {
        B.FOLLOWING,
        B.TURNING_UP,
        B.WATCHING,
        B.CALLS,
        B.MESSAGES,
        B.EMAILS,
        B.LETTERS,
        B.SOCIAL_MEDIA,
        B.PUBLISHING,
        B.GIFTS,
        B.TRACKING,
        B.ACCOUNT_ACCESS,
        B.CONTACTING_OTHERS,
        B.CHILDREN_USED,
        B.PROPERTY_DAMAGE,
    }
    assert expected == STALKING_BEHAVIOURS
    for behaviour in Behaviour:
        assert behaviour.stalking_associated == (behaviour.s2a_paragraph is not None)


def test_every_behaviour_has_a_label_and_a_stable_code():
    assert set(BEHAVIOURS) == set(Behaviour)
    for behaviour in Behaviour:
        assert behaviour.label and behaviour.label[0].isupper()
        assert behaviour.value == behaviour.value.lower()
    assert len({b.label for b in Behaviour}) == len(Behaviour)


def test_parse_and_order_behaviours():
    assert parse_behaviours(["calls", "following"]) == {B.CALLS, B.FOLLOWING}
    assert stalking_behaviours({B.THREATS, B.CALLS, B.FOLLOWING}) == (B.FOLLOWING, B.CALLS)
    with pytest.raises(ValueError, match="nonsense"):
        parse_behaviours(["nonsense"])


@pytest.mark.parametrize("enum", [Occasions, Unwanted, Feeling, DailyLifeChange, Relationship])
def test_every_answer_has_a_label(enum):
    for member in enum:
        assert member.label


def test_offences_have_titles_and_legal_references():
    for offence in Offence:
        assert offence.title and offence.legal_reference
