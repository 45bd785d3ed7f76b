"""Risk assessments through the service: every threshold and rule of both instruments, overrides, history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Case, RiskAssessment, Role
from app.services.casework.risk import instrument, record_assessment
from app.services.errors import FieldError
from tests.factories import as_actor
from tests.web.cases.helpers import SAFE_CONTACT, make_case, make_officer

DASH = "dash"
SCREEN = "stalking-screen"
# DASH items that neither raise the level nor ask for judgement on their own.
PLAIN = ["1", "3", "4", "5", "7", "9", "10", "11", "12", "15", "19", "20", "21", "22", "23", "24", "25", "26", "27"]


def _answers(instrument_id: str, yes: list[str]) -> dict[str, str]:
    return {item.id: "yes" if item.id in yes else "no" for item in instrument(instrument_id).items}


@pytest.fixture
def owned(app_ctx):
    officer = make_officer()
    return officer, make_case(owner=officer)


def _assess(case: Case, officer, instrument_id: str, yes: list[str], **judgement) -> RiskAssessment:
    version = db.session.get(Case, case.id).version
    return record_assessment(case.id, as_actor(officer), instrument_id=instrument_id, answers=_answers(instrument_id,
                                                                                                       yes),
                             expected_version=version, **judgement)


@pytest.mark.parametrize(("yes", "level", "marac"), [
    ([], "standard", False),
    (PLAIN[:1], "standard", False),
    (PLAIN[:9], "standard", False),
    (PLAIN[:10], "medium", False),
    (PLAIN[:13], "medium", False),
    (PLAIN[:14], "high", True),
    (PLAIN[:19], "high", True),
    (["18"], "high", True),          # strangulation raises to high whatever the count
    (["17"], "high", True),          # threats to kill that the victim believes
    (["6"], "standard", False),      # separation alone asks for nothing
])  # fmt: skip
def test_dash_bands_and_raise_rules(owned, yes, level, marac):
    officer, case = owned
    assessment = _assess(case, officer, DASH, yes)
    assert (assessment.level, assessment.meets_marac, assessment.yes_count) == (level, marac, len(yes))
    assert (assessment.instrument_id, assessment.instrument_version) == (DASH, 1)
    assert assessment.overridden is False
    assert ("marac" in assessment.prompts) is marac
    # A stalking case at high risk prompts Paladin too.
    assert ("paladin" in assessment.prompts) is (level == "high")
    assert db.session.get(Case, case.id).risk_level == level


@pytest.mark.parametrize(("yes", "automatic"), [
    (["16"], "medium"),         # weapons raise to medium and ask whether it is high
    (["8"], "medium"),          # stalking
    (["13"], "medium"),         # more often
    (["14"], "medium"),         # getting worse
    (["2"], "standard"),        # the victim's own fear
    (["6", "15"], "standard"),  # separation with controlling behaviour
])  # fmt: skip
def test_dash_warning_signs_need_the_officers_judgement(owned, yes, automatic):
    officer, case = owned
    with pytest.raises(FieldError) as refused:
        _assess(case, officer, DASH, yes)
    assert refused.value.field == "judgement_level"
    kept = _assess(case, officer, DASH, yes, judgement_level=automatic, judgement_reason="Discussed with the victim")
    assert (kept.level, kept.automatic_level, kept.overridden) == (automatic, automatic, False)
    raised = _assess(case, officer, DASH, yes, judgement_level="high", judgement_reason="Escalating quickly")
    assert (raised.level, raised.overridden, raised.judgement_reason) == ("high", True, "Escalating quickly")


def test_dash_prompts_follow_up_checklists_and_childrens_social_care(owned):
    officer, case = owned
    assessment = _assess(case, officer, DASH, ["8"], judgement_level="medium", judgement_reason="Stalking, no threats")
    assert "s-dash" in assessment.prompts
    assert "childrens-social-care" in _assess(case, officer, DASH, ["11"]).prompts
    assert "childrens-social-care" in _assess(case, officer, DASH, ["12"]).prompts


@pytest.mark.parametrize(("threshold", "yes_count", "level"), [(5, 4, "standard"), (5, 5, "medium"),
                                                               (12, 11, "standard"),
                                                               (12, 12, "medium"), (12, 14, "high")])
def test_the_medium_band_comes_from_configuration(owned, monkeypatch, app_ctx, threshold, yes_count, level):
    monkeypatch.setitem(app_ctx.config, "RISK_MEDIUM_THRESHOLD", threshold)
    officer, case = owned
    assessment = _assess(case, officer, DASH, PLAIN[:yes_count])
    assert (assessment.level, assessment.medium_threshold) == (level, threshold)


def test_an_override_needs_a_reason_and_lowering_keeps_the_marac_criterion(owned):
    officer, case = owned
    with pytest.raises(FieldError) as refused:
        _assess(case, officer, DASH, PLAIN[:14], judgement_level="standard", judgement_reason="  ")
    assert refused.value.field == "judgement_reason"
    lowered = _assess(case, officer, DASH, PLAIN[:14], judgement_level="standard",
                      judgement_reason="Suspect now in custody on remand")
    assert (lowered.level, lowered.automatic_level, lowered.overridden) == ("standard", "high", True)
    assert lowered.meets_marac is True, "14 or more yes answers meet MARAC whatever the judgement"


@pytest.mark.parametrize(("relationship", "domestic"), [
    ("stranger", False), ("colleague", False), ("online_only", False), ("acquaintance", False),
    ("ex_partner", True), ("partner", True), ("family", True),
    # Not known (or not answered): keep the domestic-abuse route rather than lose a MARAC referral.
    ("not_known", True), (None, True),
])
def test_marac_is_for_domestic_abuse(app_ctx, relationship, domestic):
    officer = make_officer()
    case = make_case(owner=officer, answers={"contact": SAFE_CONTACT, "suspect": {"relationship": relationship}})
    assessment = _assess(case, officer, DASH, PLAIN[:14])
    assert assessment.level == "high"
    assert assessment.meets_marac is domestic
    assert ("marac" in assessment.prompts) is domestic
    assert "paladin" in assessment.prompts


def test_a_harassment_case_at_high_risk_does_not_prompt_paladin(app_ctx):
    officer = make_officer()
    case = make_case(owner=officer, classifications=["harassment_s2"])
    assert "paladin" not in _assess(case, officer, DASH, PLAIN[:14]).prompts


@pytest.mark.parametrize("yes_count", [0, 1, 5, 11])
def test_the_stalking_screen_has_no_bands_so_the_officer_judges(owned, yes_count):
    officer, case = owned
    yes = [str(n) for n in range(1, yes_count + 1)]
    with pytest.raises(FieldError) as refused:
        _assess(case, officer, SCREEN, yes)
    assert refused.value.field == "judgement_level"
    assert f"{yes_count} yes answers" in str(refused.value)
    with pytest.raises(FieldError) as no_reason:
        _assess(case, officer, SCREEN, yes, judgement_level="medium")
    assert no_reason.value.field == "judgement_reason"
    assessment = _assess(case, officer, SCREEN, yes, judgement_level="high", judgement_reason="Fixated and escalating")
    assert (assessment.instrument_id, assessment.instrument_version, assessment.yes_count) == (SCREEN, 1, yes_count)
    assert (assessment.level, assessment.automatic_level, assessment.level_from_count) == ("high", None, None)
    assert assessment.judgement_reason == "Fixated and escalating"
    assert "paladin" in assessment.prompts


def test_every_question_needs_an_answer(owned):
    officer, case = owned
    answers = _answers(DASH, [])
    del answers["27"]
    with pytest.raises(FieldError) as refused:
        record_assessment(case.id, as_actor(officer), instrument_id=DASH, answers=answers,
                          expected_version=case.version)
    assert refused.value.field == "item_27"


def test_not_known_answers_are_kept_and_counted(owned):
    officer, case = owned
    answers = {**_answers(DASH, []), "1": "not_known", "2": "not_known"}
    assessment = record_assessment(case.id, as_actor(officer), instrument_id=DASH, answers=answers,
                                   expected_version=case.version)
    assert (assessment.not_known_count, assessment.answers["1"]) == (2, "not_known")


def test_reassessments_add_to_the_history(owned):
    officer, case = owned
    first = _assess(case, officer, DASH, PLAIN[:3])
    second = _assess(case, officer, DASH, PLAIN[:14])
    third = _assess(case, officer, SCREEN, ["1"], judgement_level="medium", judgement_reason="Less contact lately")
    rows = db.session.scalars(select(RiskAssessment).where(RiskAssessment.case_id == case.id)
                              .order_by(RiskAssessment.id)).all()
    assert [(r.id, r.level) for r in rows] == [(first.id, "standard"), (second.id, "high"), (third.id, "medium")]
    assert db.session.get(Case, case.id).risk_level == "medium"


def test_a_stale_form_is_refused(owned):
    officer, case = owned
    stale_version = case.version
    _assess(case, officer, DASH, [])
    from app.services.casework.changes import StaleCase

    with pytest.raises(StaleCase):
        record_assessment(case.id, as_actor(officer), instrument_id=DASH, answers=_answers(DASH, []),
                          expected_version=stale_version)


def test_only_the_owner_or_a_supervisor_assesses(owned):
    _, case = owned
    from app.services.errors import Forbidden

    with pytest.raises(Forbidden):
        _assess(case, make_officer(), DASH, [])
    assert _assess(case, make_officer(role=Role.SUPERVISOR), DASH, []).level == "standard"
