"""Form validators shared by every blueprint's forms."""

from __future__ import annotations

from wtforms.validators import InputRequired


class Required(InputRequired):
    """InputRequired without the `required` attribute: GOV.UK pages validate on the server only."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)
        self.field_flags = {}
