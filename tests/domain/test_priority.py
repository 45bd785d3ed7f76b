from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.behaviours import Behaviour
from app.domain.priority import (
    DEFAULT_SLA_TARGETS,
    Danger,
    Priority,
    PriorityRules,
    Reason,
    ReportFacts,
    assess_priority,
    describe_time_left,
    is_overdue,
    most_urgent,
    sla_due,
    sort_key,
)

FAST = settings(max_examples=100, deadline=None)
B = Behaviour
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# (case, facts, priority, reasons in order)
CASES = [
    ("nothing", ReportFacts(), Priority.STANDARD, ()),
    ("contact only", ReportFacts(behaviours={B.CALLS, B.MESSAGES}), Priority.STANDARD, ()),
    ("in danger now", ReportFacts(in_danger_now=Danger.YES), Priority.URGENT, ("in danger now",)),
    ("not sure if safe", ReportFacts(in_danger_now=Danger.NOT_SURE), Priority.HIGH, ("not sure they are safe now",)),
    ("threats", ReportFacts(threats=True), Priority.HIGH, ("threats of violence",)),
    ("threats ticked", ReportFacts(behaviours={B.THREATS}), Priority.HIGH, ("threats of violence",)),
    ("violence, long ago", ReportFacts(violence=True, days_since_last_incident=30), Priority.HIGH, ("violence used",)),
    ("violence, date unknown", ReportFacts(behaviours={B.VIOLENCE}), Priority.HIGH, ("violence used",)),
    ("sexual violence", ReportFacts(behaviours={B.SEXUAL_VIOLENCE}), Priority.HIGH, ("sexual violence",)),
    (
        "violence this week",
        ReportFacts(violence=True, days_since_last_incident=7),
        Priority.URGENT,
        ("violence used", "recent incident"),
    ),
    (
        "violence today",
        ReportFacts(behaviours={B.VIOLENCE}, days_since_last_incident=0),
        Priority.URGENT,
        ("violence used", "recent incident"),
    ),
    ("violence eight days ago", ReportFacts(violence=True, days_since_last_incident=8), Priority.HIGH, None),
    ("recent, no violence", ReportFacts(behaviours={B.FOLLOWING}, days_since_last_incident=1), Priority.STANDARD, ()),
    ("weapons alone", ReportFacts(weapons_access=True), Priority.HIGH, ("access to weapons",)),
    (
        "weapons and threats",
        ReportFacts(weapons_access=True, threats=True),
        Priority.URGENT,
        ("access to weapons", "threats of violence"),
    ),
    (
        "weapons and old violence",
        ReportFacts(weapons_access=True, violence=True, days_since_last_incident=60),
        Priority.URGENT,
        ("violence used", "access to weapons"),
    ),
    (
        "violence escalating",
        ReportFacts(violence=True, frequency_increasing=True),
        Priority.URGENT,
        ("violence used", "escalating"),
    ),
    ("escalating", ReportFacts(frequency_increasing=True), Priority.HIGH, ("escalating",)),
    ("children at risk", ReportFacts(children_at_risk=True), Priority.HIGH, ("children at risk",)),
    (
        "children used",
        ReportFacts(behaviours={B.CHILDREN_USED}),
        Priority.HIGH,
        ("children used to watch or pass messages",),
    ),
    ("order broken", ReportFacts(order_broken=True), Priority.HIGH, ("order broken",)),
    ("order breach ticked", ReportFacts(behaviours={B.ORDER_BREACH}), Priority.HIGH, ("order broken",)),
    ("feared violence", ReportFacts(feared_violence=True), Priority.HIGH, ("afraid of violence",)),
    ("repeat suspect", ReportFacts(repeat_suspect_reports=1), Priority.HIGH, ("repeat suspect",)),
    ("19 incidents", ReportFacts(incident_count=19), Priority.STANDARD, ()),
    ("20 incidents", ReportFacts(incident_count=20), Priority.HIGH, ("many incidents",)),
    ("update with incidents", ReportFacts(is_victim_update=True, incident_count=2), Priority.HIGH, None),
    ("update, evidence only", ReportFacts(is_victim_update=True, incident_count=0), Priority.STANDARD, ()),
    (
        "several high factors, ordered",
        ReportFacts(repeat_suspect_reports=3, order_broken=True, threats=True, children_at_risk=True),
        Priority.HIGH,
        ("threats of violence", "children at risk", "order broken", "repeat suspect"),
    ),
    (
        "danger now lists only what made it urgent",
        ReportFacts(in_danger_now=Danger.YES, repeat_suspect_reports=2),
        Priority.URGENT,
        ("in danger now",),
    ),
]


@pytest.mark.parametrize(("case", "facts", "priority", "reasons"), CASES, ids=[case[0] for case in CASES])
def test_priority_and_reasons(case, facts, priority, reasons):
    result = assess_priority(facts)
    assert result.priority is priority
    if reasons is not None:
        assert result.reasons == reasons
    assert bool(result.reasons) == (priority is not Priority.STANDARD)


def test_rules_are_configurable():
    facts = ReportFacts(violence=True, days_since_last_incident=10, incident_count=5)
    assert assess_priority(facts).priority is Priority.HIGH
    assert assess_priority(facts, PriorityRules(recent_days=14)).priority is Priority.URGENT
    assert "many incidents" in assess_priority(facts, PriorityRules(many_incidents=5)).reasons
    assert assess_priority(ReportFacts(repeat_suspect_reports=1), PriorityRules(repeat_suspect_reports=2)).reasons == ()


