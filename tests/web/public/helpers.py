"""Walking the report journey through the real routes, as a browser would (CSRF token from each page)."""

from __future__ import annotations

import re

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def submit(client, url: str, data: dict | None = None, *, follow: bool = False, **kwargs):
    """GET the page, then POST the form on it with its CSRF token."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    payload = {"csrf_token": csrf_from(page.get_data(as_text=True)), **(data or {})}
    return client.post(url, data=payload, follow_redirects=follow, **kwargs)


FULL_ANSWERS = [
    ("/report/start", {"danger": "no"}),
    ("/report/who-is-reporting", {"role": "self"}),
    ("/report/how-many-times", {"occasions": "lost_count"}),
    ("/report/unwanted", {"unwanted": "not_safe_to"}),
    ("/report/feelings", {"feelings": ["afraid_of_violence", "anxious"], "feared_violence_times": "twice_or_more"}),
    ("/report/what-has-happened", {"selected": ["following", "emails", "threats"]}),
    ("/report/how-often", {"started": "about March 2025", "frequency": "daily", "increasing": "yes",
                           "most_recent": "yesterday", "count_emails": "over 400"}),
    ("/report/incidents/add", {"when": "about March 2025", "what": "Waited outside my work <script>alert(1)</script>",
                               "where": "Outside work", "witnesses": "A colleague", "evidence": "Doorbell video"}),
    ("/report/the-person", {"relationship": "ex_partner"}),
    ("/report/the-person/who-they-are", {"name": "Zoë Ōkawa-Smith", "other_names": "Z, Zed", "age_or_dob": "about 40",
                                         "address": "12 High St, Northtown", "postcode": "nt1 2ab"}),
    ("/report/the-person/more", {"description": "Tall", "vehicle": "Blue van", "weapons": "yes",
                                 "weapons_detail": "A knife", "history": "Reported before"}),
    ("/report/impact", {"changes": ["routes", "moved_home"], "details": "I moved", "support": "My sister"}),
    ("/report/children-and-others", {"in_household": "yes", "ages": "4 and 7", "concerns": "yes",
                                     "concerns_detail": "Waits at school", "children_used": "yes",
                                     "others_at_risk": "no"}),
    ("/report/court-orders", {"orders": ["non_molestation"], "broken": "yes", "details": "Made in June"}),
    ("/report/evidence", {"held": ["screenshots", "footage"], "description": "Screenshots of emails"}),
    ("/report/about-you", {"name": "Siân O'Brien", "date_of_birth": ["27", "3", "1985"], "address": "1 Safe Road",
                           "postcode": "NT2 3CD", "interpreter": "Welsh"}),
    ("/report/safe-contact", {"safe": "some_ways", "ways": ["call", "text"], "accounts_accessed": "not_sure"}),
    ("/report/safe-contact/details", {"phone": "07700 900123", "voicemail": "no", "safe_times": "Weekdays 9 to 3",
                                      "code_word": "bluebell"}),
]


def answer_everything(client) -> None:
    """Answer every question page of the journey with a full set of answers."""
    for url, data in FULL_ANSWERS:
        response = submit(client, url, data)
        assert response.status_code == 302, (url, response.get_data(as_text=True)[:3000])
