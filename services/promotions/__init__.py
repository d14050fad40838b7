"""Promotions: discount codes and automatic discounts, their codes and their redemptions.

- ``editing``: create, edit (versioned: a conflict, never an overwrite), schedule, disable
  or enable, duplicate; validation with a message on each field; batches of single-use
  codes and their CSV export. Needs ``promotions.edit``.
- ``queries``: the keyset list with status, usage and discount given; one promotion for its
  form; its redemptions and their totals; a preview on a sample cart; the candidate offers
  for a cart (``load_offers``). Needs ``promotions.edit`` or ``reports.view``.
- ``redeeming``: an order's uses, counted by the store under any race, given back on cancel.

The discount arithmetic lives in the pure engine, ``services.pricing``.
"""

from services.promotions.editing import (
    CODE_ALPHABET,
    check_promotion,
    create_promotion,
    disable_promotion,
    duplicate_promotion,
    export_codes_csv,
    generate_codes,
    schedule_promotion,
    set_promotion_enabled,
    update_promotion,
)
from services.promotions.queries import (
    cart_lines,
    customer_of,
    get_promotion,
    list_promotions,
    list_redemptions,
    load_offers,
    preview_promotion,
    redemption_totals,
)
from services.promotions.records import (
    CodeBatch,
    Method,
    PromotionDetail,
    PromotionInput,
    PromotionRow,
    PromotionStatus,
    PromotionUnavailable,
    RedemptionRow,
    RedemptionTotals,
    SampleLine,
    SavedPromotion,
)
from services.promotions.redeeming import give_back, reconcile_redemptions

__all__ = [
    "CODE_ALPHABET",
    "CodeBatch",
    "Method",
    "PromotionDetail",
    "PromotionInput",
    "PromotionRow",
    "PromotionStatus",
    "PromotionUnavailable",
    "RedemptionRow",
    "RedemptionTotals",
    "SampleLine",
    "SavedPromotion",
    "cart_lines",
    "check_promotion",
    "create_promotion",
    "customer_of",
    "disable_promotion",
    "duplicate_promotion",
    "export_codes_csv",
    "generate_codes",
    "get_promotion",
    "give_back",
    "list_promotions",
    "list_redemptions",
    "load_offers",
    "preview_promotion",
    "reconcile_redemptions",
    "redemption_totals",
    "schedule_promotion",
    "set_promotion_enabled",
    "update_promotion",
]
