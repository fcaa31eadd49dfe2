"""msgs.py: the finding messages of the rule table, as the rules' templates
define them, for the generator's expectations. Numbers are computed here,
from the spec's formulas, in exact integers (never by orderlint)."""
import datetime

from caselib import E, W, F, kpath, jtype, jtext, floordiv, ceildiv

ABSENT = object()

CS = "create-session"


# ---- required ----------------------------------------------------------------
def required(rule, ptr, v=ABSENT):
    return E(rule, ptr, "%s is required, but it is %s" % (kpath(ptr), "absent" if v is ABSENT else "null"))


# ---- types ---------------------------------------------------------------------
def t_amount(ptr, v):
    return E("type.integer-amount", ptr, "expected an integer amount in minor units, found %s %s" % (jtype(v), jtext(v)))


def t_int(ptr, v):
    return E("type.integer", ptr, "expected an integer, found %s %s" % (jtype(v), jtext(v)))


def t_string(ptr, v, rule="type.string"):
    return E(rule, ptr, "expected a string, found %s %s" % (jtype(v), jtext(v)))


def t_object(ptr, v, rule="type.object"):
    return E(rule, ptr, "expected an object, found %s %s" % (jtype(v), jtext(v)))


def t_lines(ptr, v):
    return E("type.order-lines", ptr, "expected an array of order lines, found %s" % jtype(v))


def t_line(ptr, v):
    return E("type.order-line", ptr, "expected an order line object, found %s %s" % (jtype(v), jtext(v)))


def t_str_array(ptr, v):
    return E("type.string-array", ptr, "expected an array of strings, found %s %s" % (jtype(v), jtext(v)))


def t_bool(ptr, v):
    return E("type.boolean", ptr, "expected true or false, found %s %s" % (jtype(v), jtext(v)))


# ---- lengths -------------------------------------------------------------------
def length(rule, ptr, mn, mx, n):
    return E(rule, ptr, "expected %d to %d characters, found %d" % (mn, mx, n),
             klarna="Bad value: %s (size must be between %d and %d)" % (kpath(ptr), mn, mx))


def ref64(ptr, n):
    return W("len.line-reference-64", ptr,
             "expected 0 to 64 characters under the older spec, found %d: the current spec allows 255, "
             "but Klarna rejected references over 64 characters in 2017-2019" % n,
             klarna="Bad value: %s (size must be between 0 and 64)" % kpath(ptr))


def md255(ptr, n):
    return W("len.line-merchant-data-255", ptr,
             "expected 0 to 255 characters under the older spec, found %d: the current spec allows 1024" % n,
             klarna="Bad value: %s (size must be between 0 and 255)" % kpath(ptr))


# ---- patterns and enums --------------------------------------------------------------
def p_country(ptr, v, rule="pattern.purchase-country"):
    return E(rule, ptr, "expected a two-letter ISO 3166-1 country code, found %s" % jtext(v))


def p_currency(ptr, v):
    return E("pattern.purchase-currency", ptr, "expected a three-letter ISO 4217 currency code, found %s" % jtext(v))


def p_locale(ptr, v):
    return E("pattern.locale", ptr, "expected a locale of the form ll-CC, found %s" % jtext(v))


def p_color(ptr, v):
    return E("pattern.color", ptr, "expected a colour of the form #RRGGBB, found %s" % jtext(v))


def p_ssn(ptr, v):
    return E("pattern.last-four-ssn", ptr, "expected 4 or 9 digits, found %s" % jtext(v))


def p_dob(ptr, v):
    return E("pattern.date-of-birth", ptr, "expected a date yyyy-mm-dd, found %s" % jtext(v))


LINE_TYPES = ["physical", "discount", "shipping_fee", "sales_tax", "digital", "gift_card", "store_credit", "surcharge"]
ORG_TYPES = ["LIMITED_COMPANY", "PUBLIC_LIMITED_COMPANY", "ENTREPRENEURIAL_COMPANY",
             "LIMITED_PARTNERSHIP_LIMITED_COMPANY", "LIMITED_PARTNERSHIP", "GENERAL_PARTNERSHIP",
             "REGISTERED_SOLE_TRADER", "SOLE_TRADER", "CIVIL_LAW_PARTNERSHIP", "PUBLIC_INSTITUTION", "OTHER"]
