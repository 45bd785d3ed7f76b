"""What leaving the site in a hurry must undo. Other parts register their clean-up here."""

from __future__ import annotations

from collections.abc import Callable

_HOOKS: list[Callable[[], None]] = []


def on_exit(hook: Callable[[], None]) -> Callable[[], None]:
    """Register a function that removes unsaved state when the person exits."""
    _HOOKS.append(hook)
    return hook


def run_exit_hooks() -> None:
    for hook in _HOOKS:
        hook()
