"""The triage queue: order, SLA figures, filters, keyset pagination (the query plan: test_triage_queue_plan.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.priority import Priority
from app.extensions import db
from app.models import Channel, Role
from app.services import triage_queue
from app.services.sla import sla_targets
from app.services.triage_queue import QueueFilters, decode_cursor, queue_page
from tests.factories import make_report, make_staff

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _report(rank: int, minutes_ago: int, **fields):
    fields.setdefault("received_at", NOW - timedelta(minutes=minutes_ago))
    fields.setdefault("awaiting_triage", True)
    return make_report(priority_rank=rank, queued_at=NOW - timedelta(minutes=minutes_ago), **fields)


def test_queue_is_most_urgent_first_then_oldest_then_id(app_ctx):
    standard_old = _report(3, 600)
    urgent_new = _report(1, 5)
    high = _report(2, 100)
    urgent_old = _report(1, 50)
    same_time_a = _report(2, 30)
    same_time_b = _report(2, 30)
    _report(1, 500, awaiting_triage=False)  # triaged already: not in the queue
    make_report(priority_rank=1, queued_at=NOW, awaiting_triage=False)

    rows = queue_page(now=NOW).rows

    assert [r.report_id for r in rows] == [urgent_old.id, urgent_new.id, high.id, same_time_a.id, same_time_b.id,
                                           standard_old.id]
    assert [r.priority for r in rows[:2]] == [Priority.URGENT, Priority.URGENT]


def test_rows_show_reference_reasons_channel_and_time_left_against_the_configured_sla(app_ctx):
    due_soon = _report(1, 35, priority_reasons=["threats of violence", "children at risk"], channel=Channel.PHONE)
    overdue = _report(1, 125)
    standard = _report(3, 60)

    rows = {r.report_id: r for r in queue_page(now=NOW).rows}

    assert rows[due_soon.id].reference == due_soon.reference
    assert rows[due_soon.id].reasons == ("threats of violence", "children at risk")
    assert rows[due_soon.id].channel is Channel.PHONE
    assert rows[due_soon.id].time_left == "Due in 25 min"  # urgent: 60 minutes by default
    assert not rows[due_soon.id].overdue
    assert rows[overdue.id].time_left == "Overdue by 1 hr 5 min"
    assert rows[overdue.id].overdue
    assert rows[standard.id].time_left == "Due in 1 day 23 hr"  # standard: 48 hours
    assert rows[standard.id].due_at == NOW + timedelta(hours=47)


def test_sla_targets_come_from_configuration(app_ctx, monkeypatch):
    report = _report(1, 35)
    monkeypatch.setitem(app_ctx.config, "SLA_MINUTES_URGENT", 30)

    row = queue_page(now=NOW).rows[0]

    assert sla_targets(app_ctx.config)[Priority.URGENT] == timedelta(minutes=30)
    assert row.report_id == report.id and row.time_left == "Overdue by 5 min" and row.overdue


def test_rows_say_who_has_a_report_open_until_the_claim_expires(app_ctx):
    handler = make_staff(role=Role.CALL_HANDLER, name="Alex Morgan")
    open_now = _report(1, 10, claimed_by_id=handler.id, claimed_at=NOW - timedelta(minutes=2),
                       claim_expires_at=NOW + timedelta(minutes=18))
    expired = _report(1, 5, claimed_by_id=handler.id, claimed_at=NOW - timedelta(minutes=40),
                      claim_expires_at=NOW - timedelta(minutes=20))

    rows = {r.report_id: r for r in queue_page(now=NOW).rows}

    assert rows[open_now.id].claimed_by == "Alex Morgan"
    assert rows[expired.id].claimed_by is None


def test_filters_by_priority_channel_and_overdue(app_ctx):
    urgent_phone_overdue = _report(1, 90, channel=Channel.PHONE)
    urgent_online = _report(1, 10)
    high_phone = _report(2, 20, channel=Channel.PHONE)
    high_overdue = _report(2, 9 * 60)
    standard = _report(3, 10)

    def ids(**filters):
        found = [r.report_id for r in queue_page(QueueFilters(**filters), now=NOW).rows]
        # The count the page shows ("3 of 5 match these filters") agrees with what the filters list.
        assert triage_queue.count_awaiting(QueueFilters(**filters), now=NOW) == len(found)
        return found

    assert ids(priority=Priority.URGENT) == [urgent_phone_overdue.id, urgent_online.id]
    assert ids(priority=Priority.STANDARD) == [standard.id]
    assert ids(channel=Channel.PHONE) == [urgent_phone_overdue.id, high_phone.id]
    assert ids(overdue_only=True) == [urgent_phone_overdue.id, high_overdue.id]
    assert ids(priority=Priority.HIGH, overdue_only=True) == [high_overdue.id]
    assert ids(priority=Priority.HIGH, channel=Channel.IN_PERSON) == []


def test_keyset_pagination_walks_the_whole_queue_once_in_order(app_ctx):
    reports = [_report(rank, minutes) for rank, minutes in
               [(2, 5), (1, 7), (3, 1), (1, 7), (2, 50), (3, 90), (1, 3), (2, 5)]]
    expected = [r.id for r in sorted(reports, key=lambda r: (r.priority_rank, r.queued_at, r.id))]

    seen, cursor, pages = [], None, 0
    while True:
        page = queue_page(cursor_token=cursor, now=NOW, limit=3)
        pages += 1
        seen += [r.report_id for r in page.rows]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == expected
    assert pages == 3


def test_cursor_is_opaque_signed_and_holds_no_reference(app_ctx):
    for minutes in (1, 2, 3):
        _report(1, minutes)
    page = queue_page(now=NOW, limit=2)
    token = page.next_cursor

    assert token and page.rows[1].reference not in token
    assert decode_cursor(token).report_id == page.rows[1].report_id
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert decode_cursor(tampered) is None
    assert decode_cursor("not-a-cursor") is None
    # A bad cursor shows the first page rather than an error.
    assert queue_page(cursor_token=tampered, now=NOW, limit=2).rows == page.rows


def test_victim_updates_are_flagged(app_ctx):
    from app.models import ReportUpdate

    report = _report(2, 10)
    db.session.add(ReportUpdate(report_id=report.id, answers={}, triaged=False))
    db.session.commit()

    assert queue_page(now=NOW).rows[0].has_update
