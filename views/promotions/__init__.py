"""The Promotions area: discount codes and automatic discounts, their codes and redemptions."""

from views.promotions.promotions_page import PromotionsPage

__all__ = ["PromotionsPage"]
