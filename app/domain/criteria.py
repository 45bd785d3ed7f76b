"""The guided form's advisory mapping from a victim's answers to possible offences; it never refuses a report.

Rules (domain.md section 3), all advisory because triage makes the classification:

- repeated: two or more occasions, or fear of violence on two or more occasions (which implies two).
- harmed: alarmed or distressed, anxious, or afraid of violence.
- stalking signs: any s2A(3) behaviour, all four FOUR signs, or an ex-partner's repeated conduct
  (HOCR since April 2020: think stalking first).
- s2 harassment: repeated and harmed; s2A stalking: that, or all FOUR signs, with stalking signs.
- s4: fear of violence twice or more; s4A instead when stalking, or stalking plus changes to daily life.
- order_breach: a broken order or bail conditions, on any number of occasions.
- other: threats, violence, sexual violence or damage, crimes on their own even once.

The victim is never asked about intent: the test is what a reasonable person would think.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.behaviours import STANDALONE_OFFENCE_BEHAVIOURS, Behaviour, stalking_behaviours


class Occasions(StrEnum):
    """How many times it has happened."""

    ONCE = "once"
    TWO_TO_FIVE = "two_to_five"
    MORE = "more"
    LOST_COUNT = "lost_count"
    NOT_SURE = "not_sure"

    @property
    def label(self) -> str:
        """Return the answer label."""
        return _OCCASION_LABELS[self]


_OCCASION_LABELS = {
    Occasions.ONCE: "Once",
    Occasions.TWO_TO_FIVE: "2 to 5 times",
    Occasions.MORE: "More than 5 times",
    Occasions.LOST_COUNT: "So many times I have lost count",
    Occasions.NOT_SURE: "I'm not sure",
}


class Unwanted(StrEnum):
    """Whether the behaviour is unwanted; telling them to stop is not required, and may not be safe."""

    YES = "yes"
    NO = "no"
    NOT_SAFE_TO = "not_safe_to"
    NOT_SURE = "not_sure"

    @property
    def label(self) -> str:
        """Return the answer label."""
        return _UNWANTED_LABELS[self]


_UNWANTED_LABELS = {
    Unwanted.YES: "Yes, I do not want it",
    Unwanted.NO: "No",
    Unwanted.NOT_SAFE_TO: "I do not want it, but it has not been safe to tell them",
    Unwanted.NOT_SURE: "I'm not sure",
}


class Feeling(StrEnum):
    """How it has made the victim feel."""

    AFRAID_OF_VIOLENCE = "afraid_of_violence"
    ALARMED_OR_DISTRESSED = "alarmed_or_distressed"
    ANXIOUS = "anxious"
    NONE = "none"
    NOT_SURE = "not_sure"

    @property
    def label(self) -> str:
        """Return the answer label."""
        return _FEELING_LABELS[self]


_FEELING_LABELS = {
    Feeling.AFRAID_OF_VIOLENCE: "Afraid that they will use violence against me or someone close to me",
    Feeling.ALARMED_OR_DISTRESSED: "Alarmed, upset or distressed",
    Feeling.ANXIOUS: "Anxious or worried",
    Feeling.NONE: "None of these",
    Feeling.NOT_SURE: "I'm not sure",
}
_FEELING_REASONS = {
    Feeling.AFRAID_OF_VIOLENCE: "you were afraid violence would be used",
    Feeling.ALARMED_OR_DISTRESSED: "it alarmed or distressed you",
    Feeling.ANXIOUS: "it made you anxious",
}
HARM_FEELINGS = frozenset({Feeling.AFRAID_OF_VIOLENCE, Feeling.ALARMED_OR_DISTRESSED, Feeling.ANXIOUS})


class FearCount(StrEnum):
    """How many times the victim has feared violence would be used."""

    ONCE = "once"
    TWICE_OR_MORE = "twice_or_more"
    NOT_SURE = "not_sure"

    @property
    def label(self) -> str:
        """Return the answer label."""
        return {"once": "Once", "twice_or_more": "Twice or more", "not_sure": "Not sure"}[self.value]


class DailyLifeChange(StrEnum):
    """A concrete change to usual day-to-day life (s4A(1)(b)(ii))."""

    ROUTES = "routes"
    ROUTINE = "routine"
    WORK = "work"
    MOVED_HOME = "moved_home"
    SECURITY = "security"
    HEALTH = "health"
    STOPPED_GOING_OUT = "stopped_going_out"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Return the answer label."""
        return _CHANGE_LABELS[self]