def test_reason_texts_are_plain():
    assert [str(r) for r in Reason][:3] == ["in danger now", "not sure they are safe now", "violence used"]
    for reason in Reason:
        assert reason.value == reason.value.lower()


def test_priority_ranks_and_labels():
    assert [(p.rank, p.label, p.code) for p in Priority] == [
        (1, "Urgent", "urgent"),
        (2, "High", "high"),
        (3, "Standard", "standard"),
    ]
    assert most_urgent(Priority.STANDARD, Priority.HIGH) is Priority.HIGH
    assert most_urgent(Priority.URGENT, Priority.STANDARD) is Priority.URGENT


def test_sort_key_orders_by_priority_then_age():
    queue = [
        (Priority.STANDARD, RECEIVED - timedelta(days=3)),
        (Priority.HIGH, RECEIVED),
        (Priority.URGENT, RECEIVED),
        (Priority.HIGH, RECEIVED - timedelta(hours=2)),
    ]
    ordered = sorted(queue, key=lambda row: sort_key(*row))
    assert ordered == [queue[2], queue[3], queue[1], queue[0]]


@pytest.mark.parametrize(
    ("priority", "due"),
    [
        (Priority.URGENT, RECEIVED + timedelta(hours=1)),
        (Priority.HIGH, RECEIVED + timedelta(hours=8)),
        (Priority.STANDARD, RECEIVED + timedelta(hours=48)),
    ],
)
def test_default_sla(priority, due):
    assert sla_due(RECEIVED, priority) == due


def test_sla_targets_are_configurable_and_complete():
    targets = {Priority.URGENT: timedelta(minutes=30), Priority.HIGH: timedelta(hours=4)}
    assert sla_due(RECEIVED, Priority.URGENT, targets) == RECEIVED + timedelta(minutes=30)
    with pytest.raises(ValueError, match="Standard"):
        sla_due(RECEIVED, Priority.STANDARD, targets)
    assert set(DEFAULT_SLA_TARGETS) == set(Priority)
    assert (
        DEFAULT_SLA_TARGETS[Priority.URGENT]
        < DEFAULT_SLA_TARGETS[Priority.HIGH]
        < DEFAULT_SLA_TARGETS[Priority.STANDARD]
    )


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(minutes=25), "Due in 25 min"),
        (timedelta(minutes=25, seconds=59), "Due in 25 min"),
        (timedelta(hours=3, minutes=10), "Due in 3 hr 10 min"),
        (timedelta(hours=1), "Due in 1 hr"),
        (timedelta(minutes=59), "Due in 59 min"),
        (timedelta(seconds=30), "Due in less than 1 min"),
        (timedelta(0), "Due in less than 1 min"),
        (timedelta(hours=23, minutes=59), "Due in 23 hr 59 min"),
        (timedelta(days=1), "Due in 1 day"),
        (timedelta(days=1, hours=5, minutes=12), "Due in 1 day 5 hr"),
        (timedelta(days=2), "Due in 2 days"),
        (-timedelta(seconds=1), "Overdue by less than 1 min"),
        (-timedelta(hours=1), "Overdue by 1 hr"),
        (-timedelta(hours=1, minutes=5), "Overdue by 1 hr 5 min"),
        (-timedelta(minutes=45), "Overdue by 45 min"),
        (-timedelta(days=3, hours=2), "Overdue by 3 days 2 hr"),
    ],
)
def test_describe_time_left(left, text):
    now = RECEIVED
    assert describe_time_left(now, now + left) == text
    assert is_overdue(now, now + left) == (left < timedelta(0))


facts_strategy = st.builds(
    ReportFacts,
    in_danger_now=st.sampled_from(Danger),
    behaviours=st.frozensets(st.sampled_from(Behaviour)),
    threats=st.booleans(),
    violence=st.booleans(),
    weapons_access=st.booleans(),
    children_at_risk=st.booleans(),
    children_used=st.booleans(),
    order_broken=st.booleans(),
    frequency_increasing=st.booleans(),
    days_since_last_incident=st.none() | st.integers(0, 400),
    feared_violence=st.booleans(),
    incident_count=st.none() | st.integers(0, 500),
    repeat_suspect_reports=st.integers(0, 10),
    is_victim_update=st.booleans(),
)


@FAST
@given(facts_strategy)
def test_reasons_are_known_unique_and_ordered(facts):
    result = assess_priority(facts)
    order = [str(r) for r in Reason]
    assert list(result.reasons) == sorted(set(result.reasons), key=order.index)


@FAST
@given(facts_strategy)
def test_danger_now_is_always_urgent_and_more_risk_never_lowers(facts):
    base = assess_priority(facts).priority
    worse = ReportFacts(**{**facts.__dict__, "threats": True, "weapons_access": True})
    assert assess_priority(worse).priority.rank <= base.rank
    danger = ReportFacts(**{**facts.__dict__, "in_danger_now": Danger.YES})
    assert assess_priority(danger).priority is Priority.URGENT


@FAST
@given(st.integers(-10_000, 10_000))
def test_describe_time_left_always_says_due_or_overdue(minutes):
    text = describe_time_left(RECEIVED, RECEIVED + timedelta(minutes=minutes))
    assert text.startswith("Due in " if minutes >= 0 else "Overdue by ")
