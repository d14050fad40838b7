"""How the Promotions area names things: a promotion's discount, its status, its period."""

from __future__ import annotations

from datetime import datetime

from models.money import MoneyFormat
from services.pricing.model import Kind, Target
from services.promotions import PromotionRow, PromotionStatus

STATUS_WORDS = {
    PromotionStatus.ACTIVE: "Active",
    PromotionStatus.SCHEDULED: "Scheduled",
    PromotionStatus.EXPIRED: "Expired",
    PromotionStatus.DISABLED: "Disabled",
}
STATUS_COLORS = {
    PromotionStatus.ACTIVE: "#1e7d32",
    PromotionStatus.SCHEDULED: "#1565c0",
    PromotionStatus.EXPIRED: "#757575",
    PromotionStatus.DISABLED: "#b71c1c",
}
KIND_WORDS = {
    Kind.PERCENTAGE: "Percentage off",
    Kind.FIXED_AMOUNT: "Amount off",
    Kind.FREE_SHIPPING: "Free shipping",
    Kind.BUY_X_GET_Y: "Buy X get Y",
}
TARGET_WORDS = {
    Target.ALL: "All products",
    Target.COLLECTIONS: "Collections",
    Target.PRODUCTS: "Products",
    Target.VARIANTS: "Variants",
}


def percent(basis_points: int) -> str:
    """``1500`` -> ``"15 %"``, ``1250`` -> ``"12.5 %"``."""
    return f"{basis_points / 100:g} %"


def discount_words(row: PromotionRow, money: MoneyFormat) -> str:
    """What the promotion gives, as a merchandiser says it: "15 % off", "Buy 2, get 1 free"."""
    if row.kind is Kind.PERCENTAGE:
        return f"{percent(row.value)} off"
    if row.kind is Kind.FIXED_AMOUNT:
        return f"{money.format(row.value)} off"
    if row.kind is Kind.FREE_SHIPPING:
        return "Free shipping"
    gets = "free" if row.value >= 10_000 else f"{percent(row.value)} off"
    return f"Buy {row.buy_quantity}, get {row.get_quantity} {gets}"


def usage_words(row: PromotionRow) -> str:
    used = f"{row.used_count:,}"
    return f"{used} of {row.usage_limit:,}" if row.usage_limit else used


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""
