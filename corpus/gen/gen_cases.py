#!/usr/bin/env python3
"""gen_cases.py: write the generated cases of corpus/ (input.json, kind, why,
expected) for the suites valid, fields, lines, tax, totals, us, markets and
klarna-docs, and the expectations of the hand-made suites malformed and real
(whose input.json files are not generated: they are written once, by hand or
copied byte for byte, and only read here).

Every expectation is written from the spec: CONTRACT.md decides, facts.md
gives the numbers; the messages are those of the rule templates (msgs.py).
Nothing here runs orderlint: a case whose expectation were recorded from the
tool's own output could not fail.

    python3 corpus/gen/gen_cases.py        (from anywhere)
"""
import copy
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from caselib import pretty, write_case, kpath, ceildiv, floordiv, CORPUS  # noqa: E402
from msgs import *  # noqa: E402,F401,F403

CASES = []


def case(suite, name, payload, findings, kind=None, why=None, text=None, ctx=None):
    """ctx: the case's context, {"session": ..., "authorized": ..., "order": ...,
    "context": [(key, value), ...]} (caselib.write_case)."""
    CASES.append((suite, name, payload, findings, kind, why, text, ctx))


# ---- building payloads ----------------------------------------------------------------

def mkline(type_, ref, name, q, p, r, d=0, tax=None, unit=None, extra=None):
    """A line whose total is q*p-d and whose tax is the API reference's
    total - floor(total*10000/(10000+r)) (= ceil of the exact tax)."""
    total = q * p - d
    if tax is None:
        tax = ceildiv(total * r, 10000 + r)
    line = {}
    if type_ is not None:
        line["type"] = type_
    if ref is not None:
        line["reference"] = ref
    line["name"] = name
    line["quantity"] = q
    if unit:
        line["quantity_unit"] = unit
    line["unit_price"] = p
    line["tax_rate"] = r
    line["total_amount"] = total
    line["total_discount_amount"] = d
    line["total_tax_amount"] = tax
    if extra:
        line.update(extra)
    return line


def mkorder(country, currency, locale, lines, extra=None):
    o = {}
    if country is not None:
        o["purchase_country"] = country
    if currency is not None:
        o["purchase_currency"] = currency
    if locale is not None:
        o["locale"] = locale
    o["order_amount"] = sum(l["total_amount"] for l in lines)
    o["order_tax_amount"] = sum(l.get("total_tax_amount", 0) for l in lines)
    o["order_lines"] = lines
    if extra:
        o.update(extra)
    return o


def refresh(o):
    """Make order_amount and order_tax_amount the sums of the lines again."""
    o["order_amount"] = sum(l["total_amount"] for l in o["order_lines"])
    o["order_tax_amount"] = sum(l.get("total_tax_amount", 0) for l in o["order_lines"])
    return o


def _parent(o, ptr):
    segs = [s.replace("~1", "/").replace("~0", "~") for s in ptr.split("/")[1:]]
    node = o
    for s in segs[:-1]:
        node = node[int(s)] if isinstance(node, list) else node[s]
    last = segs[-1]
    return node, (int(last) if isinstance(node, list) else last)


def setp(o, ptr, v):
    node, k = _parent(o, ptr)
    node[k] = v
    return o


def delp(o, ptr):
    node, k = _parent(o, ptr)
    del node[k]
    return o


def L0():
    return mkline("physical", "19-402-SWE", "Battery Power Pack", 2, 12999, 2500, unit="pcs",
                  extra={"product_url": "https://shop.example.com/p/battery-power-pack",
                         "image_url": "https://shop.example.com/img/battery-power-pack.png"})


def L1():
    return mkline("shipping_fee", "SHIP-EXPRESS", "Express delivery", 1, 4900, 2500)


MERCHANT_URLS = {"confirmation": "https://shop.example.com/checkout/confirmation?sid={session.id}",
                 "authorization": "https://shop.example.com/klarna/authorization"}

BILLING_SE = {"given_name": "Testperson-se", "family_name": "Approved", "email": "customer@email.se",
              "street_address": "Stårgatan 1", "postal_code": "12345", "city": "Ankeborg",
              "phone": "+46765260000", "country": "SE"}


def base_se():
    """A valid Swedish create-session body: 2 x 129.99 SEK at 25% and express
    delivery; tax 5199.6 rounded up to 5200, and 980."""
    return mkorder("SE", "SEK", "sv-SE", [L0(), L1()],
                   {"merchant_reference1": "order-10451", "merchant_urls": copy.deepcopy(MERCHANT_URLS)})


def base_se_billing():
    o = base_se()
    o["billing_address"] = copy.deepcopy(BILLING_SE)
    return o


def base_se_full():
    o = base_se_billing()
    o["shipping_address"] = copy.deepcopy(BILLING_SE)
    o["customer"] = {"date_of_birth": "1978-12-31", "type": "person"}
    return o


