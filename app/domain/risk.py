"""Pure scoring of risk instruments: count bands, raise rules, professional-judgement overrides and prompts.

Bands are guidance: raise rules and judgement may raise a level, never lower it (domain.md 4.2). An
officer's override may set any level but must give a reason; a lowered level stays visible as such,
and 14+ 'yes' answers still meet MARAC whatever the override, because that criterion is the count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from app.domain.errors import DomainError, OverrideReasonRequired, UnknownItemError
from app.domain.instruments import Band, Instrument, RiskLevel, highest

__all__ = [
    "PROMPT_IDVA",
    "PROMPT_MARAC",
    "PROMPT_PALADIN",
    "Answer",
    "Override",
    "RiskLevel",
    "RiskResult",
    "bands_with_medium_threshold",
    "level_for_count",
    "score",
]

PROMPT_MARAC = "marac"
PROMPT_IDVA = "idva"
PROMPT_PALADIN = "paladin"


class Answer(StrEnum):
    """An answer to one instrument item."""

    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"


@dataclass(frozen=True)
class Override:
    """An officer's professional judgement of the level, with the reason it must record."""

    level: RiskLevel
    reason: str

    def __post_init__(self) -> None:
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise OverrideReasonRequired("Give a reason for the professional judgement")
        object.__setattr__(self, "level", RiskLevel(self.level))
        object.__setattr__(self, "reason", self.reason.strip())


@dataclass(frozen=True)
class RiskResult:
    """The outcome of scoring one set of answers against one instrument version."""

    instrument_id: str
    instrument_version: int
    yes_count: int
    answered_count: int
    not_known_count: int
    level: RiskLevel | None
    level_from_count: RiskLevel | None
    automatic_level: RiskLevel | None
    raised_by: tuple[str, ...]
    consider_high: tuple[str, ...]
    needs_judgement: bool
    meets_marac: bool
    prompts: tuple[str, ...]
    override: Override | None = None

    @property
    def overridden(self) -> bool:
        """Say whether an officer's judgement set the level."""
        return self.override is not None

    @property
    def lowered_by_override(self) -> bool:
        """Say whether the override set a level below what the answers gave, for supervisors to see."""
        automatic = self.automatic_level
        return self.override is not None and automatic is not None and self.override.level.rank < automatic.rank


def _answers(instrument: Instrument, answers: Mapping[str, Answer | str]) -> dict[str, Answer]:
    unknown = sorted(set(answers) - set(instrument.item_ids))
    if unknown:
        raise UnknownItemError(f"{instrument.id} v{instrument.version} has no items {unknown}")
    parsed = {}
    for item_id, answer in answers.items():
        try:
            parsed[item_id] = Answer(answer)
        except ValueError:
            raise DomainError(f"Item {item_id}: {answer!r} is not yes, no or not known") from None
    # Missing answers count as not known, so a partly completed checklist still scores.
    return {item_id: parsed.get(item_id, Answer.NOT_KNOWN) for item_id in instrument.item_ids}


def bands_with_medium_threshold(instrument: Instrument, medium_threshold: int | None) -> tuple[Band, ...] | None:
    """Return the instrument's bands with the medium band moved to a force's configured threshold."""
    if medium_threshold is None or instrument.bands is None:
        return instrument.bands
    bands = list(instrument.bands)
    positions = [i for i, band in enumerate(bands) if band.level is RiskLevel.MEDIUM]
    if not positions:
        raise DomainError(f"{instrument.id} v{instrument.version} has no medium band to configure")
    i = positions[0]
    floor = bands[i - 1].min_yes if i > 0 else -1
    ceiling = bands[i + 1].min_yes if i + 1 < len(bands) else len(instrument.items) + 1
    if type(medium_threshold) is not int or not floor < medium_threshold < ceiling:
        raise DomainError(f"The medium threshold must be between {floor + 1} and {ceiling - 1}")
    bands[i] = replace(bands[i], min_yes=medium_threshold)
    return tuple(bands)


def level_for_count(bands: tuple[Band, ...] | None, yes_count: int) -> RiskLevel | None:
    """Return the band level for a number of 'yes' answers, or None for an unbanded instrument."""
    if bands is None:
        return None
    return [band.level for band in bands if band.min_yes <= yes_count][-1]


def score(
    instrument: Instrument,
    answers: Mapping[str, Answer | str],
    medium_threshold: int | None = None,
    override: Override | None = None,
    *,
    stalking_case: bool = False,
    domestic: bool = True,
) -> RiskResult:
    """Return the level, reasons and prompts for a set of answers to an instrument."""
    # Checked again because object.__setattr__ can still change a frozen Override after its own check.
    if override is not None and not (isinstance(override.reason, str) and override.reason.strip()):
        raise OverrideReasonRequired("Give a reason for the professional judgement")
    complete = _answers(instrument, answers)
    yes = {item_id for item_id, answer in complete.items() if answer is Answer.YES}
    answered = sum(1 for answer in complete.values() if answer is not Answer.NOT_KNOWN)
    order = {item_id: position for position, item_id in enumerate(instrument.item_ids)}

    from_count = level_for_count(bands_with_medium_threshold(instrument, medium_threshold), len(yes))
    fired = [rule for rule in instrument.raise_rules if set(rule.all_of) <= yes]
    automatic = highest(from_count, *(rule.at_least for rule in fired))
    base_rank = from_count.rank if from_count else 0
    raised_by = {item_id for rule in fired if rule.at_least.rank > base_rank for item_id in rule.all_of}
    consider = {item_id for rule in instrument.judgement if set(rule.all_of) <= yes for item_id in rule.all_of}

    level = override.level if override is not None else automatic
    below_high = automatic is not RiskLevel.HIGH
    needs_judgement = override is None and (automatic is None or (bool(consider) and below_high))
    meets_marac = (
        instrument.marac_threshold is not None
        and domestic
        and (len(yes) >= instrument.marac_threshold or level is RiskLevel.HIGH)
    )
    prompts = [PROMPT_MARAC, PROMPT_IDVA] if meets_marac else []
    if stalking_case and level is RiskLevel.HIGH:
        prompts.append(PROMPT_PALADIN)
    for prompt in instrument.item_prompts:
        if prompt.item in yes and prompt.prompt not in prompts:
            prompts.append(prompt.prompt)

    return RiskResult(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        yes_count=len(yes),
        answered_count=answered,
        not_known_count=len(complete) - answered,
        level=level,
        level_from_count=from_count,
        automatic_level=automatic,
        raised_by=tuple(sorted(raised_by, key=order.__getitem__)),
        consider_high=tuple(sorted(consider, key=order.__getitem__)),
        needs_judgement=needs_judgement,
        meets_marac=meets_marac,
        prompts=tuple(prompts),
        override=override,
    )
