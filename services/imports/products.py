"""Importing a product CSV (Shopify classic or 2025 headers, or WooCommerce).

``plan_product_import`` is the dry run: every row of the file with what would happen to it
(created, updated, unchanged, rejected, skipped), its line number and the reasons, and the
issues the merchant must decide (a SKU on two products, negative stock where overselling is
off, a barcode Excel turned into 7.84E+11, ...). ``import_products`` applies the same plan in
one transaction, all or nothing, and refuses while any row is still rejected. Importing the
same file again changes nothing: products are matched by handle, then by SKU; variants by SKU,
then by their options; every field is compared before anything is written.

Stock from the file (``Variant Inventory Qty``, ``Inventory quantity``, WooCommerce ``Stock``)
is the quantity on hand at the default location, set through the stock ledger with the reason
"import". A store without a default location gets one called "Main warehouse".
"""

from __future__ import annotations

from functools import partial

from services.actors import Actor
from services.arrays import without_cycle_collection
from services.imports.planning import plan_file
from services.imports.records import (
    ImportPlan,
    ImportRejected,
    ImportResult,
    Outcome,
    Resolutions,
)
from services.imports.shopify import ProductsInterleaved
from services.imports.writer import Writer, keep_extra_columns
from services.progress import NO_PROGRESS, Progress
from services.unit_of_work import UnitOfWork
from services.wording import counted

__all__ = ["ImportRejected", "import_products", "plan_product_import"]


def plan_product_import(
    uow: UnitOfWork,
    data: bytes,
    *,
    resolutions: Resolutions | None = None,
    progress: Progress = NO_PROGRESS,
) -> ImportPlan:
    """The dry run: what importing ``data`` would do, row by row. Changes nothing.

    Raises ValidationFailed for a file that is no product file at all, Cancelled.
    """
    with uow, without_cycle_collection():
        session, decided = uow.session, resolutions or Resolutions()
        try:
            return plan_file(session, data, decided, progress).report()
        except ProductsInterleaved:
            return plan_file(session, data, decided, progress, stream=False).report()


def import_products(
    uow: UnitOfWork,
    actor: Actor,
    data: bytes,
    *,
    filename: str = "",
    resolutions: Resolutions | None = None,
    progress: Progress = NO_PROGRESS,
) -> ImportResult:
    """Import the file as the dry run describes it: everything in one transaction, or nothing.

    A Shopify file is written as it is read, a thousand products at a time, while the rest
    of the file is read and checked; a row rejected anywhere stops the writing, and the whole
    transaction rolls back. A file whose products' rows are not together is read whole first.

    Raises ImportRejected while any row is rejected (the message counts them by kind),
    PermissionDenied (catalog.import; catalog.prices to set prices; inventory.adjust to change
    the stock of variants already in the catalog), Cancelled (``progress`` was cancelled:
    nothing was changed).
    """
    run = partial(_import, uow, actor, data, filename, resolutions or Resolutions(), progress)
    try:
        return run(stream=True)
    except ProductsInterleaved:
        return run(stream=False)


def _import(
    uow: UnitOfWork,
    actor: Actor,
    data: bytes,
    filename: str,
    resolutions: Resolutions,
    progress: Progress,
    *,
    stream: bool,
) -> ImportResult:
    with uow, without_cycle_collection():
        uow.require(actor, "catalog.import")
        batch = uow.new_batch()
        with uow.writing_in_background() as background:
            writer = Writer(uow, actor, batch, filename, background)
            planned = plan_file(
                uow.session, data, resolutions, progress, stream=stream, on_products=writer.write
            )
            if planned.rejects_rows:
                plan = planned.report()
                raise ImportRejected(
                    _rejection(plan), fields={"rows": f"{len(plan.rejected)} rejected"}
                )
            if writer.refused is not None:
                raise writer.refused
            keep_extra_columns(uow, planned.planner.parsed.extra_columns)
            writer.finish(planned.work)
            plan = planned.report()  # while the server is still writing
            background.wait(progress)
        progress.report(1, 1, "Saving")
        uow.audit(
            actor,
            "catalog.import",
            "import",
            batch,
            after={
                "file": filename,
                "format": plan.format,
                "products_created": plan.products.create,
                "products_updated": plan.products.update,
                "variants_created": plan.variants.create,
                "variants_updated": plan.variants.update,
                "skipped_rows": sum(1 for r in plan.rows if r.outcome is Outcome.SKIP),
            },
            note=f"Imported {filename or 'a product file'}",
        )
        uow.commit()
    return ImportResult(plan, batch, writer.location_id, writer.movements)


def _rejection(plan: ImportPlan) -> str:
    counts: dict[str, int] = {}
    for row in plan.rejected:
        for issue in row.issues:
            if issue.blocking:
                counts[issue.kind.label] = counts.get(issue.kind.label, 0) + 1
    kinds = "; ".join(f"{label}: {n}" for label, n in sorted(counts.items()))
    first = plan.rejected[0]
    rows = counted(len(plan.rejected), "row") + (" needs" if len(plan.rejected) == 1 else " need")
    return (
        f"Nothing was imported: {rows} a decision or a fix ({kinds}). "
        f"The first is {first.where}: "
        f"{first.reasons[0] if first.reasons else 'rejected'}"
    )
