"""Risk instruments as versioned data files: loading and validating them into frozen dataclasses."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from app.domain.errors import InstrumentError

INSTRUMENTS_DIR = Path(__file__).with_name("instruments")
_FILENAME = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]*?)-v(?P<version>[1-9][0-9]*)\.json$")
_TOP_KEYS = frozenset(
    {"id", "version", "title", "licence", "source", "groups", "items", "bands", "marac_threshold"}
    | {"raise_rules", "judgement", "item_prompts"}
)
_ITEM_KEYS = frozenset({"id", "group", "question", "help"})


class RiskLevel(StrEnum):
    """A risk level; the value is the stored code."""

    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Return 1 for standard up to 3 for high."""
        return _RANKS[self]

    @property
    def label(self) -> str:
        """Return the level as shown to staff."""
        return self.value.capitalize()


_RANKS = {RiskLevel.STANDARD: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


def highest(*levels: RiskLevel | None) -> RiskLevel | None:
    """Return the highest of the given levels, ignoring None."""
    present = [level for level in levels if level is not None]
    return max(present, key=lambda level: level.rank) if present else None


@dataclass(frozen=True)
class Group:
    """A heading that groups items."""

    id: str
    title: str


@dataclass(frozen=True)
class Item:
    """One question of an instrument."""

    id: str
    group: str
    question: str
    help: str = ""


@dataclass(frozen=True)
class Band:
    """A level reached at this many 'yes' answers or more."""

    level: RiskLevel
    min_yes: int


@dataclass(frozen=True)
class RaiseRule:
    """When every listed item is 'yes', the level is at least this one."""

    all_of: tuple[str, ...]
    at_least: RiskLevel
    reason: str


@dataclass(frozen=True)
class JudgementRule:
    """When every listed item is 'yes', the assessor must consider whether the risk is high."""

    all_of: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ItemPrompt:
    """A 'yes' to this item prompts a follow-up, such as another instrument or a referral."""

    item: str
    prompt: str


@dataclass(frozen=True)
class Instrument:
    """A versioned risk checklist loaded from data."""

    id: str
    version: int
    title: str
    licence: str
    source: str
    groups: tuple[Group, ...]
    items: tuple[Item, ...]
    bands: tuple[Band, ...] | None
    marac_threshold: int | None = None
    raise_rules: tuple[RaiseRule, ...] = ()
    judgement: tuple[JudgementRule, ...] = ()
    item_prompts: tuple[ItemPrompt, ...] = ()

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Return the item ids in question order."""
        return tuple(item.id for item in self.items)

    @property
    def banded(self) -> bool:
        """Say whether the instrument has numeric bands."""
        return self.bands is not None

    def item(self, item_id: str) -> Item:
        """Return one item by id."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise InstrumentError(f"{self.id} v{self.version} has no item {item_id!r}")

    def items_in(self, group_id: str) -> tuple[Item, ...]:
        """Return the items of one group, in order."""
        return tuple(item for item in self.items if item.group == group_id)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InstrumentError(message)


def _text(data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    _require(isinstance(value, str) and (bool(value.strip()) or not required), f"{where}: {key!r} must be text")
    return str(value)


def _level(value: object, where: str) -> RiskLevel:
    try:
        return RiskLevel(str(value))
    except ValueError:
        raise InstrumentError(f"{where}: unknown level {value!r}") from None


def _whole(value: object, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstrumentError(message)
    return value


def _item_refs(value: object, known: set[str], where: str) -> tuple[str, ...]:
    _require(isinstance(value, list) and bool(value), f"{where}: 'all_of' must be a non-empty list of item ids")
    refs = tuple(value) if isinstance(value, list) else ()
    for item_id in refs:
        _require(item_id in known, f"{where}: unknown item {item_id!r}")
    return refs


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    value = data.get(key)
    if value is None:
        return []
    _require(isinstance(value, list), f"{where}: {key!r} must be a list")
    _require(all(isinstance(entry, Mapping) for entry in value), f"{where}: each entry of {key!r} must be an object")
    return list(value)


def parse_instrument(data: Mapping[str, Any]) -> Instrument:
    """Return an instrument from parsed JSON, raising InstrumentError if it is invalid."""
    _require(isinstance(data, Mapping), "An instrument must be a JSON object")
    unknown = set(data) - _TOP_KEYS
    _require(not unknown, f"Unknown keys: {sorted(unknown)}")
    instrument_id = _text(data, "id", "instrument")
    _require(bool(re.fullmatch(r"[a-z0-9][a-z0-9-]*", instrument_id)), f"Bad instrument id {instrument_id!r}")
    version = _whole(data.get("version"), "'version' must be a whole number from 1")
    _require(version >= 1, "'version' must be a whole number from 1")
    where = f"{instrument_id} v{version}"

    groups = []
    for raw in _list(data, "groups", where):
        groups.append(Group(_text(raw, "id", where), _text(raw, "title", where)))
    group_ids = {group.id for group in groups}
    _require(len(group_ids) == len(groups), f"{where}: group ids must be unique")

    items = []
    for raw in _list(data, "items", where):
        _require(not set(raw) - _ITEM_KEYS, f"{where}: unknown item keys {sorted(set(raw) - _ITEM_KEYS)}")
        item = Item(
            id=_text(raw, "id", where),
            group=_text(raw, "group", where, required=bool(groups)),
            question=_text(raw, "question", where),
            help=_text(raw, "help", where, required=False),
        )
        _require(not groups or item.group in group_ids, f"{where}: item {item.id} has unknown group {item.group!r}")
        items.append(item)
    _require(bool(items), f"{where}: an instrument needs items")
    item_ids = {item.id for item in items}
    _require(len(item_ids) == len(items), f"{where}: item ids must be unique")

    bands = None
    if data.get("bands") is not None:
        raw_bands = _list(data, "bands", where)
        _require(bool(raw_bands), f"{where}: 'bands' must be null or a non-empty list")
        bands = tuple(Band(_level(raw.get("level"), where), _whole(raw.get("min_yes"), f"{where}: bad 'min_yes'"))
                      for raw in raw_bands)
        _validate_bands(bands, len(items), where)

    marac = data.get("marac_threshold")
    _require(
        marac is None or (type(marac) is int and 1 <= marac <= len(items)),
        f"{where}: 'marac_threshold' must be null or between 1 and the number of items",
    )
    raise_rules = tuple(
        RaiseRule(
            _item_refs(raw.get("all_of"), item_ids, where),
            _level(raw.get("at_least"), where),
            _text(raw, "reason", where),
        )
        for raw in _list(data, "raise_rules", where)
    )
    judgement = tuple(
        JudgementRule(_item_refs(raw.get("all_of"), item_ids, where), _text(raw, "reason", where))
        for raw in _list(data, "judgement", where)
    )
    prompts = []
    for raw in _list(data, "item_prompts", where):
        prompt = ItemPrompt(_text(raw, "item", where), _text(raw, "prompt", where))
        _require(prompt.item in item_ids, f"{where}: prompt for unknown item {prompt.item!r}")
        prompts.append(prompt)

    return Instrument(
        id=instrument_id,
        version=version,
        title=_text(data, "title", where),
        licence=_text(data, "licence", where),
        source=_text(data, "source", where, required=False),
        groups=tuple(groups),
        items=tuple(items),
        bands=bands,
        marac_threshold=marac,
        raise_rules=raise_rules,
        judgement=judgement,
        item_prompts=tuple(prompts),
    )


def _validate_bands(bands: tuple[Band, ...], item_count: int, where: str) -> None:
    for band in bands:
        _require(type(band.min_yes) is int and 0 <= band.min_yes <= item_count, f"{where}: bad 'min_yes'")
    _require(bands[0].min_yes == 0, f"{where}: the first band must start at 0 'yes' answers")
    for lower, upper in pairwise(bands):
        _require(lower.level.rank < upper.level.rank, f"{where}: band levels must rise in order")
        _require(lower.min_yes < upper.min_yes, f"{where}: band thresholds must rise in order")


def available_instruments(directory: Path | str | None = None) -> dict[str, tuple[int, ...]]:
    """Return the instrument ids in a directory with their versions, lowest first."""
    found: dict[str, list[int]] = {}
    for path in Path(directory or INSTRUMENTS_DIR).glob("*.json"):
        match = _FILENAME.match(path.name)
        if match:
            found.setdefault(match["id"], []).append(int(match["version"]))
    return {instrument_id: tuple(sorted(versions)) for instrument_id, versions in sorted(found.items())}


def load_instrument(instrument_id: str, version: int | None = None, directory: Path | str | None = None) -> Instrument:
    """Return an instrument by id and version (the latest if None) from its JSON file."""
    folder = Path(directory or INSTRUMENTS_DIR)
    if version is None:
        versions = available_instruments(folder).get(instrument_id)
        if not versions:
            raise InstrumentError(f"No instrument {instrument_id!r} in {folder}")
        version = versions[-1]
    path = folder / f"{instrument_id}-v{version}.json"
    if not path.is_file():
        raise InstrumentError(f"No instrument {instrument_id!r} version {version} in {folder}")
    return _load_file(str(path), path.stat().st_mtime_ns, instrument_id, version)


@lru_cache(maxsize=64)
def _load_file(path: str, _mtime_ns: int, instrument_id: str, version: int) -> Instrument:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InstrumentError(f"{path} is not valid JSON: {error}") from None
    instrument = parse_instrument(data)
    if (instrument.id, instrument.version) != (instrument_id, version):
        raise InstrumentError(f"{path} holds {instrument.id} v{instrument.version}, not what its name says")
    return instrument