def s(n, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
    return (alphabet * (n // len(alphabet) + 1))[:n]


def url(n):
    head = "https://shop.example.com/p/"
    return head + s(n - len(head), "abcdefghijklmnopqrstuvwxyz")


def email(n):
    tail = "@example.com"
    return s(n - len(tail), "abcdefghijklmnopqrstuvwxyz") + tail


def digits(n):
    return s(n, "0123456789")


P0 = "/order_lines/0"
P1 = "/order_lines/1"


# =========================================================================================
# valid: bodies every reading accepts, in each kind
# =========================================================================================

def gb_order():
    return mkorder("GB", "GBP", "en-GB", [
        mkline("physical", "WH-1000", "Wireless headphones", 1, 7999, 2000),
        mkline("shipping_fee", "DPD-NEXT-DAY", "Next day delivery", 1, 495, 2000)],
        {"billing_address": {"title": "Ms", "given_name": "Jane", "family_name": "Smith",
                             "email": "jane.smith@example.co.uk", "street_address": "10 Downing Street",
                             "postal_code": "SW1A 2AA", "city": "London", "country": "GB"}})


def us_lines():
    return [mkline("physical", "19-402-USA", "Battery Power Pack", 1, 20000, 0),
            mkline("sales_tax", None, "Sales Tax", 1, 1000, 0)]


def us_order(extra=None):
    o = mkorder("US", "USD", "en-US", us_lines(), extra)
    o["order_tax_amount"] = 1000
    return o


US_BILLING = {"given_name": "John", "family_name": "Doe", "email": "john@doe.com",
              "street_address": "Lombard St 10", "postal_code": "90210", "city": "Beverly Hills",
              "region": "CA", "phone": "333444555", "country": "US"}

case("valid", "se-create-session", base_se(), [])
case("valid", "se-with-customer-data", base_se_full(), [])
case("valid", "gb-create-session", gb_order(), [])
case("valid", "de-discount-line",
     mkorder("DE", "EUR", "de-DE", [
         mkline("physical", "KF-2000", "Kaffeemaschine", 1, 30000, 1900, d=5000),
         mkline("discount", "SOMMER10", "Sommerrabatt", 1, -2500, 1900)]),
     [], why="A discount given both ways of Klarna's discounts page: total_discount_amount on the line "
             "(30000 - 5000), and a line of type discount with negative amounts and tax.")
case("valid", "us-sales-tax-line", us_order({"billing_address": copy.deepcopy(US_BILLING)}), [],
     why="Klarna's US tax model: lines without tax, one sales_tax line, order_tax_amount = its total_amount "
         "(the tax page's example: 20000 + 1000 = 21000, tax 1000).")
case("valid", "au-with-region",
     mkorder("AU", "AUD", "en-AU", [mkline("physical", "BP-AU-1", "Battery Power Pack", 2, 4995, 1000)],
             {"billing_address": {"given_name": "Bruce", "family_name": "Wayne", "email": "bruce@example.com.au",
                                  "street_address": "1 George Street", "postal_code": "2000", "city": "Sydney",
                                  "region": "NSW", "country": "AU"}}), [])
case("valid", "update-session-cart", {k: v for k, v in base_se().items()
                                      if k in ("order_amount", "order_tax_amount", "order_lines")},
     [], kind="update-session", why="A partial update: only the cart. The sums hold between the fields sent.")
case("valid", "update-session-billing-only", {"billing_address": copy.deepcopy(BILLING_SE)}, [],
     kind="update-session", why="update-session requires nothing; only what is sent is checked.")
case("valid", "update-session-reference-only", {"merchant_reference2": "campaign-2024-spring"}, [],
     kind="update-session")
case("valid", "update-session-empty", {}, [], kind="update-session",
     why="An empty update is a valid partial body: nothing to check.")
case("valid", "create-order", dict(base_se_full(), auto_capture=False), [], kind="create-order")
case("valid", "lowercase-codes", mkorder("se", "sek", "sv-se", [L0(), L1()]), [],
     why="Codes are compared without regard to case (CONTRACT.md section 4; Klarna's patterns are [A-Za-z]).")
o = base_se()
o["order_lines"][1]["total_discount_amount"] = None
o["merchant_reference2"] = None
o["shipping_address"] = None
case("valid", "null-optional-fields", o, [],
     why="A null optional field carries no value; it is taken as absent, not as a wrong type.")
case("valid", "ten-lines",
     mkorder("NL", "EUR", "nl-NL", [mkline("physical", "NL-%03d" % i, "Artikel %d" % i, i % 3 + 1, 995 + 100 * i,
                                           2100 if i % 2 else 900) for i in range(10)]), [])
case("valid", "subscription-line",
     mkorder("SE", "SEK", "sv-SE", [mkline("digital", "SUB-BATTERY", "Battery subscription", 1, 9900, 2500,
                                           extra={"subscription": {"name": "Battery subscription",
                                                                   "interval": "MONTH", "interval_count": 1}})],
             {"intent": "buy_and_tokenize"}), [])
case("valid", "all-session-fields",
     mkorder("SE", "SEK", "en-SE", [L0(), L1()], {
         "merchant_reference1": "order-10451", "merchant_reference2": "campaign-7",
         "merchant_data": "{\"cart_id\": \"c-88213\"}",
         "merchant_urls": {"confirmation": "https://shop.example.com/confirmation",
                           "notification": "https://shop.example.com/klarna/notification",
                           "push": "https://shop.example.com/klarna/push",
                           "authorization": "https://shop.example.com/klarna/authorization"},
         "options": {"color_border": "#FF9900", "color_border_selected": "#ff9900", "color_details": "#0A0A0A",
                     "color_text": "#123abc", "radius_border": "5px"},
         "attachment": {"content_type": "application/vnd.klarna.internal.emd-v2+json",
                        "body": "{\"customer_account_info\":[{\"unique_account_identifier\":\"c-88213\"}]}"},
         "acquiring_channel": "ECOMMERCE", "intent": "buy", "design": "klarna-default",
         "custom_payment_method_ids": ["pay_later_promo"],
         "customer": {"date_of_birth": "2000-02-29", "gender": "female", "type": "organization",
                      "organization_entity_type": "LIMITED_COMPANY", "organization_registration_id": "556737-0431",
                      "vat_id": "SE556737043101", "title": "Dr"},
         "billing_address": dict(BILLING_SE, organization_name="Testbolaget AB", attention="Ekonomi")}), [])
case("valid", "update-session-us-no-country",
     {"order_amount": 21000, "order_tax_amount": 1000, "order_lines": us_lines()}, [], kind="update-session",
     why="No country in this partial update; its sales_tax line marks a US cart, so the US tax model applies "
         "(order_tax_amount = the sales_tax line), not the sum of line taxes.")


# =========================================================================================
# fields: types, lengths, required fields, patterns, enumerations
# =========================================================================================

# ---- lengths: at the limit (passes) and one past it (fails) ---------------------------------------

def with_field(ptr, value, base=None):
    o = base() if base else base_se()
    return setp(o, ptr, value)


def len_pair(name, ptr, mx, make, rule, base=None, mn=0, why=None):
    case("fields", "len-%s-%d" % (name, mx), with_field(ptr, make(mx), base), [], why=why)
    case("fields", "len-%s-%d" % (name, mx + 1), with_field(ptr, make(mx + 1), base),
         [length(rule, ptr, mn, mx, mx + 1)], why=why)


len_pair("merchant-reference1", "/merchant_reference1", 255, s, "len.merchant-reference")
case("fields", "len-merchant-reference2-256", with_field("/merchant_reference2", s(256)),
     [length("len.merchant-reference", "/merchant_reference2", 0, 255, 256)])
len_pair("merchant-data", "/merchant_data", 6000, s, "len.order-merchant-data")
len_pair("merchant-urls-confirmation", "/merchant_urls/confirmation", 2000, url, "len.merchant-url")
case("fields", "len-merchant-urls-push-2001", with_field("/merchant_urls/push", url(2001)),
     [length("len.merchant-url", "/merchant_urls/push", 0, 2000, 2001)])
case("fields", "len-merchant-urls-notification-2001", with_field("/merchant_urls/notification", url(2001)),
     [length("len.merchant-url", "/merchant_urls/notification", 0, 2000, 2001)])
case("fields", "len-merchant-urls-authorization-2001", with_field("/merchant_urls/authorization", url(2001)),
     [length("len.merchant-url", "/merchant_urls/authorization", 0, 2000, 2001)],
     why="Too long is the error; the https check is not made on a URL that is already rejected.")

# line reference: 64 under the older spec, 255 under the current one (CONTRACT.md section 4)
ref = "/order_lines/0/reference"
case("fields", "len-line-reference-64", with_field(ref, "SKU-" + digits(60)), [])
case("fields", "len-line-reference-65", with_field(ref, "SKU-" + digits(61)), [ref64(ref, 65)],
     why="65 characters: accepted by the current spec (255), rejected by Klarna in 2017-2019 (64): a warning.")
case("fields", "len-line-reference-68", with_field(ref, "woocommerce-product-variation-" + digits(38)), [ref64(ref, 68)],
     why="The 68-character SKU of facts.md I-10, answered \"(size must be between 0 and 64)\" by Klarna in 2019.")
case("fields", "len-line-reference-255", with_field(ref, "SKU-" + digits(251)), [ref64(ref, 255)])
case("fields", "len-line-reference-256", with_field(ref, "SKU-" + digits(252)),
     [length("len.line-reference", ref, 0, 255, 256)],
     why="Past 255 every reading rejects it: an error, and no separate 64-character warning.")

md = "/order_lines/0/merchant_data"
case("fields", "len-line-merchant-data-255", with_field(md, s(255)), [])
case("fields", "len-line-merchant-data-256", with_field(md, s(256)), [md255(md, 256)])
case("fields", "len-line-merchant-data-1024", with_field(md, s(1024)), [md255(md, 1024)])
case("fields", "len-line-merchant-data-1025", with_field(md, s(1025)),
     [length("len.line-merchant-data", md, 0, 1024, 1025)])

name = "/order_lines/1/name"
case("fields", "len-line-name-empty", with_field(name, ""), [length("len.line-name", name, 1, 255, 0)])
case("fields", "len-line-name-255-non-ascii", with_field(name, "ö" * 255), [],
     why="Lengths count characters, not bytes: 255 characters of two bytes each pass.")
case("fields", "len-line-name-256-non-ascii", with_field(name, "ö" * 256), [length("len.line-name", name, 1, 255, 256)])
qu = "/order_lines/0/quantity_unit"
case("fields", "len-quantity-unit-8", with_field(qu, "kilogram"), [])
case("fields", "len-quantity-unit-9", with_field(qu, "kilograms"), [length("len.line-quantity-unit", qu, 1, 8, 9)])
case("fields", "len-quantity-unit-empty", with_field(qu, ""), [length("len.line-quantity-unit", qu, 1, 8, 0)])
len_pair("line-image-url", "/order_lines/0/image_url", 1024, url, "len.line-url")
case("fields", "len-line-product-url-1025", with_field("/order_lines/0/product_url", url(1025)),
     [length("len.line-url", "/order_lines/0/product_url", 0, 1024, 1025)])

PI = "/order_lines/0/product_identifiers"


def with_pi(field, v):
    o = base_se()
    o["order_lines"][0]["product_identifiers"] = {"brand": "Intel", field: v} if field != "brand" else {field: v}
    return o


for field, mx, rule in (("brand", 70, "len.product-brand"), ("manufacturer_part_number", 70, "len.product-brand"),
                        ("category_path", 750, "len.product-category-path"),
                        ("global_trade_item_number", 50, "len.product-gtin"),
                        ("color", 64, "len.product-color-size"), ("size", 64, "len.product-color-size")):
    mk = digits if field == "global_trade_item_number" else s
    case("fields", "len-product-%s-%d" % (field.replace("_", "-"), mx), with_pi(field, mk(mx)), [])
    case("fields", "len-product-%s-%d" % (field.replace("_", "-"), mx + 1), with_pi(field, mk(mx + 1)),
         [length(rule, PI + "/" + field, 0, mx, mx + 1)])

SUB = {"name": "Battery subscription", "interval": "MONTH", "interval_count": 1}


def with_sub(**kw):
    o = base_se()
    sub = dict(SUB)
    for k, v in kw.items():
        if v is ABSENT:
            del sub[k]
        else:
            sub[k] = v
    o["order_lines"][0]["subscription"] = sub
    return o


SP = "/order_lines/0/subscription"
case("fields", "len-subscription-name-empty", with_sub(name=""), [length("len.subscription-name", SP + "/name", 1, 255, 0)])
case("fields", "len-subscription-name-255", with_sub(name=s(255)), [])

for addr in ("billing_address", "shipping_address"):
    fields = (("given_name", s), ("family_name", s), ("email", email), ("phone", digits), ("street_address", s),
              ("street_address2", s), ("city", s), ("region", s), ("organization_name", s), ("attention", s))
    if addr == "shipping_address":
        fields = fields[:1] + fields[6:7]
    for field, mk in fields:
        ptr = "/%s/%s" % (addr, field)
        if addr == "billing_address" and field == "given_name":
            case("fields", "len-%s-%s-99" % (addr.split("_")[0], field.replace("_", "-")),
                 with_field(ptr, mk(99), base_se_full), [])
        case("fields", "len-%s-%s-100" % (addr.split("_")[0], field.replace("_", "-")),
             with_field(ptr, mk(100), base_se_full), [length("len.address", ptr, 0, 99, 100)])
case("fields", "len-billing-postal-code-10", with_field("/billing_address/postal_code", "123 45-678", base_se_full), [])
case("fields", "len-billing-postal-code-11", with_field("/billing_address/postal_code", "12345-67890", base_se_full),
     [length("len.postal-code", "/billing_address/postal_code", 0, 10, 11)])
case("fields", "len-shipping-postal-code-11", with_field("/shipping_address/postal_code", "123 456 789", base_se_full),
     [length("len.postal-code", "/shipping_address/postal_code", 0, 10, 11)])
case("fields", "len-billing-title-20", with_field("/billing_address/title", s(20), base_se_full), [])
case("fields", "len-billing-title-21", with_field("/billing_address/title", s(21), base_se_full),
     [length("len.address-title", "/billing_address/title", 0, 20, 21)])
case("fields", "len-address-update-session", {"shipping_address": dict(BILLING_SE, city=s(100))},
     [length("len.address", "/shipping_address/city", 0, 99, 100)], kind="update-session",
     why="Address lengths are errors in every kind (CONTRACT.md section 5), a partial update included.")

# ---- types --------------------------------------------------------------------------------------

for ptr, vals in (("/order_amount", (308.98, 30898.0, "30898", True)),
                  ("/order_tax_amount", (61.8, 6180.0, "6180")),
                  (P0 + "/unit_price", (129.99, 12999.0, "12999")),
                  (P0 + "/total_amount", (259.98, 25998.0, "25998")),
                  (P1 + "/total_discount_amount", (0.0, "0")),
                  (P1 + "/total_tax_amount", (9.8, 980.0, "980"))):
    for v in vals:
        label = {float: "real", str: "string", bool: "boolean"}[type(v)]
        if isinstance(v, float) and v == int(v):
            label = "real-integral"
        case("fields", "type-%s-%s" % (kpath(ptr).replace("order_lines[0].", "line-").replace("order_lines[1].", "line-")
                                      .replace("_", "-"), label),
             with_field(ptr, v), [t_amount(ptr, v)],
             why="Amounts are JSON integers in minor units (facts.md, data types): %s is a finding; "
                 "the sums that need this field wait for it." % jtext(v))
case("fields", "type-quantity-real-integral", with_field(P0 + "/quantity", 2.0), [t_int(P0 + "/quantity", 2.0)])
case("fields", "type-quantity-string", with_field(P0 + "/quantity", "2"), [t_int(P0 + "/quantity", "2")])
o = base_se()
o["order_lines"][1] = mkline("physical", "FAB-0.5M", "Fabric, per metre", 1, 2120, 2500)
o["order_lines"][1]["quantity"] = 0.5
o["order_lines"][1]["total_amount"] = 1060
o["order_lines"][1]["total_tax_amount"] = 212
refresh(o)
case("fields", "type-quantity-half", o, [t_int(P1 + "/quantity", 0.5)],
     why="facts.md I-9: quantity 0.5 x 2120 = 1060. Klarna answered \"Bad value: order_lines[1].total_amount\"; "
         "orderlint names the field at fault, the quantity, which is not an integer (CONTRACT.md section 4).")
case("fields", "type-tax-rate-real", with_field(P0 + "/tax_rate", 25.0), [t_int(P0 + "/tax_rate", 25.0)])
case("fields", "type-tax-rate-string", with_field(P0 + "/tax_rate", "2500"), [t_int(P0 + "/tax_rate", "2500")])
case("fields", "type-purchase-country-number", with_field("/purchase_country", 46), [t_string("/purchase_country", 46)])
case("fields", "type-locale-number", with_field("/locale", 1053), [t_string("/locale", 1053)])
case("fields", "type-line-type-number", with_field(P0 + "/type", 1), [t_string(P0 + "/type", 1)])
case("fields", "type-line-reference-number", with_field(P0 + "/reference", 19402), [t_string(P0 + "/reference", 19402)])
case("fields", "type-billing-address-string", with_field("/billing_address", "Stårgatan 1, 12345 Ankeborg"),
     [t_object("/billing_address", "Stårgatan 1, 12345 Ankeborg")])
case("fields", "type-customer-string", with_field("/customer", "person"), [t_object("/customer", "person")])
case("fields", "type-merchant-urls-string", with_field("/merchant_urls", "https://shop.example.com/confirmation"),
     [t_object("/merchant_urls", "https://shop.example.com/confirmation")])
case("fields", "type-options-string", with_field("/options", "dark"),
     [t_object("/options", "dark", rule="type.session-object")])
case("fields", "type-options-string-create-order", with_field("/options", "dark"), [], kind="create-order",
     why="options is not a member of create_order_request: Klarna ignores it there, so orderlint does too.")
att_body = {"customer_account_info": [{"unique_account_identifier": "c-88213"}]}
case("fields", "type-attachment-body-object",
     with_field("/attachment", {"content_type": "application/vnd.klarna.internal.emd-v2+json", "body": att_body}),
     [t_string("/attachment/body", att_body, rule="type.session-string")],
     why="The extra merchant data goes in attachment.body serialized as a JSON string, not as an object.")
case("fields", "attachment-body-not-json",
     with_field("/attachment", {"content_type": "application/vnd.klarna.internal.emd-v2+json",
                                "body": "customer_account_info[0][unique_account_identifier]=c-88213"}),
     [E("attachment.body-json", "/attachment/body",
        "expected a JSON object serialized as a string, found "
        "\"customer_account_info[0][unique_account_identifier]=c-88213\"")],
     why="The extra merchant data form-encoded instead of serialized as JSON.")
case("fields", "type-design-number", with_field("/design", 5), [t_string("/design", 5, rule="type.session-string")])
case("fields", "type-custom-payment-method-ids-string", with_field("/custom_payment_method_ids", "pay_later"),
     [t_str_array("/custom_payment_method_ids", "pay_later")])
case("fields", "type-custom-payment-method-ids-item", with_field("/custom_payment_method_ids", ["pay_later", 12]),
     [t_string("/custom_payment_method_ids/1", 12)])
case("fields", "type-auto-capture-string", dict(base_se(), auto_capture="true"), [t_bool("/auto_capture", "true")],
     kind="create-order")
case("fields", "type-auto-capture-string-create-session", dict(base_se(), auto_capture="true"), [],
     why="auto_capture belongs to create-order; a session body does not have it and Klarna ignores it.")
case("fields", "type-order-lines-object", with_field("/order_lines", L0()), [t_lines("/order_lines", L0())],
     why="One line sent as an object instead of an array of one: an array-level problem names the array.")
case("fields", "type-order-lines-string", with_field("/order_lines", "[]"), [t_lines("/order_lines", "[]")])
case("fields", "type-order-line-null", with_field(P1, None), [t_line(P1, None)])
case("fields", "type-order-line-string", with_field(P1, "Express delivery"), [t_line(P1, "Express delivery")])
case("fields", "type-order-tax-amount-null", with_field("/order_tax_amount", None), [tax_absent(6180, 3)],
     why="A null order_tax_amount is no value: Klarna takes it as 0, which the lines' tax (6180) contradicts.")

# ---- required fields ------------------------------------------------------------------------------

for field, rule in (("purchase_country", "required.purchase-country"), ("purchase_currency", "required.purchase-currency"),
                    ("order_amount", "required.order-amount"), ("order_lines", "required.order-lines")):
    case("fields", "required-%s" % field.replace("_", "-"), delp(base_se(), "/" + field),
         [required(rule, "/" + field)],
         why="create-session requires purchase_country, purchase_currency, order_amount and order_lines; the "
             "checks that need the missing field wait for it.")
case("fields", "required-order-lines-create-order", delp(base_se(), "/order_lines"),
     [required("required.order-lines", "/order_lines")], kind="create-order")
case("fields", "required-country-and-currency-create-order",
     delp(delp(base_se(), "/purchase_country"), "/purchase_currency"),
     [required("required.purchase-country", "/purchase_country"),
      required("required.purchase-currency", "/purchase_currency")], kind="create-order")
case("fields", "required-purchase-country-null", with_field("/purchase_country", None),
     [required("required.purchase-country", "/purchase_country", None)])
case("fields", "required-none-in-update-session", {"locale": "sv-SE"}, [], kind="update-session")
for field, rule in (("name", "required.line-name"), ("quantity", "required.line-quantity"),
                    ("unit_price", "required.line-unit-price"), ("total_amount", "required.line-total-amount")):
    case("fields", "required-line-%s" % field.replace("_", "-"), delp(base_se(), P1 + "/" + field),
         [required(rule, P1 + "/" + field)])
case("fields", "required-line-name-null", with_field(P1 + "/name", None),
     [required("required.line-name", P1 + "/name", None)])
case("fields", "required-line-name-and-quantity", delp(delp(base_se(), P1 + "/name"), P1 + "/quantity"),
     [required("required.line-name", P1 + "/name"), required("required.line-quantity", P1 + "/quantity")])
o = {k: v for k, v in base_se().items() if k in ("order_amount", "order_tax_amount", "order_lines")}
delp(o, P0 + "/name")
case("fields", "required-line-name-update-session", o, [required("required.line-name", P0 + "/name")],
     kind="update-session", why="order_lines is replaced whole by an update: each line sent must be complete.")
case("fields", "required-subscription-interval", with_sub(interval=ABSENT),
     [required("required.subscription-interval", SP + "/interval")])
case("fields", "required-subscription-name", with_sub(name=ABSENT), [required("required.subscription-name", SP + "/name")])
case("fields", "required-subscription-interval-count", with_sub(interval_count=ABSENT),
     [required("required.subscription-interval-count", SP + "/interval_count")])
case("fields", "required-attachment-content-type",
     with_field("/attachment", {"body": "{\"customer_account_info\":[]}"}),
     [required("required.attachment-content-type", "/attachment/content_type")])
case("fields", "required-attachment-body-update-session",
     {"attachment": {"content_type": "application/vnd.klarna.internal.emd-v2+json"}},
     [required("required.attachment-body", "/attachment/body")], kind="update-session")

# ---- codes and patterns ---------------------------------------------------------------------------

case("fields", "pattern-purchase-country-alpha3", with_field("/purchase_country", "SWE"),
     [p_country("/purchase_country", "SWE")],
     why="An ISO alpha-3 code: the pattern fails; the market checks wait for a readable country.")
case("fields", "pattern-purchase-country-name", with_field("/purchase_country", "Sweden"),
     [p_country("/purchase_country", "Sweden")])
case("fields", "pattern-purchase-currency-symbol", with_field("/purchase_currency", "kr"),
     [p_currency("/purchase_currency", "kr")])
case("fields", "pattern-locale-underscore", with_field("/locale", "sv_SE"), [p_locale("/locale", "sv_SE")],
     why="A POSIX locale name; facts.md I-16: Klarna answered \"Bad value: locale\" to en_GB.")
case("fields", "pattern-locale-language-only", with_field("/locale", "sv"), [p_locale("/locale", "sv")])
case("fields", "pattern-billing-country-name", with_field("/billing_address/country", "Sweden", base_se_billing),
     [p_country("/billing_address/country", "Sweden", rule="pattern.address-country")])
case("fields", "pattern-shipping-country-alpha3",
     with_field("/shipping_address/country", "SWE", base_se_full),
     [p_country("/shipping_address/country", "SWE", rule="pattern.address-country")])
case("fields", "pattern-color-short", with_field("/options", {"color_border": "#F90"}), [p_color("/options/color_border", "#F90")])
case("fields", "pattern-color-name", with_field("/options", {"color_text": "orange"}), [p_color("/options/color_text", "orange")])
case("fields", "pattern-color-lowercase-hex", with_field("/options", {"color_details": "#ff9900"}), [])
case("fields", "pattern-color-create-order", with_field("/options", {"color_border": "#F90"}), [], kind="create-order",
     why="options is not a member of create_order_request: not checked there.")
for v, ok in (("1234", True), ("123456789", True), ("12345", False), ("123-45-6789", False)):
    o = us_order({"customer": {"last_four_ssn": v}})
    case("fields", "pattern-last-four-ssn-%s" % v, o, [] if ok else [p_ssn("/customer/last_four_ssn", v)])
for v, ok in (("1978-12-31", True), ("2000-02-29", True), ("1978-04-30", True), ("31-12-1978", False),
              ("1978-02-30", False), ("1978-04-31", False), ("1978-13-01", False), ("1978-1-5", False)):
    case("fields", "pattern-date-of-birth-%s" % v, with_field("/customer", {"date_of_birth": v}),
         [] if ok else [p_dob("/customer/date_of_birth", v)])
case("fields", "url-authorization-http",
     with_field("/merchant_urls/authorization", "http://shop.example.com/klarna/authorization"),
     [https("/merchant_urls/authorization", "http://shop.example.com/klarna/authorization")])

# ---- enumerations ------------------------------------------------------------------------------------

case("fields", "enum-line-type-capitalized", with_field(P0 + "/type", "Physical"),
     [enum_case("enum.line-type-case", P0 + "/type", False, "Physical")])
case("fields", "enum-line-type-unknown", with_field(P0 + "/type", "product"),
     [enum_err("enum.line-type", P0 + "/type", LINE_TYPES, "product")])
for v, res in (("buy", None), ("BUY", "case"), ("purchase", "err")):
    case("fields", "enum-intent-%s" % v, with_field("/intent", v),
         [] if res is None else [enum_case("enum.intent-case", "/intent", False, v)] if res == "case"
         else [enum_err("enum.intent", "/intent", ["buy", "tokenize", "buy_and_tokenize"], v)])
case("fields", "enum-intent-create-order", with_field("/intent", "purchase"), [], kind="create-order",
     why="intent is a member of the session schemas only; create_order_request does not have it.")
for v, res in (("IN_STORE", None), ("in_store", "case"), ("online", "err")):
    case("fields", "enum-acquiring-channel-%s" % v, with_field("/acquiring_channel", v),
         [] if res is None else
         [enum_case("enum.acquiring-channel-case", "/acquiring_channel", True, v,
                    tail=": accepted if Klarna reads enumerations ignoring case (its own SDK example sends "
                         "\"in_store\"), rejected if it reads them as the spec writes them")] if res == "case"
         else [enum_err("enum.acquiring-channel", "/acquiring_channel", ["ECOMMERCE", "IN_STORE", "TELESALES"], v)])
for v, ok in (("organization", True), ("Person", False), ("company", False)):
    case("fields", "enum-customer-type-%s" % v, with_field("/customer", {"type": v}),
         [] if ok else [customer_type("/customer/type", v)],
         why=None if ok else "customer.type has the spec pattern ^(person|organization)$, which is case-sensitive.")
for v, res in (("male", None), ("Female", "case"), ("f", "err")):
    case("fields", "enum-gender-%s" % v, with_field("/customer", {"gender": v}),
         [] if res is None else [enum_case("enum.gender-case", "/customer/gender", False, v)] if res == "case"
         else [gender("/customer/gender", v)])
for v, res in (("SOLE_TRADER", None), ("limited_company", "case"), ("LLC", "err")):
    case("fields", "enum-organization-entity-type-%s" % v,
         with_field("/customer", {"type": "organization", "organization_entity_type": v}),
         [] if res is None else
         [enum_case("enum.organization-entity-type-case", "/customer/organization_entity_type", True, v)] if res == "case"
         else [enum_err("enum.organization-entity-type", "/customer/organization_entity_type", ORG_TYPES, v)])
case("fields", "enum-subscription-interval-lowercase", with_sub(interval="month"),
     [enum_case("enum.subscription-interval-case", SP + "/interval", True, "month")])
case("fields", "enum-subscription-interval-unknown", with_sub(interval="QUARTER"),
     [enum_err("enum.subscription-interval", SP + "/interval", ["DAY", "WEEK", "MONTH", "YEAR"], "QUARTER")])
case("fields", "range-subscription-interval-count-0", with_sub(interval_count=0),
     [nonneg("subscription.interval-count", SP + "/interval_count", 0)])
case("fields", "type-subscription-interval-count-string", with_sub(interval_count="1"),
     [t_int(SP + "/interval_count", "1")])


# =========================================================================================
# lines: quantity, ranges, line arithmetic, discount lines, magnitudes, the array
# =========================================================================================

def se_with(*lines, **extra):
    return mkorder("SE", "SEK", "sv-SE", list(lines), extra or None)


ship = L1
o = se_with(L0(), mkline("shipping_fee", "SHIP-RETURN", "Returned delivery", -1, 4900, 2500))
case("lines", "quantity-negative", o,
     [nonneg("order-line.quantity", P1 + "/quantity", -1), negative(1, "total_amount", -4900)],
     why="A negative quantity is an error; the line's total (-4900) is then negative on a line that is not "
         "a discount, a warning. The line formula and the tax sum wait for a valid quantity.")
o = se_with(L0(), mkline("physical", "GIFT-WRAP", "Gift wrapping", 0, 1500, 2500))
case("lines", "quantity-zero", o, [qty_zero(P1 + "/quantity")],
     why="quantity 0 is allowed by the spec's minimum but sells nothing: a warning (CONTRACT.md section 4).")
case("lines", "quantity-one", se_with(mkline("physical", "BP-1", "Battery Power Pack", 1, 12999, 2500)), [])
o = base_se()
o["order_lines"][1]["tax_rate"] = -2500
o["order_lines"][1]["total_tax_amount"] = -980
refresh(o)
case("lines", "tax-rate-negative", o, [tax_rate(P1 + "/tax_rate", -2500)],
     why="A tax_rate of -2500 is one finding, not also a line-tax finding (CONTRACT.md section 4).")
o = se_with(L0(), mkline("shipping_fee", "SHIP", "Delivery", 1, 4900, 10001, tax=2450))
case("lines", "tax-rate-10001", o, [tax_rate(P1 + "/tax_rate", 10001)])
case("lines", "tax-rate-10000", se_with(L0(), mkline("shipping_fee", "SHIP", "Delivery", 1, 4900, 10000)), [],
     why="10000 (100%) is the top of the range: 4900 at 100% carries a tax of 2450.")
case("lines", "tax-rate-0", se_with(L0(), mkline("shipping_fee", "SHIP", "Delivery", 1, 4900, 0)), [])
o = base_se()
o["order_lines"][1]["total_discount_amount"] = -100
o["order_lines"][1]["total_amount"] = 5000
o["order_lines"][1]["total_tax_amount"] = 1000
refresh(o)
case("lines", "discount-amount-negative", o, [nonneg("order-line.discount-amount", P1 + "/total_discount_amount", -100)],
     why="A negative total_discount_amount is out of range; the line formula waits for it.")
case("lines", "discount-amount-on-line", se_with(mkline("physical", "KF-2000", "Coffee machine", 1, 30000, 2500, d=5000)),
     [], why="The discounts page's example: 30000 - 5000 = 25000 at 25%, tax 5000.")
o = base_se()
o["order_lines"][0]["total_amount"] = 25999
refresh(o)
case("lines", "total-off-by-one", o, [line_total(0, 2, 12999, 0, 25999)],
     why="The current spec: total_amount = quantity x unit_price - total_discount_amount exactly; "
         "the older ±quantity tolerance is gone (CONTRACT.md section 4). order_amount follows the stated totals.")
o = base_se()
o["order_lines"][0]["total_amount"] = 25996
o["order_lines"][0]["total_tax_amount"] = 5199
refresh(o)
case("lines", "total-within-old-quantity-tolerance", o, [line_total(0, 2, 12999, 0, 25996)],
     why="Off by 2 on a line of quantity 2: the older spec's ±quantity accepted it, the current spec does not.")
o = se_with(mkline("physical", "KF-2000", "Coffee machine", 1, 30000, 2500, d=5000))
o["order_lines"][0]["total_amount"] = 30000
o["order_lines"][0]["total_tax_amount"] = 6000
refresh(o)
case("lines", "total-ignores-discount", o, [line_total(0, 1, 30000, 5000, 30000)],
     why="The discount was sent but not taken off the total.")
o = base_se()
o["order_lines"][0]["quantity"] = 9223372036854775807
case("lines", "quantity-times-price-overflows", o, None,
     why="quantity x unit_price does not fit in 64 bits: the line formula reports it (CONTRACT.md section 4: such "
         "a product is itself a finding). The order's tax adds up exactly, so the tolerance (the sum of the "
         "quantities, which overflows too) is not needed and says nothing.")
o = base_se()
for ln in o["order_lines"]:
    ln["quantity"] = 9223372036854775807
    ln["unit_price"] = ln["total_amount"] = ln["total_tax_amount"] = 0
o["order_amount"], o["order_tax_amount"] = 0, 1
case("totals", "tax-tolerance-overflows", o,
     [E("order.tax-sum", "/order_tax_amount",
        "expected 0 ±overflow (the sum of the lines' total_tax_amount, within the sum of their quantities), "
        "found 1 (the arithmetic overflowed 64-bit integers)")],
     why="order_tax_amount is off by 1, and the tolerance, the sum of the quantities, does not fit in 64 bits: "
         "an overflow is itself a finding (CONTRACT.md section 4), never a silent pass or undefined behaviour.")


def big_line(p, type_="physical", q=1):
    return mkline(type_, "BIG-1", "Industrial battery bank", q, p, 2500)


case("lines", "magnitude-100000000", se_with(big_line(100000000)), [])
case("lines", "magnitude-100000001", se_with(big_line(100000001)),
     [amount_max_old(P0 + "/unit_price", 100000001), amount_max_old(P0 + "/total_amount", 100000001)],
     why="Between the older spec's limit (100000000) and the current one (200000000): warnings.")
case("lines", "magnitude-200000000", se_with(big_line(200000000)),
     [amount_max_old(P0 + "/unit_price", 200000000), amount_max_old(P0 + "/total_amount", 200000000)])
case("lines", "magnitude-200000001", se_with(big_line(200000001)),
     [amount_max(P0 + "/unit_price", 200000001), amount_max(P0 + "/total_amount", 200000001)],
     why="Past 200000000 every reading rejects the amounts; the line's arithmetic and the order sum wait for them.")
o = se_with(big_line(100000000, q=3))
case("lines", "magnitude-total-only", o,
     [amount_max(P0 + "/total_amount", 300000000)],
     why="Each unit is within the limit, the line total of 3 units is not.")
o = se_with(mkline("physical", "BIG-1", "Industrial battery bank", 1, 250000000, 2500),
            mkline("discount", "BULK", "Bulk discount", 1, -200000001, 2500))
case("lines", "magnitude-negative-discount", o,
     [amount_max(P0 + "/unit_price", 250000000), amount_max(P0 + "/total_amount", 250000000),
      amount_max(P1 + "/unit_price", -200000001), amount_max(P1 + "/total_amount", -200000001)],
     why="The limit is on the magnitude: a discount line of -200000001 is past it too.")
o = se_with(L0(), mkline("discount", "WELCOME", "Welcome discount", 1, 500, 2500))
case("lines", "discount-line-positive", o, [discount_sign(1, 500)],
     why="A discount line takes money off: a positive total_amount on it is an error (discounts page).")
case("lines", "discount-line-negative",
     se_with(L0(), mkline("discount", "WELCOME", "Welcome discount", 1, -1000, 2500)), [])
case("lines", "discount-line-zero", se_with(L0(), mkline("discount", "WELCOME", "Welcome discount", 1, 0, 2500)), [])
o = se_with(L0(), mkline("physical", "RETURN-1", "Returned item", 1, -4900, 2500))
case("lines", "negative-physical-line", o, [negative(1, "unit_price", -4900), negative(1, "total_amount", -4900)],
     why="Negative amounts on a line that is not a discount are not documented either way: warnings "
         "(CONTRACT.md section 4).")
o = se_with(L0(), mkline("gift_card", "GC-100", "Gift card", 1, -10000, 0))
case("lines", "negative-gift-card-line", o, [negative(1, "unit_price", -10000), negative(1, "total_amount", -10000)],
     why="CONTRACT.md section 4 reserves negative amounts to type discount; a gift_card line with negative "
         "amounts is therefore a warning, though gift cards reduce the amount due.")
o = se_with(L0(), mkline(None, "RETURN-1", "Returned item", 1, -4900, 2500))
case("lines", "negative-line-without-type", o, [negative(1, "unit_price", -4900), negative(1, "total_amount", -4900)])
case("lines", "order-lines-empty", with_field("/order_lines", []), [lines_count("/order_lines", 0)],
     why="minItems 1: an array-level problem names the array, \"Bad value: order_lines\".")


def small_line(i):
    return {"name": "Sample %d" % i, "quantity": 1, "unit_price": 100, "total_amount": 100}


o = {"purchase_country": "SE", "purchase_currency": "SEK", "locale": "sv-SE", "order_amount": 100000,
     "order_tax_amount": 0, "order_lines": [small_line(i) for i in range(1000)]}
case("lines", "order-lines-1000", o, [], why="maxItems 1000: the limit itself passes.")
o = {"purchase_country": "SE", "purchase_currency": "SEK", "locale": "sv-SE", "order_amount": 100100,
     "order_tax_amount": 0, "order_lines": [small_line(i) for i in range(1001)]}
case("lines", "order-lines-1001", o, [lines_count("/order_lines", 1001)])
o = se_with(L0(), mkline("shipping_fee", "SHIP", "Delivery", 1, 4900, 2500))
del o["order_lines"][1]["total_tax_amount"]
o["order_tax_amount"] = 5200
case("lines", "line-tax-absent", o, [line_tax(1, 4900, 2500, 0)],
     why="An absent total_tax_amount counts as 0 (CONTRACT.md section 4), which is not the tax in 4900 at 25%.")
o = se_with(L0(), mkline("shipping_fee", "SHIP", "Delivery", 1, 4900, 0))
del o["order_lines"][1]["tax_rate"]
del o["order_lines"][1]["total_tax_amount"]
case("lines", "line-without-tax-fields", o, [], why="No tax_rate and no total_tax_amount: both count as 0.")


# =========================================================================================
# tax: the line tax against the exact tax c = total * rate / (10000 + rate), §4 split
# =========================================================================================

def tax_case(name, total_q, total_p, rate, x, why=None, type_="physical", d=0, more=()):
    """One line of the given amounts carrying tax x, with order_tax_amount
    the sum (so that only the line's own rule can speak)."""
    line = mkline(type_, "TX-1", "Tax probe", total_q, total_p, rate, d=d, tax=x)
    o = se_with(L0(), line)
    total = total_q * total_p - d
    verdict = tax_verdict(total, rate, x)
    f = [] if verdict == "ok" else [line_tax(1, total, rate, x)] if verdict == "error" else [line_tax_exact(1, total, rate, x)]
    case("tax", name, o, list(more) + f, why=why)


# c = 980 exactly (4900 at 25%): ±1 passes under every reading, 2 off fails under every reading
for x in (978, 979, 980, 981, 982):
    tax_case("exact-980-found-%d" % x, 1, 4900, 2500, x,
             why="4900 at 25%% carries exactly 980; %d is %d away." % (x, abs(x - 980)))
# c = 5199.6 (25998 at 25%): floor 5199, ceil 5200
for x in (5197, 5198, 5199, 5200, 5201, 5202):
    tax_case("fraction-5199.6-found-%d" % x, 2, 12999, 2500, x,
             why="25998 at 25%% is 5199.6: errors below floor-1 = 5198 and above ceil+1 = 5201; between them, more "
                 "than 1 from 5199.6 is a warning (CONTRACT.md section 4). %d is %s." % (x, tax_verdict(25998, 2500, x)))
# c = 2450.5 (4901 at 100%)
for x in (2448, 2449, 2450, 2451, 2452, 2453):
    tax_case("half-2450.5-found-%d" % x, 1, 4901, 10000, x,
             why="4901 at 100%% is 2450.5, halfway: %d is %s." % (x, tax_verdict(4901, 10000, x)))
# c = 0.48995 (4900 at 0.01%)
for x in (-2, -1, 0, 1, 2, 3):
    tax_case("tiny-rate-found-%d" % x, 1, 4900, 1, x,
             why="4900 at 0.01%% carries 0.49: %d is %s." % (x, tax_verdict(4900, 1, x)))
# zero rate: the tax must be 0 ±1
for x in (-1, 1, 2):
    tax_case("zero-rate-found-%d" % x, 1, 4900, 0, x, why="At tax_rate 0 the tax is 0: %d is %s." % (x, tax_verdict(4900, 0, x)))
# discount lines: negative totals, negative tax
for x in (-202, -201, -200, -199, -198, 200):
    tax_case("discount-exact-found-%d" % x, 1, -1000, 2500, x, type_="discount",
             why="A discount line of -1000 at 25%% carries -200 of tax: %d is %s." % (x, tax_verdict(-1000, 2500, x)))
for x in (-202, -201, -200, -199, -198, -197):
    tax_case("discount-fraction-found-%d" % x, 1, -999, 2500, x, type_="discount",
             why="A discount line of -999 at 25%% carries -199.8: %d is %s." % (x, tax_verdict(-999, 2500, x)))
# with a discount on the line: the tax is on the discounted total
tax_case("on-discounted-total", 2, 12999, 2500, 5000, d=1000,
         why="24998 after the discount, at 25%: 4999.6, so 5000 passes.")
tax_case("on-undiscounted-total", 2, 12999, 2500, 5200, d=1000,
         why="Tax computed before the discount (5200) instead of on the discounted total (4999.6).")
# tax computed on a net price (exclusive), as in the KCO SDK's example: 5 x 10000 at 10%
tax_case("net-basis-5x10000-at-10", 5, 10000, 1000, 5000,
         why="Tax computed on the net price: 10% of 50000 = 5000; the tax included in 50000 at 10% is 4545.45 "
             "(a Klarna SDK maintainer's answer, facts.md 3.1).")
tax_case("net-basis-corrected", 5, 10000, 1000, 4545, why="The same line with the included tax, 4545.")
# facts.md I-4: a shipping line of 495 at 7% with tax 41 (expected about 32)
tax_case("issue-shipping-495-at-7", 1, 495, 700, 41, type_="shipping_fee",
         why="facts.md I-4: Klarna answered \"Bad value: order_lines[2].total_tax_amount\" to 495 at 7% with tax 41.")
tax_case("issue-666-of-4000-at-20", 1, 4000, 2000, 666,
         why="facts.md I-2: 4000 at 20% carries 666.67; the line's 666 is fine (the order's 700 was not).")
tax_case("large-amounts", 1, 200000000, 10000, 100000000,
         more=[amount_max_old(P1 + "/unit_price", 200000000), amount_max_old(P1 + "/total_amount", 200000000)],
         why="The largest amounts at the largest rate: the exact tax is computed in integers without overflow "
             "(the amounts themselves are past the older spec's limit: warnings).")


# =========================================================================================
# totals: order_amount and order_tax_amount against the lines
# =========================================================================================

def TA():
    return mkline("physical", "TOT-A", "Phone case", 3, 1000, 2500)      # 3000, tax 600


def TB():
    return mkline("physical", "TOT-B", "Screen protector", 2, 2450, 2500)  # 4900, tax 980


S_AB, N_AB, Q_AB = 1580, 2, 5
for diff in (-6, -5, -3, -2, 0, 2, 3, 5, 6):
    o = se_with(TA(), TB())
    ota = S_AB + diff
    o["order_tax_amount"] = ota
    if abs(diff) <= N_AB:
        f, verdict = [], "passes under both readings"
    elif abs(diff) <= Q_AB:
        f, verdict = [tax_sum_lines(S_AB, N_AB, Q_AB, ota)], "a warning: within the sum of quantities (5), not within the number of lines (2)"
    else:
        f, verdict = [tax_sum(S_AB, Q_AB, ota)], "an error: past the sum of quantities (5)"
    case("totals", "order-tax-diff-%+d" % diff, o, f,
         why="Lines of quantity 3 and 2 whose taxes sum to 1580; order_tax_amount %d is %+d from it: %s "
             "(CONTRACT.md section 4)." % (ota, diff, verdict))
o = se_with(TA(), TB())
o["order_tax_amount"] = S_AB + 6
case("totals", "order-tax-diff-+6-create-order", o, [tax_sum(S_AB, Q_AB, S_AB + 6)], kind="create-order")
o = se_with(mkline("physical", "P1", "Phone case", 1, 3000, 2500), mkline("physical", "P2", "Charger", 1, 4900, 2500))
o["order_tax_amount"] += 3
case("totals", "order-tax-all-quantity-one-diff-3", o, [tax_sum(1580, 2, 1583)],
     why="With every quantity 1, the number of lines and the sum of quantities agree (2): 3 off is an error.")
o = se_with(mkline("physical", "FREE", "Free sample", 0, 500, 2500), mkline("physical", "B", "Screen protector", 1, 2450, 2500))
o["order_tax_amount"] += 2
case("totals", "order-tax-quantities-below-lines", o, [tax_sum(490, 1, 492), qty_zero(P0 + "/quantity")],
     why="A zero-quantity line makes the sum of quantities (1) smaller than the number of lines (2): "
         "2 off is past the sum of quantities, an error under every reading.")
o = se_with(TA(), TB())
del o["order_tax_amount"]
case("totals", "order-tax-absent", o, [tax_absent(S_AB, Q_AB)],
     why="No order_tax_amount: Klarna defaults it to 0, but the lines carry 1580 of tax (CONTRACT.md section 4).")
o = se_with(TA(), TB())
del o["order_tax_amount"]
case("totals", "order-tax-absent-create-order", o, [tax_absent(S_AB, Q_AB)], kind="create-order")
o = {k: v for k, v in se_with(TA(), TB()).items() if k != "order_tax_amount"}
case("totals", "order-tax-absent-update-session", o, [], kind="update-session",
     why="In a partial update an absent order_tax_amount keeps the session's value: the sum is checked only "
         "where both sides are present.")
o = se_with(mkline("physical", "S1", "Sticker pack", 5, 20, 300), mkline("physical", "S2", "Sticker", 1, 50, 200))
del o["order_tax_amount"]
case("totals", "order-tax-absent-small", o, [tax_absent_lines(4, 2, 6)],
     why="Line taxes 3 and 1 (100 at 3%, 50 at 2%) with no order_tax_amount: 4 off from 0 is within the sum of "
         "quantities (6) but not the number of lines (2): a warning.")
o = se_with(mkline("physical", "S2", "Sticker", 1, 50, 200), mkline("physical", "S3", "Sticker", 1, 50, 200))
del o["order_tax_amount"]
case("totals", "order-tax-absent-within-lines", o, [],
     why="Line taxes 1 and 1 with no order_tax_amount: 2 off from 0, within every tolerance.")
o = se_with(mkline("physical", "Z1", "Book", 1, 19900, 0), mkline("shipping_fee", "Z2", "Delivery", 1, 4900, 0))
del o["order_tax_amount"]
case("totals", "order-tax-absent-no-tax", o, [], why="No tax anywhere: an absent order_tax_amount (0) is right.")
o = se_with(TA(), TB())
o["order_amount"] += 1
case("totals", "order-amount-off-by-one", o, [amount_sum(7900, 7901)],
     why="order_amount must equal the sum of the lines' total_amount exactly (CONTRACT.md section 4).")
o = se_with(TA(), TB())
o["order_amount"] = -7900
case("totals", "order-amount-negative", o, [nonneg("order.amount-range", "/order_amount", -7900)],
     why="order_amount has a minimum of 0; the sum check waits for a valid amount.")
o = se_with(TA(), TB())
o["order_tax_amount"] = -1580
case("totals", "order-tax-negative", o, [nonneg("order.tax-range", "/order_tax_amount", -1580)])
o = se_with(TA(), TB(), mkline("gift_card", "GC-10", "Gift card", 1, -1000, 0))
o["order_amount"] = 7900
case("totals", "order-amount-ignores-gift-card", o,
     [amount_sum(6900, 7900), negative(2, "unit_price", -1000), negative(2, "total_amount", -1000)],
     why="facts.md I-8: after a gift-card plugin added a line, order_amount was no longer the sum of the lines. "
         "(The gift card's negative amounts are warnings under CONTRACT.md section 4.)")
o = se_with(mkline("physical", "SUB-4000", "Subscription box", 1, 4000, 2000, tax=666))
o["order_tax_amount"] = 700
case("totals", "issue-order-tax-700-for-666", o, [tax_sum(666, 1, 700)],
     why="facts.md I-2: the line's tax is right (4000 at 20% is 666.67) but order_tax_amount 700 is 33 off: "
         "Klarna answered \"Bad value: order_tax_amount\".")
o = se_with(TA(), TB(), mkline("discount", "D-5", "Loyalty discount", 1, -500, 2500))
case("totals", "sums-include-discount-line", o, [],
     why="order_amount and order_tax_amount include the discount line's negative amounts.")
base_upd = {k: v for k, v in se_with(TA(), TB()).items() if k in ("order_amount", "order_tax_amount", "order_lines")}
o = copy.deepcopy(base_upd)
o["order_tax_amount"] += 10
case("totals", "update-session-tax-off", o, [tax_sum(S_AB, Q_AB, S_AB + 10)], kind="update-session")
o = copy.deepcopy(base_upd)
o["order_amount"] += 100
case("totals", "update-session-amount-off", o, [amount_sum(7900, 8000)], kind="update-session")
case("totals", "update-session-amount-only", {"order_amount": 12345}, [], kind="update-session",
     why="Only order_amount is sent: the lines it must equal are the session's, not in this body.")
case("totals", "update-session-tax-only", {"order_tax_amount": 2469}, [], kind="update-session")
o = copy.deepcopy(base_upd)
del o["order_amount"]
case("totals", "update-session-lines-without-amount", o, [], kind="update-session")


# =========================================================================================
# us: the sales-tax model (facts.md 3.3; CONTRACT.md section 4)
# =========================================================================================

def us_with(lines, ota, extra=None, country="US", currency="USD", locale="en-US"):
    o = mkorder(country, currency, locale, lines, extra)
    if ota is None:
        del o["order_tax_amount"]
    else:
        o["order_tax_amount"] = ota
    return o


def us_product(rate=0, tax=None, name="Battery Power Pack"):
    return mkline("physical", "19-402-USA", name, 1, 20000, rate, tax=tax)


def us_tax(total=1000, name="Sales Tax", rate=0, tax=0):
    return mkline("sales_tax", None, name, 1, total, rate, tax=tax)


case("us", "lowercase-codes", us_with([us_product(), us_tax()], 1000, country="us", currency="usd", locale="en-us"), [])
case("us", "two-sales-tax-lines", us_with([us_product(), us_tax(800, "State Tax"), us_tax(200, "County Tax")], 1000), [],
     why="Separate sales_tax lines for different taxes (tax page); order_tax_amount is their sum.")
case("us", "line-with-tax-rate", us_with([us_product(1000), us_tax()], 1000),
     [us_rate(0, 1000), us_line_tax(0, 1819)],
     why="A US line carrying a tax rate and its tax: Klarna's US model puts the tax on a sales_tax line only.")
case("us", "line-with-tax-rate-create-order", us_with([us_product(1000), us_tax()], 1000),
     [us_rate(0, 1000), us_line_tax(0, 1819)], kind="create-order")
case("us", "line-tax-amount-1", us_with([us_product(0, tax=1), us_tax()], 1000), [us_line_tax(0, 1)],
     why="At tax_rate 0 the general line rule tolerates 1, but on a US order a line's tax must be 0.")
case("us", "order-tax-not-sales-tax", us_with([us_product(), us_tax()], 1100), [us_order_tax(1000, 1100)],
     why="On a US order, order_tax_amount is the total_amount of the sales_tax lines, exactly.")
case("us", "order-tax-absent", us_with([us_product(), us_tax()], None), [us_order_tax_absent(1000)],
     why="No order_tax_amount: Klarna takes 0, but the sales_tax line says 1000.")
case("us", "tax-exempt-order", us_with([us_product()], 0), [], why="No sales tax at all: order_tax_amount 0.")
case("us", "tax-exempt-order-absent", us_with([us_product()], None), [],
     why="No sales tax and no order_tax_amount: the default 0 is right.")
case("us", "eu-style-taxes", us_with([us_product(1000)], 1819),
     [us_order_tax(0, 1819), us_rate(0, 1000), us_line_tax(0, 1819)],
     why="A European integration sent to the US: tax on the line and in order_tax_amount, no sales_tax line.")
case("us", "sales-tax-line-named-otherwise", us_with([us_product(), us_tax(name="Shipping adjustment")], 1000),
     [us_name(1, "Shipping adjustment")])
case("us", "sales-tax-line-named-state-tax", us_with([us_product(), us_tax(name="State tax (CA)")], 1000), [])
case("us", "sales-tax-line-with-own-tax", us_with([us_product(), us_tax(tax=5)], 1000), [line_tax(1, 1000, 0, 5)],
     why="The sales_tax line carries tax_rate 0, so its own total_tax_amount must be 0 too (CONTRACT.md section 4).")
case("us", "sales-tax-line-with-rate", us_with([us_product(), us_tax(rate=1000, tax=0)], 1000),
     [line_tax(1, 1000, 1000, 0)],
     why="A tax_rate on the sales_tax line itself: the line-tax rule holds for every line, and 0 is not the tax "
         "in 1000 at 10%.")
o = us_with([us_product(), us_tax()], 1000, {"billing_address": copy.deepcopy(US_BILLING)},
            country="SE", currency="USD", locale="en-US")
case("us", "billing-us-overrides-purchase-se", o, [],
     why="The billing country overrides purchase_country (facts.md section 5): this is a US order, and USD/en-US fit it.")
o = us_with([us_product(), us_tax()], 1000,
            {"billing_address": {"given_name": "Jane", "family_name": "Smith", "street_address": "1 High Street",
                                 "postal_code": "SW1A 1AA", "city": "London", "country": "GB"}})
case("us", "billing-gb-overrides-purchase-us", o,
     [m_currency("GB", "USD"), m_locale("GB", "en-US"), tax_sum(0, 2, 1000)],
     why="The billing country (GB) overrides purchase_country (US): the currency and locale no longer fit, and the "
         "order is taxed as a European one, whose line taxes (0) do not make order_tax_amount 1000.")
case("us", "update-session-no-country-tax-off", {"order_amount": 21000, "order_tax_amount": 900,
                                                  "order_lines": [us_product(), us_tax()]},
     [us_order_tax(1000, 900)], kind="update-session",
     why="No country in the update, but a sales_tax line: the US tax model applies.")
o = us_order({"billing_address": {k: v for k, v in US_BILLING.items() if k != "region"}})
case("us", "billing-without-region", o, [a_region("billing_address", "US")],
     why="region is required for US addresses when the customer authorizes: a warning before that (CONTRACT.md section 5).")
o = us_order({"billing_address": copy.deepcopy(US_BILLING),
              "shipping_address": {"given_name": "John", "family_name": "Doe", "street_address": "1 Market St",
                                   "postal_code": "94105", "city": "San Francisco"}})
case("us", "shipping-without-region", o, [a_region("shipping_address", "US")],
     why="The shipping address has no country of its own: it is in the billing country, US, and lacks a region.")


# =========================================================================================
# markets: country, currency, locale (facts.md section 5; CONTRACT.md section 5); addresses
# =========================================================================================

RATES = {"AT": 2000, "BE": 2100, "CA": 500, "CZ": 2100, "DK": 2500, "FI": 2550, "FR": 2000, "DE": 1900,
         "GR": 2400, "IE": 2300, "IT": 2200, "NL": 2100, "NZ": 1500, "NO": 2500, "PL": 2300, "PT": 2300,
         "ES": 2100, "SE": 2500, "CH": 810, "GB": 2000, "US": 0, "AU": 1000, "HU": 2700, "MX": 1600, "RO": 1900}


def market(country, currency, locale, extra=None, rate_of=None):
    rate = RATES.get((rate_of or country).upper(), 2000)
    return mkorder(country, currency, locale, [mkline("physical", "MK-1", "Battery Power Pack", 1, 10000, rate)], extra)


for c in CURRENCY:
    for loc in LOCALES[c]:
        f = [m_locale_dropped(c, loc)] if loc == "be-BE" else []
        case("markets", "ok-%s-%s" % (c.lower(), loc), market(c, CURRENCY[c], loc), f,
             why="be-BE is in the older locale table but not in the newer one: a warning." if f else None)
for c in TENTATIVE_CURRENCY:
    for loc in TENTATIVE_LOCALES[c]:
        case("markets", "tentative-%s-%s" % (c.lower(), loc), market(c, TENTATIVE_CURRENCY[c], loc), [],
             why="%s is a Klarna market now (customer data page); its row is a warnings-only entry." % c)
for c, cur in (("SE", "EUR"), ("DE", "SEK"), ("GB", "EUR"), ("CH", "EUR"), ("NO", "SEK"), ("US", "CAD")):
    case("markets", "currency-%s-%s" % (c.lower(), cur.lower()), market(c, cur, LOCALES[c][0]), [m_currency(c, cur)],
         why="Klarna takes only the local currency of the country (facts.md section 5).")
for c, loc in (("DE", "en-US"), ("NL", "en-US"), ("SE", "en-GB"), ("FI", "sv-SE"), ("US", "en-GB")):
    case("markets", "locale-%s-%s" % (c.lower(), loc), market(c, CURRENCY[c], loc), [m_locale(c, loc)],
         why="facts.md I-17: en-US is rejected for non-US stores (a Dutch store must use en-NL)." if loc == "en-US" else None)
case("markets", "locale-gb-en_GB", market("GB", "GBP", "en_GB"), [p_locale("/locale", "en_GB")],
     why="facts.md I-16: \"Bad value: locale\" for en_GB, an underscore instead of a hyphen.")
case("markets", "country-not-served", market("JP", "JPY", "ja-JP"), [m_country("JP")],
     why="Japan is not a Klarna Payments market; the currency and locale of an unknown market are not judged.")
case("markets", "country-not-served-lowercase", market("jp", "JPY", "ja-JP"), [m_country("jp")])
case("markets", "billing-country-not-served", market("SE", "SEK", "sv-SE", {"billing_address": dict(BILLING_SE, country="JP")}),
     [m_billing_country("JP")],
     why="The billing country overrides purchase_country; Klarna answers for the country, \"Bad value: purchase_country\".")
case("markets", "billing-country-changes-market",
     market("SE", "SEK", "sv-SE", {"billing_address": dict(BILLING_SE, country="DE")}),
     [m_currency("DE", "SEK"), m_locale("DE", "sv-SE")],
     why="The customer's billing country is DE: the order is German, and SEK and sv-SE do not fit it "
         "(the scenario of Klarna's \"Update the cart\" page).")
case("markets", "billing-country-lowercase", market("DE", "EUR", "de-DE", {"billing_address": dict(BILLING_SE, country="de")}), [])
# What the merchant's Klarna account has enabled (CONTRACT.md section 5): a
# rule file of the merchant's replaces the empty default tables.
ACCOUNT_RULES = ("# The merchant's Klarna account: its countries and currencies.\n"
                 "table account_countries { SE: \"Sweden\", NO: \"Norway\", fi: \"Finland\" }\n"
                 "table account_currencies { SEK: \"Swedish krona\", NOK: \"Norwegian krone\", eur: \"Euro\" }\n")
ACCOUNT = {"rules": {"account.rules": ACCOUNT_RULES}}
ACCOUNT_WHY = ("The merchant's account.rules says which countries and currencies its Klarna account has enabled "
               "(SE, NO, FI; SEK, NOK, EUR): outside them Klarna answers with the field's Bad value (facts.md "
               "section 5 and I-15; CONTRACT.md section 5). ")
case("account", "enabled-se", market("SE", "SEK", "sv-SE"), [], ctx=ACCOUNT,
     why=ACCOUNT_WHY + "Sweden in SEK is enabled.")
case("account", "enabled-lowercase-codes", market("fi", "EUR", "fi-FI", rate_of="FI"), [], ctx=ACCOUNT,
     why=ACCOUNT_WHY + "The table's keys and the payload's codes are compared ignoring case (fi, eur).")
case("account", "country-not-enabled", market("DE", "EUR", "de-DE"), [m_account_country("DE")], ctx=ACCOUNT,
     why=ACCOUNT_WHY + "Germany is a Klarna market, but not one of this account: \"Bad value: purchase_country\". "
                       "EUR is enabled (for Finland), so the currency is not judged.")
case("account", "currency-not-enabled", market("US", "USD", "en-US"),
     [m_account_country("US"), m_account_currency("USD")], ctx=ACCOUNT,
     why=ACCOUNT_WHY + "facts.md I-15: a US/USD/en-US session on an account not set up for it; Klarna's answer "
                       "named purchase_currency. Neither the country nor the currency is enabled here.")
case("account", "billing-country-not-enabled",
     market("SE", "SEK", "sv-SE", {"billing_address": dict(BILLING_SE, country="DK")}),
     [m_account_billing_country("DK"), m_currency("DK", "SEK"), m_locale("DK", "sv-SE")], ctx=ACCOUNT,
     why=ACCOUNT_WHY + "The billing country, DK, decides the market, and the account has not enabled it; SEK and "
                       "sv-SE do not fit Denmark either.")
case("account", "not-served-is-not-also-not-enabled", market("JP", "JPY", "ja-JP"),
     [m_country("JP"), m_account_currency("JPY")], ctx=ACCOUNT,
     why=ACCOUNT_WHY + "A country Klarna does not serve is one finding at purchase_country (the account rule waits "
                       "for the field to be valid); the currency is judged by the account alone, since Japan has no "
                       "row in Klarna's table.")
case("account", "not-configured", market("DE", "EUR", "de-DE"), [],
     why="Without the merchant's tables (the defaults are empty) no account check is made (CONTRACT.md section 5).")
case("markets", "mixed-case-codes", market("Se", "sEK", "Sv-se", rate_of="SE"), [])
case("markets", "tentative-currency-hu-eur", market("HU", "EUR", "hu-HU"), [m_currency_tentative("HU", "EUR")],
     why="HU is a newer market whose currency orderlint has not confirmed: a mismatch is a warning only.")
case("markets", "tentative-locale-ro-en-GB", market("RO", "RON", "en-GB"), [m_locale_tentative("RO", "en-GB")])
case("markets", "tentative-mx-currency-usd", market("MX", "USD", "es-MX"), [m_currency_tentative("MX", "USD")])
o = market("SE", "SEK", None)
case("markets", "locale-absent-se", o, [m_locale_missing("SE")],
     why="The spec defaults an absent locale to en-US, which is not a Swedish locale; the docs call locale "
         "required. Either way Klarna may reject it: a warning (CONTRACT.md section 4).")
o = market("SE", "EUR", None, {"billing_address": dict(BILLING_SE, country="DE")})
case("markets", "locale-absent-billing-de", o, [m_locale_missing("DE")],
     why="The country that counts is the billing country, DE; the currency EUR fits it.")
case("markets", "locale-absent-us", market("US", "USD", None), [],
     why="The default en-US is right for a US order: no finding.")
case("markets", "locale-absent-create-order", market("SE", "SEK", None), [], kind="create-order",
     why="create-order takes its locale from the session: an absent locale is not a finding there.")
case("markets", "update-session-country-and-currency", {"purchase_country": "DE", "purchase_currency": "SEK"},
     [m_currency("DE", "SEK")], kind="update-session")
case("markets", "update-session-currency-only", {"purchase_currency": "EUR"}, [], kind="update-session",
     why="No country in the update: the session's country is not in this body, so the currency is not judged.")
case("markets", "update-session-locale-only", {"locale": "en-US"}, [], kind="update-session")
case("markets", "update-session-billing-country-only", {"billing_address": dict(BILLING_SE, country="NO")}, [],
     kind="update-session",
     why="The billing country changes to NO; the session's currency is not in this body, so the mismatch it may "
         "cause is not visible here (checking the merged session finds it).")

# ---- addresses: rules Klarna applies at authorization, warnings here -----------------------------

GB_ADDR = {"title": "Mr", "given_name": "John", "family_name": "Smith", "street_address": "1 High Street",
           "postal_code": "SW1A 1AA", "city": "London", "country": "GB"}
DE_ADDR = {"title": "Herr", "given_name": "Max", "family_name": "Mustermann", "street_address": "Hauptstraße 1",
           "postal_code": "10115", "city": "Berlin", "country": "DE"}
case("markets", "title-gb-mr", market("GB", "GBP", "en-GB", {"billing_address": GB_ADDR}), [])
case("markets", "title-gb-mrs", market("GB", "GBP", "en-GB", {"billing_address": dict(GB_ADDR, title="Mrs")}),
     [a_title("billing_address", "GB", "Mrs")],
     why="UK titles are Mr and Ms (customer data requirements); checked when the customer authorizes: a warning here.")
case("markets", "title-de-herr", market("DE", "EUR", "de-DE", {"billing_address": DE_ADDR}), [])
case("markets", "title-de-mr", market("DE", "EUR", "de-DE", {"billing_address": dict(DE_ADDR, title="Mr")}),
     [a_title("billing_address", "DE", "Mr")])
case("markets", "title-at-frau", market("AT", "EUR", "de-AT", {"billing_address": dict(DE_ADDR, title="Frau", country="AT")}), [])
case("markets", "title-nl-dhr", market("NL", "EUR", "nl-NL", {"billing_address": dict(DE_ADDR, title="Dhr.", country="NL")}), [])
case("markets", "title-nl-mr", market("NL", "EUR", "nl-NL", {"billing_address": dict(DE_ADDR, title="Mr", country="NL")}),
     [a_title("billing_address", "NL", "Mr")])
case("markets", "title-ch-mme", market("CH", "CHF", "fr-CH", {"billing_address": dict(DE_ADDR, title="Mme", country="CH")}), [])
case("markets", "title-shipping-de", market("DE", "EUR", "de-DE", {"billing_address": DE_ADDR,
                                                                   "shipping_address": dict(DE_ADDR, title="Mister")}),
     [a_title("shipping_address", "DE", "Mister")])
case("markets", "title-se-not-checked", market("SE", "SEK", "sv-SE", {"billing_address": dict(BILLING_SE, title="Fru")}), [],
     why="No titles are listed for Sweden: any title passes.")
GR_ADDR = {"given_name": "Γιώργος", "family_name": "Παπαδόπουλος", "street_address": "Οδός Ερμού 10",
           "postal_code": "105 63", "city": "Αθήνα", "country": "GR"}
case("markets", "charset-gr-greek", market("GR", "EUR", "el-GR", {"billing_address": GR_ADDR}), [])
case("markets", "charset-gr-latin1", market("GR", "EUR", "en-GR", {"billing_address": dict(GR_ADDR, family_name="Müller")}),
     [a_charset("billing_address", "family_name", "GR", "Müller")],
     why="Greece accepts Basic Latin, Greek and Greek Extended: ü (Latin-1) is outside them.")
case("markets", "charset-se-greek", market("SE", "SEK", "sv-SE", {"billing_address": dict(BILLING_SE, given_name="Γιώργος")}),
     [a_charset("billing_address", "given_name", "SE", "Γιώργος")],
     why="Outside Greece Klarna accepts Latin blocks only.")
case("markets", "charset-se-nordic", market("SE", "SEK", "sv-SE", {"billing_address": dict(BILLING_SE, given_name="Åsa",
                                                                                           family_name="Öberg")}), [])
case("markets", "charset-de-cyrillic", market("DE", "EUR", "de-DE", {"billing_address": dict(DE_ADDR, city="Москва")}),
     [a_charset("billing_address", "city", "DE", "Москва")])
case("markets", "charset-shipping-greek-in-se",
     market("SE", "SEK", "sv-SE", {"billing_address": BILLING_SE, "shipping_address": dict(BILLING_SE, city="Αθήνα")}),
     [a_charset("shipping_address", "city", "SE", "Αθήνα")])
case("markets", "region-au-missing",
     market("AU", "AUD", "en-AU", {"billing_address": {"given_name": "Bruce", "family_name": "Wayne",
                                                       "street_address": "1 George Street", "postal_code": "2000",
                                                       "city": "Sydney", "country": "AU"}}),
     [a_region("billing_address", "AU")], why="facts.md I-19: authorize() failed for an AU address without region.")
case("markets", "name-only-digits", market("SE", "SEK", "sv-SE", {"billing_address": dict(BILLING_SE, given_name="1234")}),
     [a_name("billing_address", "given_name", "1234")])
case("markets", "name-one-character", market("SE", "SEK", "sv-SE", {"billing_address": dict(BILLING_SE, family_name="A")}),
     [a_name("billing_address", "family_name", "A")])


# =========================================================================================
# klarna-docs: the examples of Klarna's own pages
# =========================================================================================

case("klarna-docs", "update-the-cart-session",
     {"order_amount": 998, "order_tax_amount": 0,
      "order_lines": [{"type": "physical", "reference": "19-315", "name": "Battery Power Pack", "quantity": 2,
                       "unit_price": 499, "tax_rate": 0, "total_amount": 998, "total_discount_amount": 0,
                       "total_tax_amount": 0}]},
     [], kind="update-session",
     why="The update-session body of Klarna's \"Update the cart\" page (docs.klarna.com/klarna-payments/other-actions/"
         "update-the-cart): order_amount 998, order_tax_amount 0, Battery Power Pack (19-315), two at 499, tax_rate 0, "
         "total_amount 998, total_discount_amount 0. The page's listing is cut after total_discount_amount in the copy "
         "we could read; total_tax_amount 0 follows from tax_rate 0. Klarna answers it 204: no finding.")
case("klarna-docs", "update-the-cart-load-gb",
     {"purchase_country": "GB", "purchase_currency": "GBP", "locale": "en-GB", "order_amount": 20,
      "order_tax_amount": 0,
      "order_lines": [{"type": "physical", "reference": "19-402", "name": "Battery Power Pack", "quantity": 1,
                       "unit_price": 20, "tax_rate": 0, "total_amount": 20, "total_discount_amount": 0,
                       "total_tax_amount": 0}]},
     [], kind="load",
     why="The data of the load() call on the same page: GB, GBP, en-GB, order_amount 20. Only those values are "
         "from the page; the single line (1 x 20, no tax) is our reconstruction of a cart that adds up. load() data "
         "is checked as an update of the session (CONTRACT.md section 6).")
case("klarna-docs", "update-the-cart-billing-country-change",
     {"purchase_currency": "GBP",
      "billing_address": {"given_name": "Jane", "family_name": "Smith", "street_address": "Unter den Linden 1",
                          "postal_code": "10117", "city": "Berlin", "country": "DE"}},
     [m_currency("DE", "GBP")], kind="update-session",
     why="The error table of the \"Update the cart\" page: \"Bad value: purchase_currency\" when the customer's billing "
         "address changes the country (to DE) and the currency (GBP) no longer fits it.")
case("klarna-docs", "tax-handling-eu-example",
     mkorder("GB", "GBP", "en-GB", [mkline("physical", "PRODUCT-1", "Product", 1, 59500, 2000),
                                    mkline("shipping_fee", "SHIPPING", "Shipping", 1, 2900, 2000, tax=483)]),
     [], why="The worked example of Klarna's tax-handling page: 59500 at 20% (tax 9917) and shipping 2900 at 20% "
             "(tax 483), order_tax_amount 10400, order_amount 62400 (facts.md 3.2). The country is ours (GB, 20%).")
case("klarna-docs", "tax-handling-2019-example",
     mkorder("GB", "GBP", "en-GB", [mkline("physical", "PRODUCT-1", "Product", 1, 59500, 2000, tax=11900),
                                    mkline("shipping_fee", "SHIPPING", "Shipping", 1, 2900, 2000, tax=580)]),
     [line_tax(0, 59500, 2000, 11900), line_tax(1, 2900, 2000, 580)],
     why="The 2019 version of the tax page computed the tax on net prices (11900 + 580 = 12480): inconsistent with "
         "the inclusive formula Klarna checks (facts.md 3.2), so both line taxes are errors.")
case("klarna-docs", "tax-handling-us-example", us_order(), [],
     why="The US example of the tax page: product 20000 with no tax, a sales_tax line of 1000, order_amount 21000, "
         "order_tax_amount 1000 (facts.md 3.3).")
case("klarna-docs", "discounts-example",
     mkorder("SE", "SEK", "sv-SE", [mkline("physical", "DISCOUNTED-1", "Discounted item", 1, 30000, 2500, d=5000)]),
     [], why="Klarna's discounts page: unit_price 30000, total_discount_amount 5000, total_amount 25000, "
             "tax_rate 2500, total_tax_amount 5000 (facts.md 3.4).")
case("klarna-docs", "error-table-order-tax-amount",
     {"order_amount": 998, "order_tax_amount": 200,
      "order_lines": [{"type": "physical", "reference": "19-315", "name": "Battery Power Pack", "quantity": 2,
                       "unit_price": 499, "tax_rate": 0, "total_amount": 998, "total_discount_amount": 0,
                       "total_tax_amount": 0}]},
     [tax_sum(0, 2, 200)], kind="update-session",
     why="The first row of the page's error table, \"Bad value: order_tax_amount\": the same update with tax details "
         "that break the tax rules (200 of tax on lines that carry none).")

# =========================================================================================
# real: Klarna's own SDK test data, byte for byte (corpus-real/kco_rest_dotnet)
# =========================================================================================

BOM_F = F("warning", "doc.bom", "",
          "expected the JSON text to start at the first byte, found a UTF-8 byte-order mark before the JSON text: "
          "read strictly (RFC 8259: a JSON text must not begin with one) Klarna could reject the body; read as most "
          "parsers do, it skips the mark",
          klarna="Malformed JSON: a UTF-8 byte-order mark before the JSON text", code="BAD_REQUEST", event=True, at=0)
SDK_CUSTOMER = [p_dob("/customer/date_of_birth", "string"), gender("/customer/gender", "string"),
                p_ssn("/customer/last_four_ssn", "string"), customer_type("/customer/type", "string")]
SDK_WHY = ("Klarna's .NET SDK test data (kco_rest_dotnet, Apache-2.0), copied byte for byte: it starts with a "
           "byte-order mark (a warning). It fills the customer with the placeholder \"string\", which breaks "
           "documented rules: date_of_birth is yyyy-mm-dd, gender male or female, last_four_ssn 4 or 9 digits, type "
           "^(person|organization)$. Its single line has quantity 0 (a warning)")
case("real", "create-session-sdk-example", None,
     [BOM_F, qty_zero(P0 + "/quantity")] + SDK_CUSTOMER +
     [enum_case("enum.acquiring-channel-case", "/acquiring_channel", True, "in_store",
                tail=": accepted if Klarna reads enumerations ignoring case (its own SDK example sends "
                     "\"in_store\"), rejected if it reads them as the spec writes them")],
     why=SDK_WHY + ", and acquiring_channel \"in_store\" where the spec writes IN_STORE (a warning).")
case("real", "update-session-sdk-example", None,
     [BOM_F, qty_zero(P0 + "/quantity")] + SDK_CUSTOMER +
     [enum_case("enum.acquiring-channel-case", "/acquiring_channel", True, "in_store",
                tail=": accepted if Klarna reads enumerations ignoring case (its own SDK example sends "
                     "\"in_store\"), rejected if it reads them as the spec writes them")],
     kind="update-session", why=SDK_WHY + ", and acquiring_channel \"in_store\" where the spec writes IN_STORE (a warning).")
case("real", "create-order-sdk-example", None, [BOM_F, qty_zero(P0 + "/quantity")] + SDK_CUSTOMER,
     kind="create-order",
     why=SDK_WHY + ". acquiring_channel, options and attachment are not members of create_order_request and are not checked.")
case("real", "kco-checkout-order-net-tax", None,
     [BOM_F, us_order_tax(0, 5000), us_rate(0, 1000), line_tax(0, 50000, 1000, 5000)],
     why="A Klarna Checkout order of the same SDK, read as a create-session body (the KP fields it shares). Its line "
         "is 5 x 10000 at tax_rate 1000 with total_tax_amount 5000, the tax of a net price: the tax included in 50000 "
         "at 10% is 4545 (kco_rest_dotnet issue 24; facts.md 3.1). It is also a US order (US, USD, billing US), where "
         "Klarna's tax page wants tax_rate 0 on the lines and the tax in a sales_tax line, which order_tax_amount "
         "must equal (there is none, so 0, not 5000). Its KCO-only fields (html_snippet, shipping_options, ...) are "
         "not Klarna Payments fields and are not checked.")

# =========================================================================================
# malformed: bodies that cannot be read (hand-written input.json files)
# =========================================================================================

# What jansson (the JSON parser) says for each text, and the byte offset it
# stands at: parser facts, found by parsing the texts with jansson 2.14 alone
# (json_loadb with JSON_DECODE_ANY | JSON_REJECT_DUPLICATES). A syntax finding
# is placed where the offending token starts (where the offending value would
# start): jansson stands just past the token it names; at the end of the text,
# at the end.
JANSSON = {
    "truncated": ("']' expected near end of file", 356),
    "trailing-comma": ("string or '}' expected near '}'", 356),
    "single-quotes": ("string or '}' expected near '''", 63),
    "unquoted-key": ("string or '}' expected near 'order'", 88),
    "comment": ("string or '}' expected near '/'", 84),
    "nan": ("invalid token near 'NaN'", 130),
    "two-documents": ("end of file expected near '{'", 363),
    "integer-too-big": ("too big integer near '99999999999999999999'", 119),
    "real-too-big": ("real number overflow near '1e400'", 104),
    "control-character": ("control character 0x9 near '\"Express'", 209),
    "invalid-utf8": ("unable to decode byte 0xe9 near '\"Express delivery '", 219),
    "bom-truncated": ("']' expected near end of file", 356),
}
MALFORMED_WHY = {
    "truncated": "The body ends before the array and the object are closed.",
    "trailing-comma": "A comma after the last member: JavaScript accepts it, JSON does not.",
    "single-quotes": "Single-quoted strings are not JSON (a Python repr or a JavaScript literal sent as is).",
    "unquoted-key": "An unquoted member name is not JSON.",
    "comment": "JSON has no comments.",
    "nan": "NaN is not a JSON number.",
    "two-documents": "Two bodies written one after the other.",
    "integer-too-big": "An integer past 64 bits cannot be read as an amount: JSON allows it, jansson (and "
                       "Klarna's int64 amounts) cannot hold it.",
    "real-too-big": "A real past a double (1e400): JSON allows it, no reader of amounts can hold it.",
    "control-character": "A raw tab inside a string must be escaped as \\t.",
    "invalid-utf8": "A Latin-1 byte (0xE9) where UTF-8 is required.",
    "bom-truncated": "A byte-order mark (a warning) and a truncated body (an error).",
}


def char_place(raw, offset):
    """Line and column (characters, a byte-order mark included) of a byte offset."""
    line, col = 1, 1
    for b in raw[:offset]:
        if b == 0x0A:
            line, col = line + 1, 1
        elif (b & 0xC0) != 0x80:
            col += 1
    return line, col


def token_start(raw, skip, text, pos):
    """Where the offending token starts: jansson stands just past the token it
    names ("near 'X'"); at the end of the text there is no token."""
    near = text.rsplit("near ", 1)[1]
    if near == "end of file":
        return skip + pos
    token = near[1:-1].encode("utf-8")
    start = skip + pos - len(token)
    assert raw[start:skip + pos] == token, (raw[start:skip + pos], token)
    return start


# jansson reads these as numeric overflow: the number-range event.
NUMBER_RANGE = ("integer-too-big", "real-too-big")


def malformed(name, raw):
    skip = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    out = [BOM_F] if skip else []
    if skip:
        out = [F("warning", "doc.bom", "", BOM_F.detail, klarna=BOM_F.klarna, code="BAD_REQUEST", event=True, at=(1, 1))]
    if name in JANSSON:
        text, pos = JANSSON[name]
        line, col = char_place(raw, token_start(raw, skip, text, pos))
        detail = "%s, at line %d column %d" % (text, line, col)
        if name in NUMBER_RANGE:
            out.append(F("error", "doc.number-range", "", "expected numbers that fit a 64-bit integer (or a double, "
                         "for reals), found " + detail, klarna="Malformed JSON: " + detail, code="BAD_REQUEST",
                         event=True, at=(line, col)))
        else:
            out.append(F("error", "doc.syntax", "", "expected a JSON text, found a syntax error: " + detail,
                         klarna="Malformed JSON: " + detail, code="BAD_REQUEST", event=True, at=(line, col)))
        return out, MALFORMED_WHY[name]
    return None, None


# CONTRACT.md section 3: an empty body, a body past a limit and a body that is
# not an object are "Malformed JSON: <what, at line L column C>".
def event(rule, what, line, col, message_head, why=None):
    detail = "%s, at line %d column %d" % (what, line, col)
    return F("error", rule, "", message_head + detail, klarna="Malformed JSON: " + detail, code="BAD_REQUEST",
             event=True, at=(line, col))


NOT_OBJECT_HEAD = "expected a JSON object at the top level, but "
MALFORMED_OTHER = {
    "empty": ([event("doc.empty", "no JSON text", 1, 1, "expected a JSON object, found ")],
              "An empty body: a rejected document, not a tool failure (CONTRACT.md section 3)."),
    "whitespace-only": ([event("doc.empty", "no JSON text", 3, 1, "expected a JSON object, found ")],
                        "Only whitespace: empty, placed at the end of the text."),
    "top-level-array": ([event("doc.not-object", "the payload is not a JSON object", 1, 1, NOT_OBJECT_HEAD)],
                        "An array holding the order instead of the order."),
    "top-level-string": ([event("doc.not-object", "the payload is not a JSON object", 1, 1, NOT_OBJECT_HEAD)],
                         "The order serialized twice: a JSON string holding JSON text."),
    "top-level-null": ([event("doc.not-object", "the payload is not a JSON object", 1, 1, NOT_OBJECT_HEAD)], None),
    "deep-nesting-64": ([], "64 levels, the default depth limit (an unknown member, not checked otherwise): read."),
    "deep-nesting-65": ([event("doc.too-deep", "nesting deeper than 64 levels", 4, 18 + 63,
                               "expected nesting within the depth limit, found ")],
                        "65 levels: past the default depth limit of 64, the body is not read. The place is that of "
                        "the first value past the limit (the 64th nested array of custom_data, 65 levels down)."),
    "deep-nesting-parser-limit": ([event("doc.too-deep", "nesting deeper than 64 levels", 4, 18 + 63,
                                         "expected nesting within the depth limit, found ")],
                                  "Nesting past jansson's own limit (2048) is reported like any nesting past "
                                  "orderlint's limit (64): at the first array or object past 64 levels, the "
                                  "same place as in deep-nesting-65."),
    "bom-valid": ([BOM_F], "A valid body after a byte-order mark: a warning, and the body is checked as usual."),
}


def too_large(raw):
    limit = 512  # the case's options file: max_bytes 512
    return ([event("doc.too-large", "more than the limit of %d bytes" % limit, 1, 1,
                   "expected a body within the size limit, found ")],
            "A valid body checked with a size limit of 512 bytes (the case's options file): past the limit the body "
            "is rejected as a whole, unread.")


DUP_HEAD = "expected each key once in an object, but "
DUP_TAIL = (": read strictly (RFC 8259 leaves it undefined) Klarna could reject the body; read as most parsers do, "
            "it keeps one of the values, and which one is not promised (orderlint checks the last)")


def line_col(text, index):
    """Line and column (1-based, in characters) of a character index."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def dup(scan_text, ptr):
    """The repeated key at ptr: placed at the later key, saying where the
    first one is (the loader knows both places)."""
    from caselib import Scan
    sc = Scan(scan_text)
    index, first = [(i, f) for p, i, f in sc.key_places if p == ptr][0]
    what = "the key appears more than once in its object, first at line %d column %d" % line_col(scan_text, first)
    return F("warning", "doc.duplicate-key", ptr, DUP_HEAD + what + DUP_TAIL,
             klarna="Malformed JSON: " + what, code="BAD_REQUEST", event=True, at=index)


def dup_cases(name, text):
    if name == "duplicate-key":
        return [dup(text, "/order_amount")], "The same member twice with the same value: a warning only."
    if name == "duplicate-key-differs":
        return ([dup(text, "/order_lines/0/quantity"), line_total(0, 2, 4900, 0, 4900)],
                "quantity 1, then quantity 2: the later value is the one checked (as jansson keeps it), and "
                "2 x 4900 is not the line's 4900.")
    if name == "bom-duplicate-key":
        return [BOM_F, dup(text, "/locale")], "A byte-order mark and a repeated locale (the later, en-SE, is checked)."
    return None, None


OVERFLOW = [
    E("order-line.total", P0 + "/total_amount",
      "expected overflow (9223372036854775807 * 12999 - 0), found 25998 (the arithmetic overflowed 64-bit integers)"),
]


# The suites of the context of a request (session, ids, authorized, sdk, om,
# and the cases of klarna-docs and real that need a context): gen_context.py.
import gen_context  # noqa: E402
import gen_hostile  # noqa: E402

gen_context.define(case, globals())


def main():
    names = set()
    for suite, name, payload, findings, kind, why, text, ctx in CASES:
        key = (suite, name)
        assert key not in names, key
        names.add(key)
        if name == "quantity-times-price-overflows":
            findings = OVERFLOW
        if payload is not None:
            text = pretty(payload)
            write_case(suite, name, text, findings, kind, why, ctx=ctx)
        elif text is not None:  # a body given as it is sent, not as a payload
            write_case(suite, name, text, findings, kind, why, ctx=ctx)
        else:
            with open(os.path.join(CORPUS, suite, name, "input.json"), encoding="utf-8") as f:
                text = f.read()
            write_case(suite, name, text, findings, kind, why, write_input=False, ctx=ctx)
    # malformed: hand-written texts
    mdir = os.path.join(CORPUS, "malformed")
    for name in sorted(os.listdir(mdir)):
        with open(os.path.join(mdir, name, "input.json"), "rb") as f:
            raw = f.read()
        findings, why = malformed(name, raw)
        if findings is None:
            text = raw.decode("utf-8")
            findings, why = dup_cases(name, text)
            if findings is None and name == "too-large":
                findings, why = too_large(raw)
            if findings is None:
                findings, why = MALFORMED_OTHER[name]
        else:
            text = raw.decode("utf-8", errors="replace")
        names.add(("malformed", name))
        write_case("malformed", name, text, findings, None, why, write_input=False)
    # hostile: limits and bytes that are not JSON text (gen_hostile.py)
    gen_hostile.define(globals())
    names |= {("hostile", n) for n in gen_hostile.write_all()}
    print("%d cases" % len(names))


if __name__ == "__main__":
    main()