CASE_TAIL = ": accepted if Klarna reads enumerations ignoring case, rejected if it reads them as the spec writes them"


def enum_err(rule, ptr, values, v):
    return E(rule, ptr, "expected one of %s, found %s" % (", ".join(values), jtext(v)))


def enum_case(rule, ptr, upper, v, tail=CASE_TAIL):
    return W(rule, ptr, "expected %s case, found %s%s" % ("upper" if upper else "lower", jtext(v), tail))


def customer_type(ptr, v):
    return E("enum.customer-type", ptr, "expected person or organization, found %s" % jtext(v))


def gender(ptr, v):
    return E("enum.gender", ptr, "expected male or female, found %s" % jtext(v))


def https(ptr, v):
    return W("url.authorization-https", ptr,
             "expected an https:// URL, found %s: Klarna only calls an authorization callback over HTTPS; "
             "whether it rejects another URL when the session is created is not documented" % jtext(v))


# ---- ranges ------------------------------------------------------------------------
def lines_count(ptr, n):
    return E("order-lines.count", ptr, "expected 1 to 1000 order lines, found %d" % n)


def nonneg(rule, ptr, v):
    what = {"order.amount-range": "an amount", "order.tax-range": "an amount",
            "order-line.quantity": "a quantity", "order-line.discount-amount": "a discount",
            "subscription.interval-count": "an interval count"}[rule]
    least = 1 if rule == "subscription.interval-count" else 0
    return E(rule, ptr, "expected %s of %d or more, found %d" % (what, least, v))


def qty_zero(ptr):
    return W("order-line.quantity-zero", ptr,
             "expected at least 1 item, found 0: the spec's minimum of 0 accepts it, but a line of no items "
             "sells nothing, and read as an item count (the ±quantity tolerances) Klarna may reject it")


def tax_rate(ptr, v):
    return E("order-line.tax-rate", ptr, "expected a tax rate of 0 to 10000 (basis points: 2500 is 25%%), found %d" % v)


def amount_max(ptr, v):
    return E("order-line.amount-max", ptr, "expected at most 200000000 in magnitude, found %d" % v)


def amount_max_old(ptr, v):
    return W("order-line.amount-max-old", ptr,
             "expected at most 100000000 in magnitude under the older spec, found %d: the current spec allows 200000000" % v)


# ---- arithmetic --------------------------------------------------------------------
def line_ptr(i, field):
    return "/order_lines/%d/%s" % (i, field)


def line_tax(i, total, rate, found):
    n, d = total * rate, 10000 + rate
    return E("order-line.tax", line_ptr(i, "total_tax_amount"),
             "expected %d to %d (tax_rate %d on total_amount %d: %d / %d, ±1), found %d"
             % (floordiv(n, d) - 1, ceildiv(n, d) + 1, rate, total, n, d, found))


def line_tax_exact(i, total, rate, found):
    n, d = total * rate, 10000 + rate
    return W("order-line.tax-exact", line_ptr(i, "total_tax_amount"),
             "expected within 1 of the exact tax %d / %d, found %d: accepted if Klarna's ±1 is measured from the "
             "rounded tax (%d or %d), rejected if from the exact tax" % (n, d, found, floordiv(n, d), ceildiv(n, d)))


def tax_verdict(total, rate, x):
    """The §4 split for a line tax x: 'ok', 'warning' or 'error' (exact
    integers: |x - c| > 1 <=> |x*(10000+r) - total*r| > 10000+r)."""
    n, d = total * rate, 10000 + rate
    if x < floordiv(n, d) - 1 or x > ceildiv(n, d) + 1:
        return "error"
    if abs(x * d - n) > d:
        return "warning"
    return "ok"


def line_total(i, q, p, disc, found):
    return E("order-line.total", line_ptr(i, "total_amount"),
             "expected %d (%d * %d - %d), found %d" % (q * p - disc, q, p, disc, found))


def amount_sum(expected, found):
    return E("order.amount-sum", "/order_amount",
             "expected %d (the sum of the lines' total_amount), found %d" % (expected, found))


def tax_sum(s, q, found):
    return E("order.tax-sum", "/order_tax_amount",
             "expected %d ±%d (the sum of the lines' total_tax_amount, within the sum of their quantities), found %d"
             % (s, q, found))


