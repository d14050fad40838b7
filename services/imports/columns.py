"""Column names as they appear in real product files, mapped to what they mean.

Shopify has written two spellings over the years (the classic ``Variant SKU``/``Variant Price``
and, since 2024, ``SKU``/``Price``/``URL handle``); merchants in other languages export or
translate headers (``Titel``, ``Variante Preis``, ``Prix``). Headers are compared ignoring
case, spacing and surrounding punctuation. A header that is none of these is reported as not
imported, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Canonical names of Shopify product file columns, each with its spellings. The first
# spelling of each is the classic header; English spellings come before translations.
SHOPIFY: dict[str, tuple[str, ...]] = {
    "handle": ("Handle", "URL handle", "URL-Handle", "Identifiant", "Identificador"),
    "title": ("Title", "Titel", "Titre", "Título", "Titolo"),
    "body": (
        "Body (HTML)",
        "Description",
        "Body HTML",
        "Beschreibung",
        "Beschreibung HTML",
        "Body (HTML) (de)",
        "Descripción",
        "Descrizione",
    ),
    "vendor": ("Vendor", "Anbieter", "Hersteller", "Fournisseur", "Vendeur", "Proveedor"),
    "product_category": ("Product Category", "Product category", "Produktkategorie"),
    "type": ("Type", "Product Type", "Typ", "Produkttyp", "Type de produit", "Tipo"),
    "tags": ("Tags", "Étiquettes", "Balises", "Etiquetas", "Schlagwörter"),
    "published": (
        "Published",
        "Published on online store",
        "Veröffentlicht",
        "Im Onlineshop veröffentlicht",
        "Publié",
        "Publicado",
    ),
    "status": ("Status", "Statut", "Estado"),
    "sku": ("Variant SKU", "SKU", "Variante SKU", "Artikelnummer", "Référence (SKU)"),
    "grams": ("Variant Grams", "Weight value (grams)", "Variante Gewicht", "Gewicht (Gramm)"),
    "weight_unit": ("Variant Weight Unit", "Weight unit for display"),
    "inventory_tracker": ("Variant Inventory Tracker", "Inventory tracker"),
    "inventory_qty": (
        "Variant Inventory Qty",
        "Inventory quantity",
        "Variant Inventory Quantity",
        "Variante Lagerbestand",
        "Lagerbestand",
        "Quantité en stock",
        "Cantidad de inventario",
    ),
    "inventory_policy": (
        "Variant Inventory Policy",
        "Continue selling when out of stock",
    ),
    "fulfillment_service": ("Variant Fulfillment Service", "Fulfillment service"),
    "price": ("Variant Price", "Price", "Variante Preis", "Preis", "Prix", "Precio"),
    "compare_at_price": (
        "Variant Compare At Price",
        "Compare-at price",
        "Compare at price",
        "Vergleichspreis",
        "Prix barré",
        "Prix avant réduction",
        "Precio de comparación",
    ),
    "cost": (
        "Cost per item",
        "Variant Cost",
        "Kosten pro Artikel",
        "Coût par article",
        "Coste por artículo",
    ),
    "requires_shipping": ("Variant Requires Shipping", "Requires shipping"),
    "taxable": ("Variant Taxable", "Charge tax"),
    "barcode": ("Variant Barcode", "Barcode", "Strichcode", "Code-barres", "Código de barras"),
    "image_src": (
        "Image Src",
        "Product image URL",
        "Bild-URL",
        "Produktbild-URL",
        "URL de l'image du produit",
        "URL de imagen del producto",
    ),
    "image_position": ("Image Position", "Image position", "Bildposition"),
    "image_alt": ("Image Alt Text", "Image alt text", "Bild-Alt-Text"),
    "variant_image": ("Variant Image", "Variant image URL"),
    "gift_card": ("Gift Card", "Gift card"),
    "seo_title": ("SEO Title", "SEO title", "SEO-Titel", "Titre SEO", "Título SEO"),
    "seo_description": (
        "SEO Description",
        "SEO description",
        "SEO-Beschreibung",
        "Méta-description",
        "Descripción SEO",
    ),
    "tax_code": ("Variant Tax Code", "Tax code"),
    "collection": ("Collection", "Collections"),
}
for _n in (1, 2, 3):
    SHOPIFY[f"option{_n}_name"] = (
        f"Option{_n} Name",
        f"Option{_n} name",
        f"Option {_n} Name",
        f"Option{_n} Nom",
        f"Nombre de opción{_n}",
    )
    SHOPIFY[f"option{_n}_value"] = (
        f"Option{_n} Value",
        f"Option{_n} value",
        f"Option {_n} Value",
        f"Option{_n} Wert",
        f"Option{_n} Valeur",
        f"Valor de opción{_n}",
    )
    SHOPIFY[f"option{_n}_linked_to"] = (f"Option{_n} Linked To",)

#: the 2025 template's spellings, which the exporter writes in that style
SHOPIFY_2025: dict[str, str] = {
    "title": "Title",
    "handle": "URL handle",
    "body": "Description",
    "vendor": "Vendor",
    "product_category": "Product category",
    "type": "Type",
    "tags": "Tags",
    "published": "Published on online store",
    "status": "Status",
    "sku": "SKU",
    "barcode": "Barcode",
    "option1_name": "Option1 name",
    "option1_value": "Option1 value",
    "option2_name": "Option2 name",
    "option2_value": "Option2 value",
    "option3_name": "Option3 name",
    "option3_value": "Option3 value",
    "price": "Price",
    "compare_at_price": "Compare-at price",
    "cost": "Cost per item",
    "taxable": "Charge tax",
    "inventory_tracker": "Inventory tracker",
    "inventory_qty": "Inventory quantity",
    "inventory_policy": "Continue selling when out of stock",
    "grams": "Weight value (grams)",
    "weight_unit": "Weight unit for display",
    "requires_shipping": "Requires shipping",
    "fulfillment_service": "Fulfillment service",
    "image_src": "Product image URL",
    "image_position": "Image position",
    "image_alt": "Image alt text",
    "variant_image": "Variant image URL",
    "gift_card": "Gift card",
    "seo_title": "SEO title",
    "seo_description": "SEO description",
}

#: columns a product file carries that the catalog has no place for; the Shopify reader keeps
#: them per variant as they are (``variants.extra``) and the export gives them back
SHOPIFY_NOT_STORED = {
    "product_category",
    "fulfillment_service",
    "gift_card",
    "tax_code",
    "option1_linked_to",
    "option2_linked_to",
    "option3_linked_to",
}

WOOCOMMERCE: dict[str, tuple[str, ...]] = {
    "id": ("ID",),
    "type": ("Type", "Typ"),
    "sku": ("SKU", "Artikelnummer", "UGS", "Referencia"),
    "name": ("Name", "Nom", "Nombre"),
    "published": ("Published", "Veröffentlicht", "Publié", "Publicado"),
    "featured": ("Is featured?", "Hervorgehoben?"),
    "visibility": ("Visibility in catalog", "Sichtbarkeit im Katalog"),
    "short_description": ("Short description", "Kurzbeschreibung", "Description courte"),
    "description": ("Description", "Beschreibung", "Descripción"),
    "sale_starts": ("Date sale price starts",),
    "sale_ends": ("Date sale price ends",),
    "tax_status": ("Tax status", "Steuerstatus"),
    "tax_class": ("Tax class", "Steuerklasse"),
    "in_stock": ("In stock?", "Vorrätig?", "En stock ?"),
    "stock": ("Stock", "Lagerbestand", "Inventaire"),
    "low_stock": ("Low stock amount",),
    "backorders": ("Backorders allowed?", "Lieferrückstände erlaubt?"),
    "sold_individually": ("Sold individually?",),
    "reviews": ("Allow customer reviews?",),
    "purchase_note": ("Purchase note",),
    "sale_price": ("Sale price", "Angebotspreis", "Prix promo", "Precio rebajado"),
    "regular_price": ("Regular price", "Regulärer Preis", "Tarif régulier", "Precio normal"),
    "categories": ("Categories", "Kategorien", "Catégories", "Categorías"),
    "tags": ("Tags", "Schlagwörter", "Étiquettes", "Etiquetas"),
    "shipping_class": ("Shipping class",),
    "images": ("Images", "Bilder", "Imágenes"),
    "download_limit": ("Download limit",),
    "download_expiry": ("Download expiry days",),
    "parent": ("Parent", "Übergeordnetes Produkt", "Parent ", "Superior"),
    "grouped": ("Grouped products", "Gruppierte Produkte"),
    "upsells": ("Upsells",),
    "cross_sells": ("Cross-sells",),
    "external_url": ("External URL",),
    "button_text": ("Button text",),
    "position": ("Position",),
}
for _unit, _labels in (
    ("lbs", ("Weight (lbs)",)),
    ("kg", ("Weight (kg)", "Gewicht (kg)", "Poids (kg)", "Peso (kg)")),
    ("g", ("Weight (g)", "Gewicht (g)")),
    ("oz", ("Weight (oz)",)),
):
    WOOCOMMERCE[f"weight_{_unit}"] = _labels

WOOCOMMERCE_NOT_STORED = {
    "featured",
    "visibility",
    "sale_starts",
    "sale_ends",
    "tax_class",
    "low_stock",
    "sold_individually",
    "reviews",
    "purchase_note",
    "shipping_class",
    "download_limit",
    "download_expiry",
    "upsells",
    "cross_sells",
    "external_url",
    "button_text",
}

_ATTRIBUTE = re.compile(
    r"^(?:attribute|attribut|atributo)\s*(\d+)\s*(name|value\(s\)|values?|visible|global|default)$"
)
_DIMENSION = re.compile(r"^(length|width|height) \((in|cm|mm|m)\)$")
_META = re.compile(r"^meta:")
_DOWNLOAD = re.compile(r"^download \d+ (name|url|id)$")


def normalise(header: str) -> str:
    """Lower-case, single spaces, without a BOM or stray quotes: how headers are compared."""
    cleaned = header.replace("\ufeff", "").strip().strip('"').strip()
    return re.sub(r"\s+", " ", cleaned).lower()


@dataclass
class ColumnMap:
    """Where each known field is in the file, and which headers mean nothing to us."""

    index: dict[str, int] = field(default_factory=dict)
    #: (header, canonical field) for headers recognised in another language or spelling
    recognised: list[tuple[str, str]] = field(default_factory=list)
    #: headers the catalog has no place for (listed in the dry run)
    not_imported: list[str] = field(default_factory=list)
    #: attribute number -> {"name": i, "value": i, ...} for WooCommerce
    attributes: dict[int, dict[str, int]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.index

    def at(self, name: str) -> int | None:
        return self.index.get(name)


def map_columns(
    headers: Iterable[str], known: dict[str, tuple[str, ...]], not_stored: set[str]
) -> ColumnMap:
    lookup = {
        normalise(spelling): name for name, spellings in known.items() for spelling in spellings
    }
    columns = ColumnMap()
    for i, header in enumerate(headers):
        key = normalise(header)
        if not key:
            continue
        name = lookup.get(key)
        if known is WOOCOMMERCE and name is None:
            attribute = _ATTRIBUTE.match(key)
            if attribute:
                part = attribute.group(2).split("(")[0].rstrip("s")
                columns.attributes.setdefault(int(attribute.group(1)), {})[part] = i
                continue
            if _DIMENSION.match(key) or _META.match(key) or _DOWNLOAD.match(key):
                columns.not_imported.append(header)
                continue
        if name is None or name in columns.index:
            columns.not_imported.append(header)
            continue
        columns.index[name] = i
        if name in not_stored:
            columns.not_imported.append(header)
        elif key != normalise(known[name][0]):
            columns.recognised.append((header, known[name][0]))
    return columns


def looks_like_woocommerce(headers: Iterable[str]) -> bool:
    keys = {normalise(h) for h in headers}
    woo_marks = {"regular price", "parent", "in stock?", "regulärer preis", "tarif régulier"}
    return bool(keys & woo_marks) and "handle" not in keys
