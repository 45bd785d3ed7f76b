"""People named in a report (the victim, the person doing it) and their matching keys."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.encrypted import EncryptedDate, EncryptedText
from app.models.types import enum_column


class PersonRole(enum.StrEnum):
    VICTIM = "victim"
    SUSPECT = "suspect"


class Person(Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    role: Mapped[PersonRole] = mapped_column(enum_column(PersonRole))
    # Identity, sealed (app/models/encrypted.py); repeat matching uses the keyed hashes in PersonMatchKey.
    name: Mapped[str | None] = mapped_column(EncryptedText("person.name"))
    other_names: Mapped[str | None] = mapped_column(EncryptedText("person.other_names"))
    date_of_birth: Mapped[date | None] = mapped_column(EncryptedDate("person.date_of_birth"))
    age_text: Mapped[str | None] = mapped_column(EncryptedText("person.age_text"))
    address: Mapped[str | None] = mapped_column(EncryptedText("person.address"))
    postcode: Mapped[str | None] = mapped_column(EncryptedText("person.postcode"))
    # Relationship to the victim (for a suspect), from app.domain's relationship codes.
    relationship_to_victim: Mapped[str | None] = mapped_column(String(30))
    description: Mapped[str | None] = mapped_column(EncryptedText("person.description"))

    match_keys: Mapped[list[PersonMatchKey]] = relationship(back_populates="person", cascade="all, delete-orphan")


class PersonMatchKey(Model):
    """A keyed hash of a normalised identity (name with date of birth, or with postcode) for repeat matching."""

    __tablename__ = "person_match_key"
    __table_args__ = (Index("ix_person_match_key_lookup", "role", "key_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    role: Mapped[PersonRole] = mapped_column(enum_column(PersonRole))
    key_hash: Mapped[str] = mapped_column(String(64))

    person: Mapped[Person] = relationship(back_populates="match_keys")
