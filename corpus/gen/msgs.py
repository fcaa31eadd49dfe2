"""msgs.py: the finding messages of the rule table, as the rules' templates
define them, for the generator's expectations. Numbers are computed here,
from the spec's formulas, in exact integers (never by orderlint)."""
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
