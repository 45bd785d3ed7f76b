import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import DomainError, InstrumentError, OverrideReasonRequired, UnknownItemError
from app.domain.instruments import (
    INSTRUMENTS_DIR,
    RiskLevel,
    available_instruments,
    highest,
    load_instrument,
    parse_instrument,
)
from app.domain.risk import Answer, Override, score

FAST = settings(max_examples=100, deadline=None)
STANDARD, MEDIUM, HIGH = RiskLevel.STANDARD, RiskLevel.MEDIUM, RiskLevel.HIGH
DASH = load_instrument("dash", 1)
SCREEN = load_instrument("stalking-screen", 1)
# DASH items with no raise, judgement or prompt rule, so counts alone decide the level.
PLAIN = ["1", "3", "4", "5", "7", "9", "10", "19", "20", "21", "22", "23", "24", "25", "26", "27", "6", "15"]
PLAIN += ["11", "12", "2"]


def yes_to(*item_ids):
    return dict.fromkeys(item_ids, Answer.YES)


def plain_yes(count):
    return yes_to(*PLAIN[:count])


def raw(name):
    return json.loads((INSTRUMENTS_DIR / name).read_text(encoding="utf-8"))


# Instrument files


def test_dash_has_27_items_in_four_groups():
    assert DASH.item_ids == tuple(str(n) for n in range(1, 28))
    assert [len(DASH.items_in(group.id)) for group in DASH.groups] == [8, 4, 10, 5]
    assert DASH.bands is not None
    assert [(b.level, b.min_yes) for b in DASH.bands] == [(STANDARD, 0), (MEDIUM, 10), (HIGH, 14)]
    assert DASH.marac_threshold == 14
    assert DASH.item("18").question.startswith("Has the abuser ever strangled")


def test_stalking_screen_has_11_items_and_no_bands():
    assert SCREEN.item_ids == tuple(str(n) for n in range(1, 12))
    assert SCREEN.bands is None
    assert not SCREEN.banded
    assert SCREEN.marac_threshold is None


@pytest.mark.parametrize("instrument", [DASH, SCREEN], ids=["dash", "screen"])
def test_instrument_files_carry_a_licence_note_and_plain_items(instrument):
    assert "copyright" in instrument.licence
    for item in instrument.items:
        assert item.question.endswith("?")
        assert isinstance(item.help, str)


def test_available_instruments():
    assert available_instruments() == {"dash": (1,), "stalking-screen": (1,)}


def test_load_latest_version(tmp_path):
    data = raw("dash-v1.json")
    (tmp_path / "dash-v1.json").write_text(json.dumps(data))
    data["version"] = 2
    data["title"] = "Version two"
    (tmp_path / "dash-v2.json").write_text(json.dumps(data))
    (tmp_path / "README.txt").write_text("ignored")
    assert available_instruments(tmp_path) == {"dash": (1, 2)}
    assert load_instrument("dash", directory=tmp_path).title == "Version two"
    assert load_instrument("dash", 1, tmp_path).version == 1


@pytest.mark.parametrize(
    ("instrument_id", "version"),
    [("dash", 9), ("nothing", None), ("nothing", 1)],
)
def test_load_missing_instrument(instrument_id, version):
    with pytest.raises(InstrumentError, match="No instrument"):
        load_instrument(instrument_id, version)


def test_load_rejects_a_file_whose_name_disagrees(tmp_path):
    (tmp_path / "dash-v3.json").write_text(json.dumps(raw("dash-v1.json")))
    with pytest.raises(InstrumentError, match="not what its name says"):
        load_instrument("dash", 3, tmp_path)


def test_load_rejects_invalid_json(tmp_path):
    (tmp_path / "dash-v1.json").write_text("{not json")
    with pytest.raises(InstrumentError, match="not valid JSON"):
        load_instrument("dash", 1, tmp_path)


def _broken(change):
    data = copy.deepcopy(raw("dash-v1.json"))
    change(data)
    return data


