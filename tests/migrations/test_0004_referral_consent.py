"""Migration 0004 dates the consent of referrals made before it: when and by whom the referral was made."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from app.extensions import db
from app.models import Case, Referral, ReferralConsent, Role
from app.services.casework import referrals
from tests.factories import as_actor
from tests.migrations.test_migrations import MIGRATIONS
from tests.web.cases.helpers import make_case, make_officer


def test_existing_referrals_get_their_consent_dated_from_when_they_were_made(app_ctx):
    officer = make_officer()
    case = make_case(owner=officer)
    referral = referrals.make_referral(case.id, as_actor(officer), partner_code="paladin",
                                       consent=ReferralConsent.NOT_ASKED,
                                       consent_note="Not safe to talk yet", reason=None,
                                       expected_version=db.session.get(Case, case.id).version)
    referral_id, officer_id, made = referral.id, officer.id, datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    referral.proposed_at = made
    referral.consent_recorded_at = datetime(2026, 2, 1, tzinfo=UTC)
    referral.consent_recorded_by_id = make_officer(role=Role.SUPERVISOR).id
    db.session.commit()
    db.session.remove()

    downgrade(directory=str(MIGRATIONS), revision="0003")
    with db.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("referral")}
    assert "consent_recorded_at" not in columns and "consent_recorded_by_id" not in columns
    upgrade(directory=str(MIGRATIONS))

    stored = db.session.scalar(select(Referral).where(Referral.id == referral_id))
    assert (stored.consent_recorded_at, stored.consent_recorded_by_id) == (made, officer_id)
    assert (stored.consent, stored.consent_note) == (ReferralConsent.NOT_ASKED, "Not safe to talk yet")
