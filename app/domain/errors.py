"""Domain errors that services turn into a page or a form message."""


class DomainError(ValueError):
    """A business rule was broken by the values given."""


class InstrumentError(DomainError):
    """A risk instrument file is missing or invalid."""


class UnknownItemError(DomainError):
    """Answers name an item the instrument does not have."""


class OverrideReasonRequired(DomainError):
    """A professional-judgement override was given without a reason."""