_CHANGE_LABELS = {
    DailyLifeChange.ROUTES: "I have changed the way I travel or the routes I take",
    DailyLifeChange.ROUTINE: "I have changed my routine",
    DailyLifeChange.WORK: "I have changed or given up work or studies",
    DailyLifeChange.MOVED_HOME: "I have moved home or am trying to",
    DailyLifeChange.SECURITY: "I have added security, such as locks, cameras or alarms",
    DailyLifeChange.HEALTH: "It has affected my physical or mental health",
    DailyLifeChange.STOPPED_GOING_OUT: "I go out less or have stopped going to places",
    DailyLifeChange.OTHER: "Something else has changed",
}
_CHANGE_REASONS = {
    DailyLifeChange.ROUTES: "you changed how you travel",
    DailyLifeChange.ROUTINE: "you changed your routine",
    DailyLifeChange.WORK: "you changed or gave up work or studies",
    DailyLifeChange.MOVED_HOME: "you moved or are trying to move home",
    DailyLifeChange.SECURITY: "you added security",
    DailyLifeChange.HEALTH: "it affected your health",
    DailyLifeChange.STOPPED_GOING_OUT: "you go out less",
    DailyLifeChange.OTHER: "other changes to your daily life",
}


class Relationship(StrEnum):
    """Who the person is to the victim."""

    PARTNER = "partner"
    EX_PARTNER = "ex_partner"
    FAMILY = "family"
    ACQUAINTANCE = "acquaintance"
    COLLEAGUE = "colleague"
    NEIGHBOUR = "neighbour"
    STRANGER = "stranger"
    ONLINE_ONLY = "online_only"
    NOT_KNOWN = "not_known"

    @property
    def label(self) -> str:
        """Return the answer label."""
        return _RELATIONSHIP_LABELS[self]

    @property
    def is_domestic(self) -> bool:
        """Say whether this relationship routes the case to domestic abuse risk assessment (DASH, MARAC)."""
        return self in {Relationship.PARTNER, Relationship.EX_PARTNER, Relationship.FAMILY}


_RELATIONSHIP_LABELS = {
    Relationship.PARTNER: "My partner",
    Relationship.EX_PARTNER: "My ex-partner",
    Relationship.FAMILY: "A family member",
    Relationship.ACQUAINTANCE: "Someone I know",
    Relationship.COLLEAGUE: "Someone I work or study with",
    Relationship.NEIGHBOUR: "A neighbour",
    Relationship.STRANGER: "A stranger",
    Relationship.ONLINE_ONLY: "Someone I only know online",
    Relationship.NOT_KNOWN: "I don't know who it is",
}


class Offence(StrEnum):
    """An offence the answers may indicate; the value is the stable code."""

    FEAR_OF_VIOLENCE_STALKING = "s4A"
    FEAR_OF_VIOLENCE = "s4"
    STALKING = "s2A"
    HARASSMENT = "s2"
    ORDER_BREACH = "order_breach"
    OTHER = "other"

    @property
    def title(self) -> str:  # type: ignore[override]  # str.title is never wanted on an offence
        """Return a plain title for the victim."""
        return _OFFENCE_TEXT[self][0]

    @property
    def legal_reference(self) -> str:
        """Return the legislation, for staff."""
        return _OFFENCE_TEXT[self][1]


_PHA = "Protection from Harassment Act 1997"
_OFFENCE_TEXT = {
    Offence.FEAR_OF_VIOLENCE_STALKING: (
        "Stalking causing fear of violence or serious alarm or distress",
        f"{_PHA}, section 4A",
    ),
    Offence.FEAR_OF_VIOLENCE: ("Harassment causing fear of violence", f"{_PHA}, section 4"),
    Offence.STALKING: ("Stalking", f"{_PHA}, section 2A"),
    Offence.HARASSMENT: ("Harassment", f"{_PHA}, section 2"),
    Offence.ORDER_BREACH: (
        "Breaking a court order or bail conditions",
        "Depends on the order: Stalking Protection Act 2019 s8, Family Law Act 1996 s42A, Sentencing Act 2020 s363",
    ),
    Offence.OTHER: (
        "Other crimes, such as threats, violence or damage",
        "For example threats, assault, sexual offences or criminal damage",
    ),
}
_ORDER = tuple(Offence)


