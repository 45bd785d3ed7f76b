"""A victim on a phone uploads a chat export and a voice note; a program is refused in GOV.UK words; axe-clean."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.domain.test_evidence_formats import REFUSED, SAMPLES


def test_uploading_phone_evidence_at_320px(phone_page, site, axe_check, screenshot):
    page = phone_page
    page.goto(f"{site}/report/start")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Staying safe", exact=False)).to_be_visible()
    page.goto(f"{site}/report/evidence")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence")
    expect(page.get_by_text("chats exported as text files (.txt)")).to_be_visible()

    page.get_by_label("Choose files").set_input_files([
        {"name": "WhatsApp Chat with Dan.txt", "mimeType": "text/plain", "buffer": SAMPLES["whatsapp-android.txt"]},
        {"name": "Voice note.m4a", "mimeType": "audio/mp4", "buffer": SAMPLES["voice-note-iphone.m4a"]},
    ])
    page.get_by_role("button", name="Upload files").click()
    expect(page.get_by_role("heading", name="Files you have uploaded")).to_be_visible()
    expect(page.get_by_text(re.compile(r"WhatsApp Chat with Dan\.txt \(\d+KB\)"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Voice note\.m4a"))).to_be_visible()
    axe_check(page, "evidence with files (320px)")

    page.get_by_label("Choose files").set_input_files(
        {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": REFUSED["windows program"]})
    page.get_by_role("button", name="Upload files").click()
    expect(page).to_have_title(re.compile("^Error: "))
    message = "photo.jpg must be a photo, video, voice note, PDF, saved email or text file"
    expect(page.get_by_role("alert").get_by_role("link", name=message)).to_be_visible()
    axe_check(page, "evidence upload refused (320px)")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    screenshot(page, "evidence-refused-320px")
