"""Locations, their bins, and where each variant lives (its home bin) at a location."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from models.inventory import Bin, InventoryLevel, Location
from services.actors import Actor
from services.errors import Conflict, NotFound, ValidationFailed
from services.inventory.ledger import ensure_levels
from services.inventory.levels import TOPIC_SETTINGS, require_variants
from services.unit_of_work import UnitOfWork
from services.wording import counted


@dataclass(frozen=True)
class LocationRow:
    id: int
    code: str
    name: str
    is_default: bool
    is_active: bool
    version: int
    bin_count: int = 0


@dataclass(frozen=True)
class BinRow:
    id: int
    location_id: int
    code: str


def list_locations(uow: UnitOfWork, *, include_closed: bool = False) -> list[LocationRow]:
    """Locations, the default first, then by name."""
    with uow:
        bins = select(Bin.location_id, func.count().label("n")).group_by(Bin.location_id).subquery()
        statement = (
            select(Location, func.coalesce(bins.c.n, 0))
            .outerjoin(bins, bins.c.location_id == Location.id)
            .order_by(Location.is_default.desc(), Location.name)
        )
        if not include_closed:
            statement = statement.where(Location.is_active)
        return [_row(place, n) for place, n in uow.session.execute(statement).all()]


def create_location(
    uow: UnitOfWork,
    actor: Actor,
    *,
    code: str,
    name: str,
    is_default: bool = False,
    bins: Sequence[str] = (),
) -> LocationRow:
    """A new location (and bins). Making it the default takes that from the previous one.
    Raises ValidationFailed (blank or used code), PermissionDenied (``inventory.settings``)."""
    with uow:
        row = add_location(uow, actor, code=code, name=name, is_default=is_default, bins=bins)
        uow.commit()
        return row


def add_location(
    uow: UnitOfWork,
    actor: Actor,
    *,
    code: str,
    name: str,
    is_default: bool = False,
    bins: Sequence[str] = (),
) -> LocationRow:
    """``create_location`` inside the caller's unit of work (an import that creates the
    locations its file names), which it leaves open."""
    code, name = code.strip().upper(), name.strip()
    if not code or not name:
        raise ValidationFailed("Enter a code and a name for the location.")
    uow.require(actor, "inventory.settings")
    if is_default:
        uow.session.execute(update(Location).where(Location.is_default).values(is_default=False))
    place = Location(code=code, name=name, is_default=is_default)
    savepoint = uow.session.begin_nested()
    try:
        uow.session.add(place)
        uow.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise ValidationFailed(
            f"There is already a location with the code {code}.", fields={"code": "Used"}
        ) from None
    savepoint.commit()
    insert_bins(uow, place.id, bins)
    uow.audit(
        actor, "inventory.location.create", "location", place.id, after={"code": code, "name": name}
    )
    uow.emit(TOPIC_SETTINGS, "location", place.id, public=False)
    return _row(place, len(set(bins)))


def unused_code(uow: UnitOfWork, name: str) -> str:
    """A location code made from ``name`` ("Shop location" -> SHOP-LOCATION) that no
    location has yet."""
    base = "-".join(re.findall(r"[A-Z0-9]+", name.upper()))[:20].strip("-") or "LOCATION"
    taken = set(uow.session.scalars(select(Location.code).where(Location.code.like(f"{base}%"))))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def rename_location(
    uow: UnitOfWork, actor: Actor, location_id: int, name: str, *, version: int | None = None
) -> LocationRow:
    """Give a location a new name (its code stays: documents and scripts use the code).
    Raises ValidationFailed (blank, or another open location's name), Conflict (``version``
    given and someone changed it since), NotFound, PermissionDenied (``inventory.settings``)."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Enter the location's new name.", fields={"name": "Required"})
    with uow:
        uow.require(actor, "inventory.settings")
        place = uow.session.get(Location, location_id, with_for_update=True)
        if place is None:
            raise NotFound(f"Location {location_id} no longer exists.")
        if version is not None and place.version != version:
            raise Conflict(f"{place.name} was changed by someone else; reload and try again.")
        # imports find a location by its name: two open locations must not share one
        other = uow.session.execute(
            select(Location.code, Location.name).where(
                func.lower(Location.name) == name.lower(),
                Location.is_active,
                Location.id != location_id,
            )
        ).first()
        if other is not None:
            raise ValidationFailed(
                f"The location {other.code} is already called {other.name!r}.",
                fields={"name": "Used"},
            )
        before = place.name
        if before != name:
            place.name = name
            uow.session.flush()
            uow.audit(
                actor,
                "inventory.location.rename",
                "location",
                place.id,
                before={"name": before},
                after={"name": name},
            )
            uow.emit(TOPIC_SETTINGS, "location", place.id, public=False)
        row = _row(place)
        uow.commit()
        return row