def tax_sum_lines(s, n, q, found):
    return W("order.tax-sum-lines", "/order_tax_amount",
             "expected %d ±%d (the number of lines), found %d: within the sum of quantities (%d), so accepted if "
             "Klarna's \"± items quantity\" counts items, rejected if it counts lines" % (s, n, found, q))


def tax_absent(s, q):
    return E("order.tax-absent", "/order_tax_amount",
             "expected %d ±%d (the sum of the lines' total_tax_amount), found none: Klarna takes an absent "
             "order_tax_amount as 0" % (s, q))


def tax_absent_lines(s, n, q):
    return W("order.tax-absent-lines", "/order_tax_amount",
             "expected %d ±%d (the number of lines), found none (Klarna takes 0): within the sum of quantities (%d), "
             "so accepted if Klarna's \"± items quantity\" counts items, rejected if it counts lines" % (s, n, q))


def discount_sign(i, v):
    return E("order-line.discount-sign", line_ptr(i, "total_amount"), "expected 0 or less on a discount line, found %d" % v)


def negative(i, field, v):
    return W("order-line.negative-amount", line_ptr(i, field),
             "expected 0 or more on a line that is not a discount, found %d: the spec sets no minimum, but Klarna "
             "documents negative amounts only for discount lines" % v)


# ---- US ------------------------------------------------------------------------------
def us_rate(i, v):
    return E("us.line-tax-rate", line_ptr(i, "tax_rate"),
             "expected 0 on a US order (sales tax is sent as a sales_tax line), found %d" % v)


def us_line_tax(i, v):
    return E("us.line-tax-amount", line_ptr(i, "total_tax_amount"),
             "expected 0 on a US order (sales tax is sent as a sales_tax line), found %d" % v)


def us_name(i, name):
    return W("us.sales-tax-name", line_ptr(i, "name"),
             "expected a name like \"Tax\" or \"Sales Tax\" on a sales_tax line, found %s: Klarna's tax page asks "
             "for it and shows the name to the customer; whether it rejects another name is not documented" % jtext(name))


def us_order_tax(expected, found):
    return E("us.order-tax", "/order_tax_amount",
             "expected %d (the total_amount of the sales_tax lines) on a US order, found %d" % (expected, found))


def us_order_tax_absent(expected):
    return E("us.order-tax-absent", "/order_tax_amount",
             "expected %d (the total_amount of the sales_tax lines) on a US order, found none: Klarna takes an "
             "absent order_tax_amount as 0" % expected)


# ---- markets ---------------------------------------------------------------------------
CURRENCY = {"AT": "EUR", "BE": "EUR", "CA": "CAD", "CZ": "CZK", "DK": "DKK", "FI": "EUR", "FR": "EUR",
            "DE": "EUR", "GR": "EUR", "IE": "EUR", "IT": "EUR", "NL": "EUR", "NZ": "NZD", "NO": "NOK",
            "PL": "PLN", "PT": "EUR", "ES": "EUR", "SE": "SEK", "CH": "CHF", "GB": "GBP", "US": "USD",
            "AU": "AUD"}
LOCALES = {"AT": ["de-AT", "en-AT"], "BE": ["nl-BE", "fr-BE", "be-BE", "en-BE"], "CA": ["en-CA", "fr-CA"],
           "CZ": ["cs-CZ", "en-CZ"], "DK": ["da-DK", "en-DK"], "FI": ["fi-FI", "sv-FI", "en-FI"],
           "FR": ["fr-FR", "en-FR"], "DE": ["de-DE", "en-DE"], "GR": ["el-GR", "en-GR"], "IE": ["en-IE"],
           "IT": ["it-IT", "en-IT"], "NL": ["nl-NL", "en-NL"], "NZ": ["en-NZ"], "NO": ["nb-NO", "en-NO"],
           "PL": ["pl-PL", "en-PL"], "PT": ["pt-PT", "en-PT"], "ES": ["es-ES", "en-ES"],
           "SE": ["sv-SE", "en-SE"], "CH": ["de-CH", "fr-CH", "it-CH", "en-CH"], "GB": ["en-GB"],
           "US": ["en-US", "es-US"], "AU": ["en-AU"]}
