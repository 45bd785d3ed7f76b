"""The behaviours checklist: stable codes, plain-English labels and which ones s2A(3) associates with stalking."""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass
from enum import StrEnum


class Behaviour(StrEnum):
    """One thing the person has done; the value is the stable code stored with a report."""

    FOLLOWING = "following"
    TURNING_UP = "turning_up"
    WATCHING = "watching"
    CALLS = "calls"
    MESSAGES = "messages"
    EMAILS = "emails"
    LETTERS = "letters"
    SOCIAL_MEDIA = "social_media"
    PUBLISHING = "publishing"
    GIFTS = "gifts"
    TRACKING = "tracking"
    ACCOUNT_ACCESS = "account_access"
    CONTACTING_OTHERS = "contacting_others"
    CHILDREN_USED = "children_used"
    PROPERTY_DAMAGE = "property_damage"
    THREATS = "threats"
    VIOLENCE = "violence"
    SEXUAL_VIOLENCE = "sexual_violence"
    ORDER_BREACH = "order_breach"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Return the checklist label shown to the victim."""
        return BEHAVIOURS[self].label

    @property
    def hint(self) -> str:
        """Return the short hint shown under the label."""
        return BEHAVIOURS[self].hint

    @property
    def stalking_associated(self) -> bool:
        """Say whether this is an act s2A(3) associates with stalking."""
        return BEHAVIOURS[self].s2a_paragraph is not None

    @property
    def s2a_paragraph(self) -> str | None:
        """Return the s2A(3) paragraph this act falls under, for officers, or None."""
        return BEHAVIOURS[self].s2a_paragraph


@dataclass(frozen=True)
class BehaviourInfo:
    """Label, hint and legal anchor for one behaviour."""

    label: str
    hint: str
    # Paragraphs of PHA 1997 s2A(3): (a) following, (b) contacting by any means, (c) publishing or
    # pretending to be them, (d) monitoring electronic communication, (e) loitering, (f) interfering
    # with property, (g) watching or spying. The list is non-exhaustive, so near relatives count too.
    s2a_paragraph: str | None


BEHAVIOURS: dict[Behaviour, BehaviourInfo] = {
    Behaviour.FOLLOWING: BehaviourInfo("Following you", "On foot, in a car or on public transport", "s2A(3)(a)"),
    Behaviour.TURNING_UP: BehaviourInfo(
        "Turning up at your home, work or school", "Or other places you go", "s2A(3)(b), (e)"
    ),
    Behaviour.WATCHING: BehaviourInfo(
        "Watching you or hanging around", "Near your home, work or elsewhere", "s2A(3)(e), (g)"
    ),
    Behaviour.CALLS: BehaviourInfo("Unwanted phone calls", "Including silent or withheld-number calls", "s2A(3)(b)"),
    Behaviour.MESSAGES: BehaviourInfo("Unwanted texts or messages", "On any app", "s2A(3)(b)"),
    Behaviour.EMAILS: BehaviourInfo("Unwanted emails", "", "s2A(3)(b)"),
    Behaviour.LETTERS: BehaviourInfo("Letters, cards or notes", "Posted, hand-delivered or left for you", "s2A(3)(b)"),
    Behaviour.SOCIAL_MEDIA: BehaviourInfo(
        "Contact or posts on social media", "Including new or fake accounts after being blocked", "s2A(3)(b)"
    ),
    Behaviour.PUBLISHING: BehaviourInfo(
        "Posting things about you or pretending to be you", "Online or anywhere else", "s2A(3)(c)"
    ),
    Behaviour.GIFTS: BehaviourInfo(
        "Sending or leaving gifts", "Including flowers or ordering things to your address", "s2A(3)(b)"
    ),
    Behaviour.TRACKING: BehaviourInfo(
        "Tracking where you are", "With a device on your car or things, or an app on your phone", "s2A(3)(d), (g)"
    ),
    Behaviour.ACCOUNT_ACCESS: BehaviourInfo(
        "Getting into your accounts or devices", "Email, social media, banking or your phone", "s2A(3)(d)"
    ),
    Behaviour.CONTACTING_OTHERS: BehaviourInfo(
        "Contacting your family, friends or employer", "To find out about you or pass on messages", "s2A(3)(b)"
    ),
    Behaviour.CHILDREN_USED: BehaviourInfo(
        "Using children to watch you or pass on messages", "Including at contact handovers or school", "s2A(3)(b), (g)"
    ),
    Behaviour.PROPERTY_DAMAGE: BehaviourInfo(
        "Damaging or interfering with your things", "Your home, car or belongings", "s2A(3)(f)"
    ),
    Behaviour.THREATS: BehaviourInfo("Threats", "To you, your family, pets or themselves", None),
    Behaviour.VIOLENCE: BehaviourInfo("Physical violence", "Against you or anyone else", None),
    Behaviour.SEXUAL_VIOLENCE: BehaviourInfo("Sexual violence or unwanted sexual contact", "", None),
    Behaviour.ORDER_BREACH: BehaviourInfo(
        "Breaking a court order or bail conditions", "Such as a restraining or non-molestation order", None
    ),
    Behaviour.OTHER: BehaviourInfo("Something else", "You can tell us about it in your own words", None),
}

STALKING_BEHAVIOURS: frozenset[Behaviour] = frozenset(b for b in Behaviour if b.stalking_associated)
VIOLENT_BEHAVIOURS: frozenset[Behaviour] = frozenset({Behaviour.VIOLENCE, Behaviour.SEXUAL_VIOLENCE})
# Crimes on their own whatever the number of occasions, so a single incident still has an offence to record.
STANDALONE_OFFENCE_BEHAVIOURS: frozenset[Behaviour] = frozenset(
    {Behaviour.THREATS, Behaviour.VIOLENCE, Behaviour.SEXUAL_VIOLENCE, Behaviour.PROPERTY_DAMAGE}
)


def stalking_behaviours(behaviours: Set[Behaviour]) -> tuple[Behaviour, ...]:
    """Return the stalking-associated behaviours among those given, in checklist order."""
    return tuple(b for b in Behaviour if b in behaviours and b.stalking_associated)


def parse_behaviours(codes: Iterable[str]) -> frozenset[Behaviour]:
    """Return behaviours from stored codes, raising ValueError on an unknown code."""
    return frozenset(Behaviour(code) for code in codes)
