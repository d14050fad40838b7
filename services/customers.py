"""Customers: find one while taking an order, or create one on the spot.

Creating a customer is part of taking an order by hand, so it needs ``orders.create``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnClause, func, literal_column, or_, select, text

from models.customers import Address, Customer
from services.actors import Actor
from services.errors import NotFound, ValidationFailed
from services.paging import like_pattern
from services.unit_of_work import UnitOfWork

#: the expression the trigram index ``ix_customers_search_trgm`` covers, verbatim
SEARCH_EXPRESSION: ColumnClause[str] = literal_column(
    "(coalesce(customers.first_name, '') || ' ' || coalesce(customers.last_name, '') || ' ' || "
    "coalesce(customers.email, ''))"
)


@dataclass(frozen=True)
class AddressRow:
    id: int | None
    name: str | None
    company: str | None
    line1: str
    line2: str | None
    city: str
    province: str | None
    postal_code: str | None
    country_code: str
    phone: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The address as orders store it (``orders.shipping_address``)."""
        return {
            "name": self.name,
            "company": self.company,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "province": self.province,
            "postal_code": self.postal_code,
            "country_code": self.country_code,
            "phone": self.phone,
        }


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    email: str | None
    phone: str | None
    version: int
    addresses: tuple[AddressRow, ...] = field(default_factory=tuple)

    @property
    def default_address(self) -> AddressRow | None:
        return self.addresses[0] if self.addresses else None


@dataclass(frozen=True)
class NewCustomer:
    """A customer to create while taking an order."""

    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    address: AddressRow | None = None


def search_customers(uow: UnitOfWork, term: str, *, limit: int = 20) -> list[CustomerRow]:
    """Customers whose name or e-mail contains ``term`` (trigram index), best matches first."""
    term = term.strip()
    with uow:
        statement = select(Customer).order_by(Customer.last_name, Customer.first_name, Customer.id)
        if term:
            uow.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
            statement = statement.where(
                or_(
                    SEARCH_EXPRESSION.op("ILIKE")(like_pattern(term)),
                    func.lower(Customer.email) == term.lower(),
                )
            )
        return [_row(c) for c in uow.session.scalars(statement.limit(limit))]


def get_customer(uow: UnitOfWork, customer_id: int) -> CustomerRow:
    with uow:
        customer = uow.session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("That customer no longer exists.")
        return _row(customer)


def create_customer(uow: UnitOfWork, actor: Actor, new: NewCustomer) -> CustomerRow:
    """Create a customer (and their address). Raises ValidationFailed for a missing name and
    e-mail, or an e-mail another customer already has."""
    with uow:
        uow.require(actor, "orders.create")
        customer = add_customer(uow, actor, new)
        row = _row(customer)
        uow.commit()
        return row


def add_customer(uow: UnitOfWork, actor: Actor, new: NewCustomer) -> Customer:
    """Create a customer inside the caller's unit of work (an order taken for a new customer)."""
    first, last = new.first_name.strip(), new.last_name.strip()
    email = (new.email or "").strip().lower() or None
    problems = {}
    if not (first or last or email):
        problems["name"] = "Enter the customer's name or e-mail."
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        problems["email"] = "Enter an e-mail address such as sam@example.com."
    if problems:
        raise ValidationFailed(" ".join(problems.values()), fields=problems)
    if email and uow.session.scalar(select(Customer.id).where(func.lower(Customer.email) == email)):
        raise ValidationFailed(
            f"A customer with {email} already exists; pick them instead.",
            fields={"email": "Already a customer"},
        )
    customer = Customer(
        first_name=first or None,
        last_name=last or None,
        email=email,
        phone=(new.phone or "").strip() or None,
    )
    if new.address is not None:
        a = new.address
        customer.addresses.append(
            Address(
                name=a.name or " ".join(p for p in (first, last) if p) or None,
                company=a.company,
                line1=a.line1,
                line2=a.line2,
                city=a.city,
                province=a.province,
                postal_code=a.postal_code,
                country_code=a.country_code,
                phone=a.phone,
                is_default=True,
            )
        )
    uow.session.add(customer)
    uow.session.flush()
    uow.audit(
        actor,
        "customer.create",
        "customer",
        customer.id,
        after={"name": customer.display_name, "email": email},
    )
    uow.emit("customer.created", "customer", customer.id, public=False)
    return customer


def _row(customer: Customer) -> CustomerRow:
    addresses = sorted(customer.addresses, key=lambda a: (not a.is_default, a.id))
    return CustomerRow(
        id=customer.id,
        name=customer.display_name,
        email=customer.email,
        phone=customer.phone,
        version=customer.version,
        addresses=tuple(
            AddressRow(
                a.id,
                a.name,
                a.company,
                a.line1,
                a.line2,
                a.city,
                a.province,
                a.postal_code,
                a.country_code,
                a.phone,
            )
            for a in addresses
        ),
    )
