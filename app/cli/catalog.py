"""``merchant-office import products`` and ``merchant-office export products``: the catalog's
files from a shell, with the same dry run and decisions as the app."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.bootstrap import command_line_store
from app.cli.exits import ROWS_LEFT_OUT
from services.actors import system_actor
from services.catalog.queries import CatalogFilter
from services.exports.products import HeaderStyle, export_products_csv
from services.imports.products import import_products, plan_product_import
from services.imports.records import (
    DEFAULT_STOCK_LIMIT,
    Choice,
    ImportPlan,
    IssueKind,
    Outcome,
    Resolutions,
)
from services.imports.table import ENCODINGS
from services.wording import counted


def register(main: click.Group) -> None:
    main.add_command(import_group)
    main.add_command(export_group)


@click.group("import")
def import_group() -> None:
    """Bring files into the store."""


@click.group("export")
def export_group() -> None:
    """Write the store's data to files."""


_DECISIONS = {
    "duplicate-sku": (IssueKind.DUPLICATE_SKU, ("clear-sku", "skip")),
    "negative-stock": (IssueKind.NEGATIVE_STOCK, ("zero", "skip")),
    "large-stock": (IssueKind.LARGE_STOCK, ("keep", "skip")),
    "scientific-barcode": (IssueKind.MANGLED_BARCODE, ("drop-barcode", "skip")),
    "bad-value": (IssueKind.BAD_VALUE, ("skip",)),
    "bad-row": (IssueKind.BAD_ROW, ("skip",)),
    "no-product": (IssueKind.NO_PRODUCT, ("skip",)),
    "duplicate-variant": (IssueKind.DUPLICATE_VARIANT, ("skip",)),
    "bad-product": (IssueKind.BAD_PRODUCT, ("skip-product",)),
    "no-sku": (IssueKind.NO_SKU, ("skip",)),
}
_CHOICES = {
    "clear-sku": Choice.CLEAR_SKU,
    "skip": Choice.SKIP_ROW,
    "zero": Choice.STOCK_AS_ZERO,
    "keep": Choice.STOCK_AS_WRITTEN,
    "drop-barcode": Choice.DROP_BARCODE,
    "skip-product": Choice.SKIP_PRODUCT,
}


def _resolutions(
    decisions: tuple[str, ...], encoding: str | None, stock_limit: int = DEFAULT_STOCK_LIMIT
) -> Resolutions:
    by_kind: dict[IssueKind, Choice] = {}
    by_line: dict[tuple[int, IssueKind], Choice] = {}
    for decision in decisions:
        where, _, choice = decision.partition("=")
        kind_name, _, line = where.partition("@")
        if kind_name not in _DECISIONS or choice not in _DECISIONS[kind_name][1]:
            allowed = "; ".join(f"{k}={'|'.join(v[1])}" for k, v in _DECISIONS.items())
            raise click.BadParameter(f"“{decision}”: use one of {allowed}", param_hint="--decide")
        kind = _DECISIONS[kind_name][0]
        if line:
            by_line[(int(line), kind)] = _CHOICES[choice]
        else:
            by_kind[kind] = _CHOICES[choice]
    return Resolutions(by_kind=by_kind, by_line=by_line, encoding=encoding, stock_limit=stock_limit)


@import_group.command("products")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would happen, row by row; change nothing.")
@click.option(
    "--encoding",
    type=click.Choice(sorted(ENCODINGS)),
    default=None,
    help="Read the file in this encoding (default: UTF-8; Excel often saves cp1252).",
)
@click.option(
    "--decide",
    "decisions",
    multiple=True,
    metavar="KIND[@LINE]=CHOICE",
    help="What to do with rows the import cannot take as they are, for every such row or one "
    "line: duplicate-sku=clear-sku|skip, negative-stock=zero|skip, large-stock=keep|skip, "
    "scientific-barcode=drop-barcode|skip, bad-value=skip, bad-row=skip, "
    "duplicate-variant=skip, bad-product=skip-product. Repeat for several.",
)
@click.option(
    "--stock-limit",
    type=click.IntRange(min=0),
    default=DEFAULT_STOCK_LIMIT,
    show_default=True,
    help="Ask about stock figures above this (see large-stock under --decide).",
)
@click.option("--all-rows", is_flag=True, help="List unchanged rows too.")
def import_products_command(
    file: Path,
    dry_run: bool,
    encoding: str | None,
    decisions: tuple[str, ...],
    stock_limit: int,
    all_rows: bool,
) -> None:
    """Import a product CSV (Shopify, classic or 2025 headers, or WooCommerce).

    Everything is imported in one transaction or nothing is; importing the same file again
    changes nothing. Stock goes to the default location through the stock ledger. Exits with
    3 when rows were skipped as decided (see merchant-office --help).
    """
    data = file.read_bytes()
    resolutions = _resolutions(decisions, encoding, stock_limit)
    with command_line_store() as store:
        if dry_run:
            plan = plan_product_import(store.unit_of_work(), data, resolutions=resolutions)
        else:
            result = import_products(
                store.unit_of_work(),
                system_actor("Command line"),
                data,
                filename=file.name,
                resolutions=resolutions,
            )
    if dry_run:
        _print_plan(plan, all_rows)
        if not plan.can_apply:
            click.echo(
                "\nNothing can be imported until every rejected row is fixed or decided "
                "(see --decide).",
                err=True,
            )
            sys.exit(1)
        if _left_out(plan):
            sys.exit(ROWS_LEFT_OUT)
        return
    _print_plan(result.plan, all_rows, summary_only=True)
    click.echo(f"Imported {file.name}.")
    if _left_out(result.plan):
        skipped = _left_out(result.plan)
        click.echo(f"{skipped} row{'s were' if skipped != 1 else ' was'} skipped as decided.")
        sys.exit(ROWS_LEFT_OUT)