TENTATIVE_CURRENCY = {"HU": "HUF", "MX": "MXN", "RO": "RON"}
TENTATIVE_LOCALES = {"HU": ["hu-HU", "en-HU"], "MX": ["es-MX", "en-MX"], "RO": ["ro-RO", "en-RO"]}
TENTATIVE_TAIL = " is a newer Klarna market whose table orderlint has not confirmed, so this is a warning only"


def m_country(v):
    return E("market.country", "/purchase_country", "expected a country Klarna Payments serves, found %s" % jtext(v))


def m_billing_country(v):
    return E("market.billing-country", "/billing_address/country",
             "expected a country Klarna Payments serves, found %s (billing_address.country overrides purchase_country)"
             % jtext(v), klarna="Bad value: purchase_country")


ACCOUNT = "expected a %s your Klarna account has enabled (your account_%s table), found %s"


def m_account_country(v):
    return E("market.account-country", "/purchase_country", ACCOUNT % ("country", "countries", jtext(v)))


def m_account_billing_country(v):
    return E("market.account-billing-country", "/billing_address/country",
             (ACCOUNT % ("country", "countries", jtext(v))) + " (billing_address.country overrides purchase_country)",
             klarna="Bad value: purchase_country")


def m_account_currency(v):
    return E("market.account-currency", "/purchase_currency", ACCOUNT % ("currency", "currencies", jtext(v)))


def m_currency(country, v):
    return E("market.currency", "/purchase_currency",
             "expected %s, the currency of %s (billing_address.country, else purchase_country), found %s"
             % (CURRENCY[country.upper()], country, jtext(v)))


def m_currency_tentative(country, v):
    return W("market.currency-tentative", "/purchase_currency",
             "expected %s, the currency of %s, found %s: %s%s"
             % (TENTATIVE_CURRENCY[country.upper()], country, jtext(v), country, TENTATIVE_TAIL))


def m_locale(country, v):
    return E("market.locale", "/locale", "expected a locale of %s, one of %s, found %s"
             % (country, jtext(LOCALES[country.upper()]), jtext(v)))


def m_locale_dropped(country, v):
    return W("market.locale-dropped", "/locale",
             "expected a locale of %s in Klarna's newer table, found %s: the older table lists it, the newer one does not"
             % (country, jtext(v)))


def m_locale_tentative(country, v):
    return W("market.locale-tentative", "/locale", "expected a locale of %s, one of %s, found %s: %s%s"
             % (country, jtext(TENTATIVE_LOCALES[country.upper()]), jtext(v), country, TENTATIVE_TAIL))


def m_locale_missing(country):
    return W("market.locale-missing", "/locale",
             "expected a locale of %s, found none: read with the API spec, Klarna defaults it to en-US, which is not "
             "a locale of %s; read with the docs, locale is required" % (country, country))


# ---- addresses -------------------------------------------------------------------------
TITLES = {"GB": ["Mr", "Ms"], "DE": ["Herr", "Frau"], "AT": ["Herr", "Frau"],
          "CH": ["Herr", "Frau", "Sig.", "Sig.ra", "M", "Mme"], "BE": ["Dhr.", "Mevr."], "NL": ["Dhr.", "Mevr."]}
AUTH_TAIL = ", not for this request"


def a_region(addr, country):
    return W("address.region-required", "/%s/region" % addr,
             "expected a region (state) for an address in %s, found none: Klarna requires it when the customer "
             "authorizes, not for this request" % country)


def a_title(addr, country, v):
    return W("address.title", "/%s/title" % addr,
             "expected a title of %s, one of %s, found %s: Klarna checks titles when the customer authorizes, not "
             "for this request" % (country, jtext(TITLES[country.upper()]), jtext(v)))


def a_charset(addr, field, country, v):
    return W("address.%s-charset" % ("billing" if addr == "billing_address" else "shipping"),
             "/%s/%s" % (addr, field),
             "expected characters Klarna accepts in addresses of %s, found %s: Klarna checks character sets when "
             "the customer authorizes, not for this request" % (country, jtext(v)))


def a_name(addr, field, v):
    return W("address.name-form", "/%s/%s" % (addr, field),
             "expected a name of at least 2 characters, not only digits, found %s: Klarna checks names when the "
             "customer authorizes, not for this request" % jtext(v))