@dataclass(frozen=True)
class CriteriaAnswers:
    """The victim's answers to the guided criteria questions; every field has a 'not sure' default."""

    occasions: Occasions = Occasions.NOT_SURE
    unwanted: Unwanted = Unwanted.NOT_SURE
    feelings: frozenset[Feeling] = frozenset()
    feared_violence_times: FearCount | None = None
    daily_life_changes: frozenset[DailyLifeChange] = frozenset()
    behaviours: frozenset[Behaviour] = frozenset()
    relationship: Relationship = Relationship.NOT_KNOWN
    order_broken: bool = False

    def __post_init__(self) -> None:
        for name in ("feelings", "daily_life_changes", "behaviours"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))


@dataclass(frozen=True)
class Indication:
    """One offence the answers may point to, explained to the victim, with the answers that led to it."""

    offence: Offence
    explanation: str
    reasons: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        """Return the stable offence code, e.g. 's2A'."""
        return self.offence.value

    @property
    def title(self) -> str:
        """Return the plain title of the offence."""
        return self.offence.title


@dataclass(frozen=True)
class FourSigns:
    """The College of Policing FOUR prompt: fixated, obsessive, unwanted, repeated."""

    fixated: bool
    obsessive: bool
    unwanted: bool
    repeated: bool

    @property
    def count(self) -> int:
        """Return how many of the four signs are present."""
        return sum((self.fixated, self.obsessive, self.unwanted, self.repeated))

    @property
    def all(self) -> bool:
        """Say whether all four signs are present."""
        return self.count == 4


@dataclass(frozen=True)
class CriteriaAssessment:
    """Advisory result: possible offences, a summary and helpful messages; reporting is always possible."""

    indications: tuple[Indication, ...]
    summary: str
    messages: tuple[str, ...]
    fixated_obsessive: FourSigns
    course_of_conduct: bool | None
    think_stalking_first: bool
    domestic: bool
    stalking_behaviours: tuple[Behaviour, ...]
    can_report: bool = field(default=True)

    @property
    def offence_codes(self) -> tuple[str, ...]:
        """Return the indicated offence codes, most serious first."""
        return tuple(indication.code for indication in self.indications)


# Watching, following and monitoring show preoccupation beyond contact alone.
_OBSESSIVE_BEHAVIOURS = frozenset(
    {
        Behaviour.FOLLOWING,
        Behaviour.TURNING_UP,
        Behaviour.WATCHING,
        Behaviour.TRACKING,
        Behaviour.ACCOUNT_ACCESS,
        Behaviour.CONTACTING_OTHERS,
        Behaviour.CHILDREN_USED,
    }
)
# Three or more different ways of getting at someone shows a fixation even when the count is unclear.
FIXATED_BEHAVIOUR_COUNT = 3
_REPEATED = frozenset({Occasions.TWO_TO_FIVE, Occasions.MORE, Occasions.LOST_COUNT})
_FIXATED = frozenset({Occasions.MORE, Occasions.LOST_COUNT})

_EXPLANATIONS = {
    Offence.FEAR_OF_VIOLENCE_STALKING: (
        "Stalking is more serious when it makes you fear violence on two or more occasions, or causes you "
        "serious alarm or distress that changes your day-to-day life."
    ),
    Offence.FEAR_OF_VIOLENCE: (
        "Harassment is more serious when it makes you fear, on two or more occasions, that violence will be used."
    ),
    Offence.STALKING: (
        "Stalking is harassment that includes things like following you, contacting you again and again, "
        "watching you, tracking you or getting into your accounts."
    ),
    Offence.HARASSMENT: (
        "Harassment is behaviour on two or more occasions that causes you alarm or distress. What matters is how "
        "a reasonable person would see it, not what the person says they meant."
    ),
    Offence.ORDER_BREACH: (
        "Breaking a court order or bail conditions is a crime in its own right, even if it happened only once."
    ),
    Offence.OTHER: (
        "Threats, violence, sexual violence and damage to your things can be crimes in their own right, "
        "even if they happened only once."
    ),
}

