"""The product import's vocabulary: what a file says (``ProductIn``), what is wrong with a row
(``Issue``), what the merchant chose to do about it (``Resolutions``), and what the dry run
and the import report (``ImportPlan``, ``ImportResult``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from services.errors import ValidationFailed


class ImportRejected(ValidationFailed):
    """Rows are still rejected; nothing was imported."""


class _Keep:
    """A column the file does not have: the stored value stays as it is."""

    _instance: _Keep | None = None

    def __new__(cls) -> _Keep:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "KEEP"

    def __bool__(self) -> bool:
        return False


KEEP: Final = _Keep()


class Outcome(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECT = "reject"
    SKIP = "skip"


class Choice(StrEnum):
    """What the merchant may decide for a row the importer cannot take as it is."""

    SKIP_ROW = "skip_row"
    CLEAR_SKU = "clear_sku"
    STOCK_AS_ZERO = "stock_as_zero"
    STOCK_AS_WRITTEN = "stock_as_written"
    DROP_BARCODE = "drop_barcode"
    SKIP_PRODUCT = "skip_product"

    @property
    def label(self) -> str:
        return {
            "skip_row": "Skip this row",
            "clear_sku": "Import it without the SKU",
            "stock_as_zero": "Take the stock as zero (noted in the stock ledger)",
            "stock_as_written": "Import the stock as the file says",
            "drop_barcode": "Import it without the barcode",
            "skip_product": "Skip the whole product",
        }[self.value]


class IssueKind(StrEnum):
    DUPLICATE_SKU = "duplicate_sku"
    NEGATIVE_STOCK = "negative_stock"
    LARGE_STOCK = "large_stock"
    MANGLED_BARCODE = "mangled_barcode"
    BAD_VALUE = "bad_value"
    BAD_ROW = "bad_row"
    NO_PRODUCT = "no_product"
    DUPLICATE_VARIANT = "duplicate_variant"
    BAD_PRODUCT = "bad_product"
    # warnings: named in the dry run, imported as described
    NO_SKU = "no_sku"
    TIDIED = "tidied"
    FORMULA = "formula"
    CHECK_DIGIT = "check_digit"
    COMPARE_AT_BELOW_PRICE = "compare_at_below_price"
    SHARED_BARCODE = "shared_barcode"
    NOT_IMPORTED = "not_imported"

    @property
    def choices(self) -> tuple[Choice, ...]:
        return _CHOICES.get(self, ())

    @property
    def blocking(self) -> bool:
        """A row with this issue is rejected until the merchant chooses what to do."""
        return self in _CHOICES and self is not IssueKind.NO_SKU

    @property
    def label(self) -> str:
        return _LABELS[self]


_CHOICES: dict[IssueKind, tuple[Choice, ...]] = {
    IssueKind.DUPLICATE_SKU: (Choice.CLEAR_SKU, Choice.SKIP_ROW),
    IssueKind.NEGATIVE_STOCK: (Choice.STOCK_AS_ZERO, Choice.SKIP_ROW),
    IssueKind.LARGE_STOCK: (Choice.STOCK_AS_WRITTEN, Choice.SKIP_ROW),
    IssueKind.MANGLED_BARCODE: (Choice.DROP_BARCODE, Choice.SKIP_ROW),
    IssueKind.BAD_VALUE: (Choice.SKIP_ROW,),
    IssueKind.BAD_ROW: (Choice.SKIP_ROW,),
    IssueKind.NO_PRODUCT: (Choice.SKIP_ROW,),
    IssueKind.DUPLICATE_VARIANT: (Choice.SKIP_ROW,),
    IssueKind.BAD_PRODUCT: (Choice.SKIP_PRODUCT,),
    IssueKind.NO_SKU: (Choice.SKIP_ROW,),
}
_LABELS = {
    IssueKind.DUPLICATE_SKU: "Same SKU on two products",
    IssueKind.NEGATIVE_STOCK: "Negative stock where overselling is not allowed",
    IssueKind.LARGE_STOCK: "Stock above the sanity limit",
    IssueKind.MANGLED_BARCODE: "Barcode in Excel's scientific notation",
    IssueKind.BAD_VALUE: "A value that cannot be read",
    IssueKind.BAD_ROW: "A damaged row",
    IssueKind.NO_PRODUCT: "A row that belongs to no product",
    IssueKind.DUPLICATE_VARIANT: "The same variant twice",
    IssueKind.BAD_PRODUCT: "A product that cannot be imported as it is",
    IssueKind.NO_SKU: "Variant without a SKU",
    IssueKind.TIDIED: "Value tidied",
    IssueKind.FORMULA: "Text a spreadsheet would run as a formula",
    IssueKind.CHECK_DIGIT: "Barcode with a wrong check digit",
    IssueKind.COMPARE_AT_BELOW_PRICE: "Compare-at price below the price",
    IssueKind.SHARED_BARCODE: "Barcode on several variants",
    IssueKind.NOT_IMPORTED: "Data with no place in the catalog",
}


@dataclass(frozen=True)
class Issue:
    line: int
    kind: IssueKind
    message: str

    @property
    def blocking(self) -> bool:
        return self.kind.blocking

    @property
    def choices(self) -> tuple[Choice, ...]:
        return self.kind.choices


DEFAULT_STOCK_LIMIT = 100_000


@dataclass(frozen=True)
class Resolutions:
    """The merchant's decisions: for every row of a kind, or for one row (which wins)."""

    by_kind: Mapping[IssueKind, Choice] = field(default_factory=dict)
    by_line: Mapping[tuple[int, IssueKind], Choice] = field(default_factory=dict)
    #: read the file in this encoding instead of UTF-8 (see imports.table.ENCODINGS)
    encoding: str | None = None
    #: stock above this is asked about (a typo such as 1e9, or a barcode pasted as a quantity)
    stock_limit: int = DEFAULT_STOCK_LIMIT

    def __post_init__(self) -> None:
        # choices arriving as plain strings (from a form, the command line) become the enums
        object.__setattr__(
            self, "by_kind", {IssueKind(k): Choice(v) for k, v in self.by_kind.items()}
        )
        object.__setattr__(
            self,
            "by_line",
            {(int(line), IssueKind(k)): Choice(v) for (line, k), v in self.by_line.items()},
        )

    def choice(self, issue: Issue) -> Choice | None:
        chosen = self.by_line.get((issue.line, issue.kind)) or self.by_kind.get(issue.kind)
        return chosen if chosen in issue.choices else None