BROKEN = [
    ("unknown key", lambda d: d.update(colour="blue"), "Unknown keys"),
    ("no id", lambda d: d.pop("id"), "'id' must be text"),
    ("bad id", lambda d: d.update(id="DASH v1"), "Bad instrument id"),
    ("version 0", lambda d: d.update(version=0), "'version'"),
    ("version text", lambda d: d.update(version="1"), "'version'"),
    ("no title", lambda d: d.update(title=" "), "'title'"),
    ("no licence", lambda d: d.pop("licence"), "'licence'"),
    ("no items", lambda d: d.update(items=[]), "needs items"),
    ("duplicate item", lambda d: d["items"].append(dict(d["items"][0])), "item ids must be unique"),
    ("duplicate group", lambda d: d["groups"].append(dict(d["groups"][0])), "group ids must be unique"),
    ("unknown group", lambda d: d["items"][0].update(group="elsewhere"), "unknown group"),
    ("unknown item key", lambda d: d["items"][0].update(weight=2), "unknown item keys"),
    ("empty question", lambda d: d["items"][0].update(question=""), "'question'"),
    ("empty bands", lambda d: d.update(bands=[]), "non-empty list"),
    ("first band not 0", lambda d: d["bands"][0].update(min_yes=1), "start at 0"),
    ("thresholds out of order", lambda d: d["bands"][1].update(min_yes=15), "thresholds must rise"),
    ("equal thresholds", lambda d: d["bands"][1].update(min_yes=14), "thresholds must rise"),
    ("levels out of order", lambda d: d["bands"].reverse(), "start at 0"),
    ("levels not rising", lambda d: d["bands"][2].update(level="medium"), "levels must rise"),
    ("unknown level", lambda d: d["bands"][1].update(level="severe"), "unknown level"),
    ("threshold beyond items", lambda d: d["bands"][2].update(min_yes=28), "bad 'min_yes'"),
    ("marac too high", lambda d: d.update(marac_threshold=30), "marac_threshold"),
    ("raise unknown item", lambda d: d["raise_rules"][0].update(all_of=["99"]), "unknown item"),
    ("raise no items", lambda d: d["raise_rules"][0].update(all_of=[]), "'all_of'"),
    ("raise bad level", lambda d: d["raise_rules"][0].update(at_least="extreme"), "unknown level"),
    ("judgement unknown item", lambda d: d["judgement"][0].update(all_of=["0"]), "unknown item"),
    ("prompt unknown item", lambda d: d["item_prompts"][0].update(item="99"), "unknown item"),
    ("items not a list", lambda d: d.update(items={}), "must be a list"),
]