MESSAGE_ONCE = (
    "Even if it has happened once, it may still be a crime. Please report it: if it happens again, "
    "we can link it to this report."
)
MESSAGE_ONCE_SEVERAL_BEHAVIOURS = "If the things you ticked happened at different times, that counts as more than once."
MESSAGE_OCCASIONS_NOT_SURE = (
    "If it has happened on two or more occasions, even in different ways or weeks apart, it may be harassment "
    "or stalking. Please report it and tell us what you remember."
)
MESSAGE_NO_NEED_TO_TELL = "You do not need to have told them to stop for it to be a crime."
MESSAGE_NOT_SAFE = "You do not need to have told them to stop, and you should never put yourself at risk to do so."
MESSAGE_UNWANTED_UNSURE = "If you are worried about what they are doing, you can still report it."
MESSAGE_FEELINGS = (
    "The police look at what a reasonable person would think of the behaviour, so it may still be a crime "
    "however it has made you feel."
)
MESSAGE_FEAR_ONCE = "If you have been afraid violence would be used on more than one occasion, tell us about each time."
MESSAGE_FEAR_NOT_SURE = (
    "Tell us about each time you were afraid violence would be used; an officer can help you work out when."
)
MESSAGE_CHANGES = "Tell us how it has changed your day-to-day life: it helps show how serious this is."
MESSAGE_EX_PARTNER = "When an ex-partner keeps behaving like this, the police treat it as stalking first."
MESSAGE_DOMESTIC = (
    "Because they are or were your partner or a family member, this may also be domestic abuse. Support is available."
)
MESSAGE_ALWAYS = "Only the police can decide what offence it is, and you can report it whatever your answers."


def four_signs(answers: CriteriaAnswers) -> FourSigns:
    """Return which FOUR signs (fixated, obsessive, unwanted, repeated) the answers show."""
    repeated = answers.occasions in _REPEATED or answers.feared_violence_times is FearCount.TWICE_OR_MORE
    fixated = answers.occasions in _FIXATED or len(stalking_behaviours(answers.behaviours)) >= FIXATED_BEHAVIOUR_COUNT
    return FourSigns(
        fixated=fixated,
        obsessive=bool(answers.behaviours & _OBSESSIVE_BEHAVIOURS),
        unwanted=answers.unwanted in {Unwanted.YES, Unwanted.NOT_SAFE_TO},
        repeated=repeated,
    )


def _fear_count(answers: CriteriaAnswers) -> FearCount | None:
    if answers.feared_violence_times is not None:
        return answers.feared_violence_times
    if Feeling.AFRAID_OF_VIOLENCE in answers.feelings:
        return FearCount.NOT_SURE
    return None


def _labels(items: Iterable[Behaviour]) -> tuple[str, ...]:
    return tuple(item.label[0].lower() + item.label[1:] for item in items)


