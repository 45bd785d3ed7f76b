"""The safe-contact rules that hold now for a victim: the newest rules given, on a report or a later update."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.domain.answers import Contact, Reporter
from app.domain.safe_contact import SafeContactRules, safe_contact_rules
from app.extensions import db
from app.models import Case, Report, ReportUpdate


def rules_for_reports(reports: Iterable[Report], updates: Iterable[ReportUpdate]) -> SafeContactRules:
    """The rules from the newest contact answers (an update's win over its report's) and the newest reporter."""
    contact: Contact | None = None
    reporter: Reporter | None = None
    for report in sorted(reports, key=lambda r: r.received_at):
        answers = report.parsed_answers()
        contact = answers.contact if answers.contact.given else contact
        reporter = answers.reporter if answers.reporter.role else reporter
    for update in sorted(updates, key=lambda u: u.received_at):
        changed = update.contact()
        if changed is not None:
            contact = changed
    return safe_contact_rules(contact or Contact(), reporter)


def rules_for_case(case: Case) -> SafeContactRules:
    """The rules that hold for a case's victim, from every report linked to it now."""
    report_ids = [link.report_id for link in case.active_links]
    if not report_ids:
        return safe_contact_rules(Contact())
    reports = db.session.scalars(select(Report).where(Report.id.in_(report_ids)))
    updates = db.session.scalars(select(ReportUpdate).where(ReportUpdate.report_id.in_(report_ids)))
    return rules_for_reports(list(reports), list(updates))