LATIN_OK = lambda s: all(ord(c) <= 0x17F or 0x1D00 <= ord(c) <= 0x1D7F for c in s)
GREEK_OK = lambda s: all(ord(c) <= 0x7F or 0x370 <= ord(c) <= 0x3FF or 0x1F00 <= ord(c) <= 0x1FFF for c in s)


# ---- the context of a request: ids and lifetimes (90-session, 91-authorized) ----------------
def session_id(v):
    return E("session.id-form", "",
             "expected a session id of the form Klarna issues, a lower-case UUID (8-4-4-4-12 hex digits), found %s"
             % jtext(v), klarna="Invalid session id", code="NOT_FOUND", http=404)


def rfc3339(t):
    """Seconds since the epoch as the {time(x)} of a template writes them."""
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def session_expired(created, now):
    return E("session.expired", "",
             "expected a session at most 48 hours (172800 seconds) old, found one %d seconds old (created at %s, now %s)"
             % (now - created, rfc3339(created), rfc3339(now)), klarna="Invalid session id", code="NOT_FOUND",
             http=404)


TOKEN_FORM = ("expected an authorization token of the form Klarna issues, a lower-case UUID (8-4-4-4-12 hex "
              "digits), found %s")


def token_form(v):
    return E("token.form", "", TOKEN_FORM % jtext(v), klarna="Invalid authorization token", code="NOT_FOUND",
             http=404)


def token_expired(at, now):
    return E("token.expired", "",
             "expected an authorization at most 60 minutes (3600 seconds) old, found one %d seconds old "
             "(authorized at %s, now %s)" % (now - at, rfc3339(at), rfc3339(now)),
             klarna="Invalid authorization token", code="NOT_FOUND", http=404)


# ---- the order against what was authorized (91-authorized) -----------------------------------
COUNT_ITEM = "Incorrect number of items in the cart. Expected: %d, Actual: %d"
OTHER_TAIL = (": rejected if Klarna compares the whole authorized session, accepted if it compares only the "
              "addresses, the lines and the amount (all its real answers name)")


def mismatch(diffs, body_text, rule="order.not-authorized"):
    """The findings of one authorized-mismatch rule. diffs: (pointer,
    expected, found) for a value that differs (ABSENT for a side that does
    not have it), or (pointer, n_expected, n_found, "count") for a list of
    another length. Klarna's message lists every difference of the rule: the
    paths in the body's document order, then the count items."""
    from caselib import Scan, walk
    scan = Scan(body_text)
    plain = [d for d in diffs if len(d) == 3]
    counts = [d for d in diffs if len(d) == 4]
    plain.sort(key=lambda d: walk(scan, d[0])[0])
    fields = [kpath(d[0]) for d in plain] + [COUNT_ITEM % (d[1], d[2]) for d in counts]
    klarna = "Not matching fields: [%s]" % ", ".join(fields)
    sev = E if rule == "order.not-authorized" else W
    tail = "" if rule == "order.not-authorized" else OTHER_TAIL
    out = []
    for d in plain + counts:
        if len(d) == 4:
            exp, found = str(d[1]), str(d[2])
        else:
            exp = "absent" if d[1] is ABSENT else jtext(d[1])
            found = "absent" if d[2] is ABSENT else jtext(d[2])
        out.append(sev(rule, d[0], "expected %s as authorized, %s, found %s%s" % (kpath(d[0]), exp, found, tail),
                       klarna=klarna, http=409))
    return out


# ---- authorize() and finalize(): the address rules as errors (92-sdk) --------------------------
def s_region(addr, country):
    return E("sdk.region-required", "/%s/region" % addr,
             "expected a region (state) for an address in %s, found none: Klarna requires it when the customer "
             "authorizes" % country)


def s_title(addr, country, v):
    return E("sdk.title", "/%s/title" % addr,
             "expected a title of %s, one of %s, found %s: Klarna checks titles when the customer authorizes"
             % (country, jtext(TITLES[country.upper()]), jtext(v)))


def s_charset(addr, field, country, v):
    return E("sdk.%s-charset" % ("billing" if addr == "billing_address" else "shipping"), "/%s/%s" % (addr, field),
             "expected characters Klarna accepts in addresses of %s, found %s: Klarna checks character sets when "
             "the customer authorizes" % (country, jtext(v)))


def s_name(addr, field, v):
    return E("sdk.name-form", "/%s/%s" % (addr, field),
             "expected a name of at least 2 characters, not only digits, found %s: Klarna checks names when the "
             "customer authorizes" % jtext(v))