@pytest.mark.parametrize(("case", "change", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_invalid_instruments_are_rejected(case, change, message):
    with pytest.raises(InstrumentError, match=message):
        parse_instrument(_broken(change))


def test_an_unbanded_instrument_parses_with_null_bands():
    assert parse_instrument(raw("stalking-screen-v1.json")).bands is None


# Scoring: counts and bands


@pytest.mark.parametrize(
    ("yes_count", "level", "marac"),
    [
        (0, STANDARD, False),
        (1, STANDARD, False),
        (9, STANDARD, False),
        (10, MEDIUM, False),
        (11, MEDIUM, False),
        (13, MEDIUM, False),
        (14, HIGH, True),
        (15, HIGH, True),
        (21, HIGH, True),
    ],
)
def test_dash_bands(yes_count, level, marac):
    result = score(DASH, plain_yes(yes_count))
    assert result.yes_count == yes_count
    assert result.level_from_count is level
    assert result.level is level
    assert result.raised_by == ()
    assert result.meets_marac is marac
    assert (("marac" in result.prompts) and ("idva" in result.prompts)) is marac
    assert result.needs_judgement is False


def test_all_27_yes_is_high():
    result = score(DASH, dict.fromkeys(DASH.item_ids, "yes"))
    assert (result.yes_count, result.level, result.meets_marac) == (27, HIGH, True)


@pytest.mark.parametrize(
    ("threshold", "yes_count", "level"),
    [
        (None, 9, STANDARD),
        (None, 10, MEDIUM),
        (11, 10, STANDARD),
        (11, 11, MEDIUM),
        (11, 13, MEDIUM),
        (11, 14, HIGH),
        (1, 1, MEDIUM),
        (1, 0, STANDARD),
        (13, 12, STANDARD),
        (13, 13, MEDIUM),
    ],
)
def test_configured_medium_threshold(threshold, yes_count, level):
    assert score(DASH, plain_yes(yes_count), medium_threshold=threshold).level is level


@pytest.mark.parametrize("threshold", [0, 14, 15, -1, "10", 10.0])
def test_medium_threshold_must_sit_between_the_other_bands(threshold):
    with pytest.raises(DomainError, match="medium threshold"):
        score(DASH, {}, medium_threshold=threshold)


def test_medium_threshold_is_ignored_for_an_unbanded_instrument():
    assert score(SCREEN, {}, medium_threshold=5).level is None


# Raise rules: they raise, never lower


@pytest.mark.parametrize(
    ("answers", "from_count", "level", "raised_by"),
    [
        (yes_to("18"), STANDARD, HIGH, ("18",)),
        (yes_to("17"), STANDARD, HIGH, ("17",)),
        (yes_to("16"), STANDARD, MEDIUM, ("16",)),
        (yes_to("8"), STANDARD, MEDIUM, ("8",)),
        (yes_to("13"), STANDARD, MEDIUM, ("13",)),
        (yes_to("14"), STANDARD, MEDIUM, ("14",)),
        (yes_to("8", "18"), STANDARD, HIGH, ("8", "18")),
        ({**plain_yes(10), **yes_to("8")}, MEDIUM, MEDIUM, ()),
        ({**plain_yes(10), **yes_to("18")}, MEDIUM, HIGH, ("18",)),
        ({**plain_yes(13), **yes_to("8")}, HIGH, HIGH, ()),
        ({**plain_yes(13), **yes_to("18")}, HIGH, HIGH, ()),
        ({"18": Answer.NO, "17": Answer.NOT_KNOWN}, STANDARD, STANDARD, ()),
    ],
)
def test_raise_rules(answers, from_count, level, raised_by):
    result = score(DASH, answers)
    assert result.level_from_count is from_count
    assert result.level is level
    assert result.automatic_level is level
    assert result.raised_by == raised_by


def test_a_raise_to_high_meets_marac_on_judgement_not_count():
    result = score(DASH, yes_to("18"))
    assert result.yes_count == 1
    assert result.meets_marac is True
    assert result.prompts[:2] == ("marac", "idva")


@pytest.mark.parametrize(
    ("answers", "consider", "needs_judgement"),
    [
        (yes_to("2"), ("2",), True),
        (yes_to("8"), ("8",), True),
        (yes_to("6"), (), False),
        (yes_to("15"), (), False),
        (yes_to("6", "15"), ("6", "15"), True),
        (yes_to("13", "14"), ("13", "14"), True),
        (yes_to("16", "18"), ("16",), False),
        ({**plain_yes(14), **yes_to("2")}, ("2",), False),
        (plain_yes(1), (), False),
    ],
)
def test_judgement_prompts(answers, consider, needs_judgement):
    result = score(DASH, answers)
    assert result.consider_high == consider
    assert result.needs_judgement is needs_judgement


@pytest.mark.parametrize(
    ("answers", "prompts"),
    [
        (yes_to("8"), ("s-dash",)),
        (yes_to("11"), ("childrens-social-care",)),
        (yes_to("11", "12"), ("childrens-social-care",)),
        (yes_to("8", "12"), ("s-dash", "childrens-social-care")),
        (yes_to("1"), ()),
        ({**plain_yes(14), **yes_to("8")}, ("marac", "idva", "s-dash")),
        ({**plain_yes(14), **yes_to("12")}, ("marac", "idva", "childrens-social-care")),
    ],
)
def test_item_prompts(answers, prompts):
    assert score(DASH, answers).prompts == prompts


def test_paladin_for_a_high_risk_stalking_case():
    assert "paladin" in score(DASH, yes_to("18"), stalking_case=True).prompts
    assert "paladin" not in score(DASH, yes_to("18")).prompts
    assert "paladin" not in score(DASH, yes_to("8"), stalking_case=True).prompts


def test_marac_only_for_domestic_cases():
    result = score(DASH, plain_yes(14), domestic=False)
    assert result.level is HIGH
    assert result.meets_marac is False
    assert "marac" not in result.prompts


# Overrides


def test_override_needs_a_reason():
    for reason in ("", "   ", None):
        with pytest.raises(OverrideReasonRequired):
            Override(HIGH, reason)


def test_override_error_is_a_value_error():
    with pytest.raises(ValueError, match="reason"):
        Override(HIGH, "")


def test_score_rechecks_the_override_reason():
    override = Override(HIGH, "Stalking with threats to kill")
    object.__setattr__(override, "reason", "")
    with pytest.raises(OverrideReasonRequired):
        score(DASH, {}, override=override)


def test_override_raises_with_a_reason():
    result = score(DASH, plain_yes(3), override=Override(HIGH, "  Separation and coercive control  "))
    assert result.level is HIGH
    assert result.level_from_count is STANDARD
    assert result.overridden
    assert result.override.reason == "Separation and coercive control"
    assert not result.lowered_by_override
    assert result.meets_marac is True
    assert result.needs_judgement is False


def test_override_may_lower_but_it_shows_and_14_plus_still_meets_marac():
    result = score(DASH, plain_yes(14), override=Override(MEDIUM, "Answers were about a previous relationship"))
    assert result.level is MEDIUM
    assert result.automatic_level is HIGH
    assert result.lowered_by_override
    assert result.meets_marac is True


def test_override_accepts_a_level_code():
    assert Override("high", "Escalation").level is HIGH


# Unbanded instrument


def test_unbanded_instrument_needs_judgement():
    result = score(SCREEN, dict.fromkeys(SCREEN.item_ids, Answer.YES), stalking_case=True)
    assert (result.yes_count, result.level, result.level_from_count) == (11, None, None)
    assert result.needs_judgement is True
    assert result.meets_marac is False
    assert result.prompts == ()


def test_unbanded_instrument_with_officer_judgement():
    result = score(SCREEN, yes_to("1", "6"), override=Override(HIGH, "Very frightened, threats"), stalking_case=True)
    assert result.level is HIGH
    assert result.needs_judgement is False
    assert result.prompts == ("paladin",)


# Answers


def test_missing_answers_count_as_not_known():
    result = score(DASH, {"1": Answer.YES, "2": "no", "3": "not_known"})
    assert (result.yes_count, result.answered_count, result.not_known_count) == (1, 2, 25)


def test_unknown_item_ids_are_rejected():
    with pytest.raises(UnknownItemError, match="28"):
        score(DASH, {"28": Answer.YES})
    with pytest.raises(UnknownItemError):
        score(SCREEN, {"12": Answer.NO})


def test_unknown_answers_are_rejected():
    with pytest.raises(DomainError, match="maybe"):
        score(DASH, {"1": "maybe"})


def test_result_records_the_instrument_version():
    result = score(SCREEN, {})
    assert (result.instrument_id, result.instrument_version) == ("stalking-screen", 1)


def test_levels_order():
    assert [level.rank for level in RiskLevel] == [1, 2, 3]
    assert highest(None, MEDIUM, STANDARD) is MEDIUM
    assert highest(None) is None
    assert [level.label for level in RiskLevel] == ["Standard", "Medium", "High"]


dash_answers = st.dictionaries(st.sampled_from(DASH.item_ids), st.sampled_from(Answer))


@FAST
@given(dash_answers, st.booleans(), st.booleans())
def test_rules_never_lower_the_count_level(answers, stalking_case, domestic):
    result = score(DASH, answers, stalking_case=stalking_case, domestic=domestic)
    assert result.level.rank >= result.level_from_count.rank
    assert result.yes_count + (result.answered_count - result.yes_count) + result.not_known_count == 27
    assert result.meets_marac == (domestic and result.level is HIGH)
    assert len(set(result.prompts)) == len(result.prompts)


@FAST
@given(dash_answers, st.sampled_from(DASH.item_ids))
def test_one_more_yes_never_lowers_the_level(answers, item_id):
    before = score(DASH, answers).level
    after = score(DASH, {**answers, item_id: Answer.YES}).level
    assert after.rank >= before.rank
