"""Officer casework, one use case family per module.

access (who may see or change a case), changes (the timeline events every change writes), opening (a case
from a triage decision), lists (the pool and my cases), case_page and timeline (what the case page shows),
status, supervision, claims, links, notes, contacts, referrals, risk, victim_contact, victims_code.
"""