def assess(answers: CriteriaAnswers) -> CriteriaAssessment:
    """Return the advisory offence indications, summary and messages for a victim's answers."""
    four = four_signs(answers)
    repeated = four.repeated
    stalking_acts = stalking_behaviours(answers.behaviours)
    harm = tuple(f for f in Feeling if f in answers.feelings and f in HARM_FEELINGS)
    fear = _fear_count(answers)
    ex_partner_pattern = repeated and answers.relationship is Relationship.EX_PARTNER
    harassment = repeated and (bool(harm) or four.all)
    stalking = harassment and (bool(stalking_acts) or four.all or ex_partner_pattern)
    feared_twice = fear is FearCount.TWICE_OR_MORE
    changes = tuple(c for c in DailyLifeChange if c in answers.daily_life_changes)

    occasions_reason = f"it has happened {_OCCASION_LABELS[answers.occasions].lower()}"
    if answers.occasions not in _REPEATED and feared_twice:
        occasions_reason = "you have feared violence on two or more occasions"
    harm_reasons = tuple(_FEELING_REASONS[f] for f in harm)
    found: dict[Offence, tuple[str, ...]] = {}
    if stalking:
        reasons = [occasions_reason, *harm_reasons, *_labels(stalking_acts)]
        if four.all:
            reasons.append("fixated, obsessive, unwanted and repeated behaviour")
        if ex_partner_pattern:
            reasons.append("they are your ex-partner")
        found[Offence.STALKING] = tuple(reasons)
        if feared_twice or changes:
            s4a_reasons = ["you have feared violence on two or more occasions"] if feared_twice else []
            s4a_reasons += [_CHANGE_REASONS[c] for c in changes]
            found[Offence.FEAR_OF_VIOLENCE_STALKING] = tuple(s4a_reasons)
    elif harassment:
        found[Offence.HARASSMENT] = (occasions_reason, *harm_reasons)
        if feared_twice:
            found[Offence.FEAR_OF_VIOLENCE] = ("you have feared violence on two or more occasions",)
    if answers.order_broken or Behaviour.ORDER_BREACH in answers.behaviours:
        found[Offence.ORDER_BREACH] = ("a court order or bail conditions were broken",)
    standalone = tuple(b for b in Behaviour if b in answers.behaviours and b in STANDALONE_OFFENCE_BEHAVIOURS)
    if standalone:
        found[Offence.OTHER] = _labels(standalone)

    indications = tuple(Indication(o, _EXPLANATIONS[o], found[o]) for o in _ORDER if o in found)
    return CriteriaAssessment(
        indications=indications,
        summary=_summary(indications, answers.occasions),
        messages=_messages(answers, four, fear, stalking, bool(harm), changes),
        fixated_obsessive=four,
        course_of_conduct=True if repeated else (False if answers.occasions is Occasions.ONCE else None),
        think_stalking_first=ex_partner_pattern,
        domestic=answers.relationship.is_domestic,
        stalking_behaviours=stalking_acts,
    )


def _summary(indications: tuple[Indication, ...], occasions: Occasions) -> str:
    if not indications:
        if occasions is Occasions.ONCE:
            return "It may still be a crime, even if it has happened once. Please report it."
        return (
            "We cannot suggest an offence from these answers alone, but please report it: "
            "an officer will look at everything you tell us."
        )
    # Name the most serious course-of-conduct offence only; the lesser one it includes would read as repetition.
    course = [i for i in indications if i.offence not in {Offence.ORDER_BREACH, Offence.OTHER}][:1]
    others = [i for i in indications if i.offence in {Offence.ORDER_BREACH, Offence.OTHER}]
    phrases = [i.title.lower() for i in course + others]
    joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return f"From your answers, this may include: {joined}. Please report it: an officer will look at everything."


def _messages(
    answers: CriteriaAnswers,
    four: FourSigns,
    fear: FearCount | None,
    stalking: bool,
    harmed: bool,
    changes: tuple[DailyLifeChange, ...],
) -> tuple[str, ...]:
    messages: list[str] = []
    if answers.occasions is Occasions.ONCE and not four.repeated:
        messages.append(MESSAGE_ONCE)
        if len(answers.behaviours - {Behaviour.OTHER}) >= 2:
            messages.append(MESSAGE_ONCE_SEVERAL_BEHAVIOURS)
    elif answers.occasions is Occasions.NOT_SURE and not four.repeated:
        messages.append(MESSAGE_OCCASIONS_NOT_SURE)
    if answers.unwanted is Unwanted.NOT_SAFE_TO:
        messages.append(MESSAGE_NOT_SAFE)
    elif answers.unwanted in {Unwanted.NO, Unwanted.NOT_SURE}:
        messages.append(MESSAGE_UNWANTED_UNSURE)
    else:
        messages.append(MESSAGE_NO_NEED_TO_TELL)
    if not harmed:
        messages.append(MESSAGE_FEELINGS)
    if fear is FearCount.ONCE:
        messages.append(MESSAGE_FEAR_ONCE)
    elif fear is FearCount.NOT_SURE:
        messages.append(MESSAGE_FEAR_NOT_SURE)
    if changes and not stalking:
        messages.append(MESSAGE_CHANGES)
    if four.repeated and answers.relationship is Relationship.EX_PARTNER:
        messages.append(MESSAGE_EX_PARTNER)
    if answers.relationship.is_domestic:
        messages.append(MESSAGE_DOMESTIC)
    messages.append(MESSAGE_ALWAYS)
    return tuple(messages)