def _left_out(plan: ImportPlan) -> int:
    return sum(1 for r in plan.rows if r.outcome is Outcome.SKIP)


def _print_plan(plan: ImportPlan, all_rows: bool, *, summary_only: bool = False) -> None:
    click.echo(f"{plan.format}, read as {ENCODINGS.get(plan.encoding, plan.encoding)}.")
    p, v = plan.products, plan.variants
    click.echo(
        f"Products: {p.create} new, {p.update} changed, {p.unchanged} unchanged"
        f"{f', {p.reject} rejected' if p.reject else ''}{f', {p.skip} skipped' if p.skip else ''}."
    )
    click.echo(
        f"Variants: {v.create} new, {v.update} changed, {v.unchanged} unchanged"
        f"{f', {v.reject} rejected' if v.reject else ''}{f', {v.skip} skipped' if v.skip else ''}."
        f" New images: {plan.images_new}."
    )
    for note in plan.notes:
        click.echo(f"Note: {note}")
    if plan.not_imported_columns:
        click.echo("Columns not imported: " + ", ".join(plan.not_imported_columns) + ".")
    if summary_only:
        return
    click.echo("")
    for row in plan.rows:
        if row.outcome is Outcome.UNCHANGED and not all_rows and not row.issues:
            continue
        label = row.outcome.value.upper() if row.outcome is Outcome.REJECT else row.outcome.value
        click.echo(f"line {row.line:>5}  {label:<9}  {row.handle or ''}  {row.sku or ''}")
        if row.spreadsheet_row is not None:
            click.echo(f"             (row {row.spreadsheet_row} in a spreadsheet)")
        for reason in row.reasons:
            click.echo(f"             {reason}")
        for issue in row.issues:
            if not issue.blocking or row.outcome is not Outcome.REJECT:
                click.echo(f"             ({issue.kind.label.lower()}) {issue.message}")


@export_group.command("products")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--headers",
    type=click.Choice([s.value for s in HeaderStyle]),
    default=HeaderStyle.CLASSIC.value,
    show_default=True,
    help="Shopify's classic column names (Handle, Variant SKU, ...) or its 2025 ones.",
)
@click.option("--search", default="", help="Only products with a variant matching this search.")
@click.option("--vendor", "vendors", multiple=True, help="Only this vendor (repeat for several).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["draft", "active", "archived"]),
    help="Only products with this status (repeat for several).",
)
def export_products_command(
    file: Path, headers: str, search: str, vendors: tuple[str, ...], statuses: tuple[str, ...]
) -> None:
    """Write the catalog as a Shopify product CSV to FILE ("-" for standard output)."""
    matching = (
        CatalogFilter(search=search, vendors=vendors, statuses=statuses)
        if search or vendors or statuses
        else None
    )
    with command_line_store() as store:
        if str(file) == "-":
            result = export_products_csv(
                store.unit_of_work(), sys.stdout, matching=matching, style=HeaderStyle(headers)
            )
        else:
            with file.open("w", encoding="utf-8", newline="") as out:
                result = export_products_csv(
                    store.unit_of_work(), out, matching=matching, style=HeaderStyle(headers)
                )
    message = (
        f"Exported {counted(result.products, 'product')}, {counted(result.variants, 'variant')}."
    )
    if result.images_without_address:
        message += (
            f" {counted(result.images_without_address, 'image')} uploaded from files have no "
            "web address and are not in the file."
        )
    click.echo(message, err=str(file) == "-")
