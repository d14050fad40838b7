"""Orders and fulfillment: finding, creating, moving, fulfilling, editing and returning orders.

Reads: ``list_orders`` (keyset pages, search, filters), ``get_order_detail``, saved filters,
``get_order_pricing`` (which promotions applied, where, and why others did not).
Actions: one user action, one transaction each; ``allowed_actions`` decides which are possible,
for the view's buttons and the services' own checks alike.
"""

from services.orders.actions import (
    ACTION_PERMISSIONS,
    OrderAction,
    OrderState,
    allowed_actions,
    refusal,
)
from services.orders.creation import (
    DraftLine,
    OrderDraft,
    SellableVariant,
    create_order,
    find_sellable,
    quote_order,
)
from services.orders.editing import LineChange, edit_order
from services.orders.fulfillment import fulfil_order, ship_order
from services.orders.lifecycle import (
    add_note,
    bulk_action,
    cancel_order,
    confirm_order,
    mark_delivered,
    start_processing,
)
from services.orders.pricing import (
    AppliedDiscount,
    DiscountShare,
    NotApplied,
    OrderPricingView,
    get_order_pricing,
)
from services.orders.queries import (
    PRESET_FILTERS,
    OrderFilter,
    SavedFilter,
    delete_filter,
    find_order_id,
    get_order_detail,
    list_orders,
    list_saved_filters,
    save_filter,
)
from services.orders.returns import ReturnLineInput, record_return
from services.orders.rows import (
    BulkResult,
    CreatedOrder,
    EditResult,
    FulfillmentResult,
    OrderDetail,
    OrderRow,
    ReturnResult,
    TransitionResult,
)

__all__ = [
    "ACTION_PERMISSIONS",
    "PRESET_FILTERS",
    "AppliedDiscount",
    "BulkResult",
    "CreatedOrder",
    "DiscountShare",
    "DraftLine",
    "EditResult",
    "FulfillmentResult",
    "LineChange",
    "NotApplied",
    "OrderAction",
    "OrderDetail",
    "OrderDraft",
    "OrderFilter",
    "OrderPricingView",
    "OrderRow",
    "OrderState",
    "ReturnLineInput",
    "ReturnResult",
    "SavedFilter",
    "SellableVariant",
    "TransitionResult",
    "add_note",
    "allowed_actions",
    "bulk_action",
    "cancel_order",
    "confirm_order",
    "create_order",
    "delete_filter",
    "edit_order",
    "find_order_id",
    "find_sellable",
    "fulfil_order",
    "get_order_detail",
    "get_order_pricing",
    "list_orders",
    "list_saved_filters",
    "mark_delivered",
    "quote_order",
    "record_return",
    "refusal",
    "save_filter",
    "ship_order",
    "start_processing",
]
