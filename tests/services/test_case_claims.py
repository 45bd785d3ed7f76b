"""Picking up cases: one owner per case however many officers claim at once.

On PostgreSQL 20 threads claim at the same moment, each on its own connection, released together by a
barrier. SQLite serialises writers, so there the same claims run one after another and the same
invariants are checked.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.models import Case, CaseEvent, Role, StaffUser
from app.services.casework.claims import AlreadyClaimed, claim_case, claim_next
from app.services.errors import Forbidden
from tests.factories import as_actor, make_staff
from tests.web.cases.helpers import make_case

OFFICERS = 20


def _run_claims(app, engine_name: str, officer_ids: list[int], claim) -> dict[int, object]:
    """Run claim(officer) for each officer; concurrently on PostgreSQL; returns what each was told."""
    told: dict[int, object] = {}
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool) \
        if engine_name == "postgresql" else None
    barrier = threading.Barrier(len(officer_ids)) if engine else None

    def one(officer_id: int) -> None:
        with app.app_context():
            if engine is not None:
                # Its own session on its own connection, as a separate web worker would have.
                db.session.registry.set(Session(db, bind=engine))
            officer = db.session.get(StaffUser, officer_id)
            db.session.commit()
            if barrier is not None:
                barrier.wait(timeout=30)
            try:
                result = claim(as_actor(officer))
                told[officer_id] = result.id if result is not None else None
            except AlreadyClaimed as error:
                told[officer_id] = error
            finally:
                db.session.remove()

    if engine is None:
        for officer_id in officer_ids:
            one(officer_id)
    else:
        threads = [threading.Thread(target=one, args=(officer_id,)) for officer_id in officer_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        engine.dispose()
    assert len(told) == len(officer_ids), "every officer got an answer"
    return told


def test_twenty_officers_claiming_the_next_case_each_get_a_different_one(app_ctx, engine_name):
    officers = [make_staff(role=Role.OFFICER).id for _ in range(OFFICERS)]
    cases = [make_case(priority_rank=1 + i % 3).id for i in range(12)]
    db.session.remove()

    told = _run_claims(app_ctx, engine_name, officers, claim_next)

    claimed = {officer: case_id for officer, case_id in told.items() if case_id is not None}
    assert len(claimed) == 12, "every case was picked up once and 8 officers were told the pool is empty"
    assert sorted(claimed.values()) == sorted(cases), "no case went to two officers"
    owners = dict(db.session.execute(select(Case.id, Case.owner_id)).all())
    for officer, case_id in claimed.items():
        assert owners[case_id] == officer, "nobody was told they have a case they do not"
    events = Counter(db.session.scalars(select(CaseEvent.case_id).where(CaseEvent.kind == "claimed")))
    assert events == Counter(cases), "one claim event per case"


def test_twenty_officers_claiming_the_same_case_exactly_one_wins(app_ctx, engine_name):
    officers = [make_staff(role=Role.OFFICER).id for _ in range(OFFICERS)]
    case_id = make_case().id
    db.session.remove()

    told = _run_claims(app_ctx, engine_name, officers, lambda officer: claim_case(case_id, officer))

    winners = [officer for officer, result in told.items() if result == case_id]
    assert len(winners) == 1
    losers = [result for result in told.values() if isinstance(result, AlreadyClaimed)]
    assert len(losers) == OFFICERS - 1
    winner = db.session.get(StaffUser, winners[0])
    assert all(winner.name in str(error) for error in losers), "the others are told who has it"
    assert db.session.get(Case, case_id).owner_id == winner.id


def test_the_pool_gives_the_most_urgent_then_the_oldest(app_ctx):
    officer = make_staff(role=Role.OFFICER)
    standard = make_case(priority_rank=3)
    urgent_old = make_case(priority_rank=1)
    urgent_new = make_case(priority_rank=1)
    assert [claim_next(as_actor(officer)).id for _ in range(3)] == [urgent_old.id, urgent_new.id, standard.id]
    assert claim_next(as_actor(officer)) is None


def test_a_case_opened_for_a_named_officer_is_never_in_the_pool(app_ctx):
    named = make_staff(role=Role.OFFICER)
    other = make_staff(role=Role.OFFICER)
    case = make_case(owner=named)
    assert case.owner_id == named.id
    assert claim_next(as_actor(other)) is None
    with pytest.raises(AlreadyClaimed):
        claim_case(case.id, as_actor(other))


@pytest.mark.parametrize("role", [Role.CALL_HANDLER, Role.SUPERVISOR, Role.ADMIN])
def test_only_officers_pick_up_cases(app_ctx, role):
    case = make_case()
    with pytest.raises(Forbidden):
        claim_case(case.id, as_actor(make_staff(role=role)))
    assert db.session.get(Case, case.id).owner_id is None
