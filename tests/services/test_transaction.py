"""The one transaction boundary: a use case commits once or rolls back; nested use cases join it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from app.services import audit
from app.services.actor import Actor
from app.services.errors import Conflict, Stale
from app.services.transaction import autocommit, on_commit, on_rollback

SYSTEM = Actor.system("test")


def _events() -> int:
    db.session.rollback()  # read what is committed, not what this session holds
    return db.session.scalar(select(func.count(AuditEvent.id))) or 0


@autocommit
def _record(action: str = "test.one") -> None:
    audit.record(SYSTEM, action, "test", None)


@autocommit
def _record_then_fail(error: Exception) -> None:
    audit.record(SYSTEM, "test.failed", "test", None)
    raise error


@autocommit
def _outer_with_inner_failing() -> None:
    _record("test.outer")
    _record_then_fail(RuntimeError("inner"))


class _Counted(Conflict):
    keep_changes = True


def test_a_use_case_commits_its_work(app_ctx):
    _record()
    assert _events() == 1


@pytest.mark.parametrize("error", [RuntimeError("boom"), Conflict("no")])
def test_a_failure_rolls_back_everything_the_use_case_did(app_ctx, error):
    with pytest.raises(type(error)):
        _record_then_fail(error)
    assert _events() == 0


def test_an_error_that_keeps_changes_commits_them_then_refuses(app_ctx):
    with pytest.raises(_Counted):
        _record_then_fail(_Counted("counted"))
    assert _events() == 1


def test_a_nested_use_case_joins_the_outer_transaction(app_ctx):
    with pytest.raises(RuntimeError):
        _outer_with_inner_failing()
    assert _events() == 0, "the outer work went with the inner failure: one transaction"


def test_a_lost_optimistic_lock_becomes_stale(app_ctx):
    from sqlalchemy.orm.exc import StaleDataError

    with pytest.raises(Stale):
        _record_then_fail(StaleDataError("row changed"))


def test_callbacks_run_only_after_the_outcome(app_ctx):
    seen: list[str] = []

    @autocommit
    def works() -> None:
        on_commit(lambda: seen.append("committed"))
        on_rollback(lambda: seen.append("rolled back"))

    @autocommit
    def fails() -> None:
        on_commit(lambda: seen.append("committed"))
        on_rollback(lambda: seen.append("rolled back"))
        raise RuntimeError

    works()
    assert seen == ["committed"]
    with pytest.raises(RuntimeError):
        fails()
    assert seen == ["committed", "rolled back"]
