"""Permission names as users read them. The grants themselves are rows (roles, permissions)."""

from __future__ import annotations

PERMISSION_PHRASES = {
    "catalog.edit": "edit the catalog",
    "catalog.prices": "change prices",
    "catalog.publish": "publish products",
    "catalog.import": "import or bulk-edit the catalog",
    "inventory.adjust": "adjust stock",
    "inventory.transfer": "transfer stock",
    "inventory.receive": "receive purchase orders",
    "inventory.count": "count stock",
    "inventory.settings": "change locations, bins or reorder points",
    "orders.create": "create orders",
    "orders.edit": "edit orders",
    "orders.fulfill": "fulfil orders",
    "orders.cancel": "cancel orders",
    "orders.return": "record returns",
    "orders.refund": "refund payments",
    "payments.capture": "capture or void payments",
    "promotions.edit": "edit promotions",
    "reports.view": "see reports",
    "staff.manage": "manage staff",
    "store.settings": "change store settings",
}