# -- what a file says -------------------------------------------------------------------------


@dataclass
class ImageIn:
    line: int
    src: str
    alt_text: str | Any = ""
    position: int | None = None


@dataclass
class VariantIn:
    line: int
    sku: str | None
    options: tuple[str | None, str | None, str | None] = (None, None, None)
    price: int | Any = KEEP
    compare_at_price: int | Any | None = KEEP
    cost: int | Any | None = KEEP
    weight_grams: Decimal | Any | None = KEEP
    weight_unit: str | Any | None = KEEP
    inventory_policy: str | Any = KEEP
    requires_shipping: bool | Any = KEEP
    taxable: bool | Any = KEEP
    #: False: the file's inventory tracker is blank (gift cards, services)
    track_stock: bool | Any = KEEP
    #: the row's columns the catalog has no place for, as (header, value) pairs
    extra: tuple[tuple[str, str], ...] | Any = KEEP
    #: the variant's main barcode (others it has in the store are kept)
    barcode: str | Any | None = KEEP
    #: on hand at the default location; None when the file does not say
    quantity: int | None = None
    image_src: str | None = None
    skipped: bool = False
    #: the merchant chose to import the row without its SKU: a variant already in the
    #: catalog keeps its own, a new one has none
    sku_cleared: bool = False
    #: set when the merchant chose to take a negative quantity as zero
    stock_note: str | None = None


@dataclass
class ProductIn:
    line: int
    handle: str
    title: str | Any = KEEP
    description_html: str | Any = KEEP
    vendor: str | Any | None = KEEP
    product_type: str | Any | None = KEEP
    tags: tuple[str, ...] | Any = KEEP
    status: str | Any = KEEP
    published: bool | Any = KEEP
    seo_title: str | Any | None = KEEP
    seo_description: str | Any | None = KEEP
    options: list[tuple[str, list[str]]] = field(default_factory=list)
    #: False when the file has no option columns at all (keep the stored options)
    options_given: bool = True
    variants: list[VariantIn] = field(default_factory=list)
    images: list[ImageIn] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    skipped: bool = False


@dataclass
class Parsed:
    """A file read into products, with every row's issues, before looking at the store."""

    format: str
    products: list[ProductIn]
    issues: list[Issue]
    #: line -> ("variant" | "image" | "product" | "skipped", handle, sku)
    rows: dict[int, tuple[str, str | None, str | None]]
    notes: list[str] = field(default_factory=list)
    not_imported_columns: list[str] = field(default_factory=list)
    #: rows whose shape is broken, by line
    broken: set[int] = field(default_factory=set)
    #: headers of the columns kept as they are (``VariantIn.extra``), in the file's order
    extra_columns: list[str] = field(default_factory=list)
    #: line -> spreadsheet row, where they differ (see imports.table.Table)
    spreadsheet_rows: dict[int, int] = field(default_factory=dict)


# -- what the dry run and the import report ---------------------------------------------------


@dataclass(frozen=True)
class RowResult:
    """One row of the file in the dry run: what would happen to it, and why."""

    line: int
    handle: str | None
    sku: str | None
    outcome: Outcome
    reasons: tuple[str, ...]
    issues: tuple[Issue, ...] = ()
    #: the row a spreadsheet shows this record on, where it is not ``line``
    spreadsheet_row: int | None = None

    @property
    def where(self) -> str:
        """``line 12``, or ``line 12 (row 9 in a spreadsheet)`` where a value spans lines."""
        if self.spreadsheet_row is None:
            return f"line {self.line}"
        return f"line {self.line} (row {self.spreadsheet_row} in a spreadsheet)"

    @property
    def needs_decision(self) -> bool:
        return self.outcome is Outcome.REJECT and any(i.choices for i in self.issues)


@dataclass(frozen=True)
class Counts:
    create: int = 0
    update: int = 0
    unchanged: int = 0
    reject: int = 0
    skip: int = 0

    @property
    def total(self) -> int:
        return self.create + self.update + self.unchanged + self.reject + self.skip


@dataclass(frozen=True)
class ImportPlan:
    """The dry run: per row, and totals. ``can_apply`` when no row is rejected."""

    format: str
    encoding: str
    rows: tuple[RowResult, ...]
    products: Counts
    variants: Counts
    images_new: int
    stock_units: int
    notes: tuple[str, ...]
    not_imported_columns: tuple[str, ...]

    @property
    def rejected(self) -> tuple[RowResult, ...]:
        return tuple(r for r in self.rows if r.outcome is Outcome.REJECT)

    @property
    def can_apply(self) -> bool:
        return not self.rejected

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.products.create
            or self.products.update
            or self.variants.create
            or self.variants.update
            or self.images_new
        )

    def issues_by_kind(self) -> dict[IssueKind, list[Issue]]:
        grouped: dict[IssueKind, list[Issue]] = {}
        for row in self.rows:
            for issue in row.issues:
                grouped.setdefault(issue.kind, []).append(issue)
        return grouped


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    batch_id: str | None
    location_id: int | None
    stock_movements: int