def update_location(
    uow: UnitOfWork,
    actor: Actor,
    location_id: int,
    *,
    version: int,
    name: str,
    is_default: bool,
    is_active: bool,
) -> LocationRow:
    """Rename, make default, close or reopen a location. A location holding stock cannot be
    closed; the default location cannot be closed."""
    with uow:
        uow.require(actor, "inventory.settings")
        place = uow.session.get(Location, location_id, with_for_update=True)
        if place is None:
            raise NotFound(f"Location {location_id} no longer exists.")
        if place.version != version:
            raise Conflict(f"{place.name} was changed by someone else; reload and try again.")
        if not is_active and is_default:
            raise ValidationFailed("The default location cannot be closed.")
        if not is_active and place.is_active:
            held = uow.session.scalar(
                select(func.count())
                .select_from(InventoryLevel)
                .where(
                    InventoryLevel.location_id == location_id,
                    (InventoryLevel.on_hand != 0)
                    | (InventoryLevel.committed != 0)
                    | (InventoryLevel.incoming != 0),
                )
            )
            if held:
                raise ValidationFailed(
                    f"{place.name} still holds stock of {counted(held, 'item')}; transfer or "
                    "adjust it to zero before closing."
                )
        before = {"name": place.name, "is_default": place.is_default, "is_active": place.is_active}
        if is_default and not place.is_default:
            uow.session.execute(
                update(Location).where(Location.is_default).values(is_default=False)
            )
        place.name, place.is_default, place.is_active = name.strip(), is_default, is_active
        uow.session.flush()
        uow.audit(
            actor,
            "inventory.location.edit",
            "location",
            place.id,
            before=before,
            after={"name": place.name, "is_default": is_default, "is_active": is_active},
        )
        uow.emit(TOPIC_SETTINGS, "location", place.id, public=False)
        row = _row(place)
        uow.commit()
        return row


def list_bins(uow: UnitOfWork, location_id: int) -> list[BinRow]:
    """A location's bins in walking order."""
    with uow:
        rows = uow.session.scalars(
            select(Bin).where(Bin.location_id == location_id).order_by(Bin.code.collate("C"))
        )
        return [BinRow(b.id, b.location_id, b.code) for b in rows]


def add_bins(uow: UnitOfWork, actor: Actor, location_id: int, codes: Sequence[str]) -> list[BinRow]:
    """Add bins to a location; codes already there are left as they are."""
    with uow:
        uow.require(actor, "inventory.settings")
        if uow.session.get(Location, location_id) is None:
            raise NotFound(f"Location {location_id} no longer exists.")
        added = insert_bins(uow, location_id, codes)
        uow.audit(actor, "inventory.bins.add", "location", location_id, after={"bins": added})
        uow.emit(TOPIC_SETTINGS, "location", location_id, public=False)
        uow.commit()
    return list_bins(uow, location_id)


def assign_bin(
    uow: UnitOfWork, actor: Actor, variant_id: int, location_id: int, bin_code: str | None
) -> None:
    """Make ``bin_code`` the variant's home bin at the location (created if new); None clears
    it. Counts flag items found elsewhere; pick lists walk by it."""
    with uow:
        uow.require(actor, "inventory.settings")
        require_variants(uow.session, [variant_id])
        if uow.session.get(Location, location_id) is None:
            raise NotFound(f"Location {location_id} no longer exists.")
        bin_id = None
        if bin_code and bin_code.strip():
            insert_bins(uow, location_id, [bin_code])
            bin_id = uow.session.scalar(
                select(Bin.id).where(Bin.location_id == location_id, Bin.code == bin_code.strip())
            )
        ensure_levels(uow, [(variant_id, location_id)])
        before = uow.session.scalar(
            select(InventoryLevel.bin_id).where(
                InventoryLevel.variant_id == variant_id, InventoryLevel.location_id == location_id
            )
        )
        # the bin is not a stock figure: no ledger row, but audited like any setting
        uow.session.execute(
            update(InventoryLevel)
            .where(
                InventoryLevel.variant_id == variant_id, InventoryLevel.location_id == location_id
            )
            .values(bin_id=bin_id)
        )
        uow.audit(
            actor,
            "inventory.bin.assign",
            "inventory_level",
            f"{variant_id}:{location_id}",
            before={"bin_id": before},
            after={"bin_id": bin_id, "bin": bin_code},
        )
        uow.emit(TOPIC_SETTINGS, "variant", variant_id, public=False)
        uow.commit()


def insert_bins(uow: UnitOfWork, location_id: int, codes: Sequence[str]) -> list[str]:
    """Create the bins that do not exist yet, inside the caller's unit of work (which checked
    the permission); returns the cleaned codes asked for."""
    cleaned = sorted({c.strip() for c in codes if c and c.strip()})
    if not cleaned:
        return []
    uow.session.execute(
        insert(Bin)
        .values([{"location_id": location_id, "code": c} for c in cleaned])
        .on_conflict_do_nothing()
    )
    return cleaned


def _row(place: Location, bin_count: int = 0) -> LocationRow:
    return LocationRow(
        place.id,
        place.code,
        place.name,
        place.is_default,
        place.is_active,
        place.version,
        int(bin_count),
    )


def find_location(uow: UnitOfWork, code_or_name: str | None) -> LocationRow:
    """The location a person named by code or name (any case); the default one for None.
    Raises NotFound listing the locations there are."""
    with uow:
        places = list(uow.session.scalars(select(Location).order_by(Location.name)))
        wanted = (code_or_name or "").strip().lower()
        for place in places:
            if (not wanted and place.is_default) or wanted in (
                place.code.lower(),
                place.name.lower(),
            ):
                return _row(place)
        known = ", ".join(f"{p.code} ({p.name})" for p in places) or "none yet"
        if not wanted:
            raise NotFound(f"There is no default location; name one. Locations: {known}.")
        raise NotFound(f"There is no location {code_or_name!r}. Locations: {known}.")
