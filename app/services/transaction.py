"""The transaction boundary: a service use case commits once, here, or rolls back.

In the style of notifications-api's `autocommit`: the decorated function does its work in the session;
when the outermost decorated call returns, the work is committed; when it raises, it is rolled back
(unless the error says the work done so far must be kept). Calls nested inside another use case join
its transaction. Routes never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar, overload

from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.services.errors import ServiceError, Stale

P = ParamSpec("P")
R = TypeVar("R")
_DEPTH = "autocommit_depth"
_ON_COMMIT = "autocommit_on_commit"
_ON_ROLLBACK = "autocommit_on_rollback"


def on_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current use case has committed (delete stored files a row no longer names)."""
    db.session.info.setdefault(_ON_COMMIT, []).append(callback)


def on_rollback(callback: Callable[[], None]) -> None:
    """Run `callback` if the current use case rolls back (remove files written for rows that were not kept)."""
    db.session.info.setdefault(_ON_ROLLBACK, []).append(callback)


def _finish(committed: bool) -> None:
    session = db.session
    callbacks = session.info.pop(_ON_COMMIT, []) if committed else session.info.pop(_ON_ROLLBACK, [])
    session.info.pop(_ON_ROLLBACK if committed else _ON_COMMIT, None)
    for callback in callbacks:
        callback()


def _commit() -> None:
    db.session.commit()
    _finish(committed=True)


def _rollback() -> None:
    db.session.rollback()
    _finish(committed=False)


@overload
def autocommit(function: Callable[P, R]) -> Callable[P, R]: ...


@overload
def autocommit(*, stale: type[Stale] = Stale) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def autocommit(function: Callable[P, R] | None = None, *,
               stale: type[Stale] = Stale) -> Callable[P, R] | Callable[[Callable[P, R]], Callable[P, R]]:
    """Run a use case in one transaction; a lost optimistic-lock race becomes `stale` (a Stale error)."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            session = db.session
            depth = session.info.get(_DEPTH, 0)
            session.info[_DEPTH] = depth + 1
            outermost = depth == 0
            try:
                result = func(*args, **kwargs)
                if outermost:
                    _commit()
                return result
            except StaleDataError:
                if outermost:
                    _rollback()
                raise stale() from None
            except ServiceError as error:
                if outermost:
                    if error.keep_changes:
                        _commit()
                    else:
                        _rollback()
                raise
            except BaseException:
                if outermost:
                    _rollback()
                raise
            finally:
                session.info[_DEPTH] = depth

        return wrapper

    return decorate(function) if function is not None else decorate