# ---- Order Management (95-order-management) ----------------------------------------------------
def om_required(field, v=ABSENT):
    rule = "om.required-captured-amount" if field == "captured_amount" else "om.required-refunded-amount"
    return E(rule, "/" + field, "%s is required, but it is %s" % (field, "absent" if v is ABSENT else "null"))


def om_amount(field, v):
    rule = "om.captured-amount" if field == "captured_amount" else "om.refunded-amount"
    return E(rule, "/" + field, "expected an integer amount of 0 to 200000000 in minor units, found %s %s"
             % (jtype(v), jtext(v)))


def om_shipping_delay(v):
    return E("om.shipping-delay", "/shipping_delay", "expected a whole number of days of 0 or more, found %s %s"
             % (jtype(v), jtext(v)))


def om_string(ptr, v):
    return E("om.type-string", ptr, "expected a string, found %s %s" % (jtype(v), jtext(v)))


def om_len(rule, ptr, mx, n):
    return E(rule, ptr, "expected 0 to %d characters, found %d" % (mx, n),
             klarna="Bad value: %s (size must be between 0 and %d)" % (kpath(ptr), mx))


def om_shipping_info_type(v):
    return E("om.shipping-info-type", "/shipping_info", "expected an array of shipping_info objects, found %s %s"
             % (jtype(v), jtext(v)))


def om_shipping_info_count(n):
    return E("om.shipping-info-count", "/shipping_info", "expected at most 500 shipping_info entries, found %d" % n)


def om_lines_count(n):
    return E("om.order-lines-count", "/order_lines", "expected at most 1000 order lines, found %d" % n)


def om_line_int(ptr, v):
    return E("om.line-integer", ptr, "expected an integer, found %s %s" % (jtype(v), jtext(v)))


def om_line_max(ptr, v):
    return E("om.line-amount-max", ptr, "expected at most 200000000, found %d" % v)


def om_line_min(ptr, v):
    return E("om.line-minimum", ptr, "expected 0 or more, found %d" % v)


def om_line_type(ptr, v):
    return E("om.line-type", ptr, "expected one of physical, discount, shipping_fee, sales_tax, digital, gift_card, "
             "store_credit, surcharge, return_fee, found %s" % jtext(v))


def om_lines_sum(field, expected, found):
    rule = "om.capture-lines-sum" if field == "captured_amount" else "om.refund-lines-sum"
    return E(rule, "/" + field, "expected %d (the sum of the lines' total_amount), found %d" % (expected, found))


def om_capture_exceeds(order_amount, captured, found):
    return E("om.capture-exceeds", "/captured_amount",
             "expected at most %d (order_amount %d less %d already captured), found %d"
             % (order_amount - captured, order_amount, captured, found),
             klarna="Capture not allowed", code="CAPTURE_NOT_ALLOWED", http=403)


def om_capture_exceeds_remaining(remaining, found):
    return E("om.capture-exceeds-remaining", "/captured_amount",
             "expected at most %d (the order's remaining_authorized_amount), found %d" % (remaining, found),
             klarna="Capture not allowed", code="CAPTURE_NOT_ALLOWED", http=403)


def om_refund_no_captures():
    return E("om.refund-no-captures", "/refunded_amount",
             "expected an order with at least one capture, found none: only what was captured can be refunded",
             klarna="Order has no captures. Refund not possible", code="REFUND_NOT_ALLOWED", http=403)


def om_order_readable():
    return W("om.order-readable", "",
             "expected the order as Order Management returns it (an integer order_amount; captures and refunds as "
             "arrays of objects with integer captured_amount and refunded_amount), found one that is not: the "
             "capture or refund is not checked against it", klarna="")


def om_capture_order_state(status):
    return E("om.capture-order-state", "",
             "expected an order that can still be captured, found one whose status is %s" % status,
             klarna="Capture not allowed", code="CAPTURE_NOT_ALLOWED", http=403)


def om_refund_exceeds(captured, refunded, found):
    return E("om.refund-exceeds", "/refunded_amount",
             "expected at most %d (%d captured less %d already refunded), found %d"
             % (captured - refunded, captured, refunded, found),
             klarna="Refund not allowed", code="REFUND_NOT_ALLOWED", http=403)
