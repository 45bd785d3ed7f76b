"""The one set of errors services raise. `app.web.service_calls` turns each into the page the person sees.

- NotFound: the record does not exist (or the person may not know it exists): a 404 page.
- Forbidden: the person may not see or change it: a 403 page.
- Conflict: the request clashes with the record's state (already triaged, already claimed): the page again
  with the message.
- Stale: someone changed the record after the form was loaded: the form again, with what was typed.
- FieldError: a value breaks a rule: the form again, the message against the field it names.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A use case could not be completed for a reason the person can be told."""

    # Set on errors raised after work that must be kept (a failed-attempt counter, an audited refusal):
    # the transaction boundary commits that work before passing the error on, instead of rolling it back.
    keep_changes = False

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """No such record, or none this person may know about."""


class Forbidden(ServiceError):
    """The person may not see or change this record."""


class Conflict(ServiceError):
    """The record's state does not allow this now."""


class Stale(Conflict):
    """The record changed since the person loaded the form."""

    DEFAULT = ("Someone else changed this after you opened it. Your changes were not saved: "
               "check it as it is now, then make your change again.")

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.DEFAULT)


class FieldError(ServiceError):
    """One or more values break a rule; `errors` maps each form field's name to its message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.errors: dict[str, str] = {field: message}

    @property
    def field(self) -> str:
        return next(iter(self.errors))

    @classmethod
    def many(cls, errors: dict[str, str]) -> FieldError:
        """One error carrying a message for each of several fields."""
        field, message = next(iter(errors.items()))
        error = cls(field, message)
        error.errors = dict(errors)
        return error
