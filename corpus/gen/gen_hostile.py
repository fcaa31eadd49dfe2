"""gen_hostile.py: the hostile/ suite, loaded by gen_cases.py.

Texts no merchant means to send: limits reached (a megabyte string, nesting
100 000 deep, a 10 000-line cart, more than 16 MiB), bytes that are not JSON
text (NUL, binary garbage), numbers at the edges of what a reader holds, and
a rule whose regular expression passes its step budget. Each must get one
clear finding (or none), in bounded time.

The big texts are not committed: a case holds input.gen, a recipe that
corpus_run expands ("text S", "repeat N S" with S a JSON string, "bytes HEX"),
and the expectation is written here from the whole text, as for any case.
"""
import copy
import json
import os
import random

from caselib import CORPUS, dump, pretty, write_case, F, E

CASES = []

# What jansson (2.14) says for a text, and where it stands: parser facts, as
# in gen_cases.JANSSON (json_loadb with JSON_DECODE_ANY | JSON_REJECT_DUPLICATES).
JANSSON = {
    "binary-garbage": ("invalid token near ')'", 1),
    "integer-too-small": ("too big negative integer", None),  # no token quoted
}

NUL_WHAT = "a NUL byte, which a JSON text cannot hold (in a string it is written \\u0000)"


class Recipe:
    """A text as parts: its bytes, and the input.gen lines that make them."""

    def __init__(self):
        self.parts = []

    def text(self, s, n=1):
        self.parts.append((n, s.encode("utf-8")))
        return self

    def raw(self, b):
        self.parts.append((None, b))
        return self

    def bytes(self):
        return b"".join(b if n is None else b * n for n, b in self.parts)

    def lines(self):
        out = []
        for n, b in self.parts:
            if n is None:
                out.append("bytes " + b.hex())
                continue
            s = json.dumps(b.decode("utf-8"), ensure_ascii=True)
            out.append("text " + s if n == 1 else "repeat %d %s" % (n, s))
        return "\n".join(out) + "\n"


def case(name, recipe, findings, why, limits=None, rules=None, dropped=0):
    CASES.append((name, recipe, findings, why, limits, rules, dropped))


def place(raw, offset):
    """Line and column (characters) of a byte offset."""
    line, col = 1, 1
    for b in raw[:offset]:
        if b == 0x0A:
            line, col = line + 1, 1
        elif (b & 0xC0) != 0x80:
            col += 1
    return line, col


def event(rule, what, raw, offset, head):
    line, col = place(raw, offset)
    detail = "%s, at line %d column %d" % (what, line, col)
    return F("error", rule, "", head + detail, klarna="Malformed JSON: " + detail, code="BAD_REQUEST",
             event=True, at=(line, col))


SYNTAX_HEAD = "expected a JSON text, found a syntax error: "
RANGE_HEAD = "expected numbers that fit a 64-bit integer (or a double, for reals), found "


def split_at(text, marker):
    """The pretty text before and after a marker value ("@@...@@")."""
    before, after = text.split(json.dumps(marker), 1)
    return before, after


def define(g):
    base_se, mkline, refresh = g["base_se"], g["mkline"], g["refresh"]
    length, lines_count, line_total = g["length"], g["lines_count"], g["line_total"]

    # ---- sizes ------------------------------------------------------------------
    o = base_se()
    o["merchant_data"] = "@@BIG@@"
    before, after = split_at(pretty(o), "@@BIG@@")
    n = 1024 * 1024
    case("string-1mib", Recipe().text(before + '"').text("A" * 1024, n // 1024).text('"' + after),
         [length("len.order-merchant-data", "/merchant_data", 0, 6000, n)],
         "A merchant_data of a megabyte (1 048 576 characters): read, and reported as too long for its "
         "limit of 6000, as a string of 6001 is (fields/len-merchant-data-6001).")

    size = 16 * 1024 * 1024
    r = Recipe().text('{"merchant_data": "').text("A" * 1024, size // 1024).text('"}\n')
    case("larger-than-16mib", r,
         [event("doc.too-large", "more than the limit of %d bytes" % size, r.bytes(), 0,
                "expected a body within the size limit, found ")],
         "22 bytes past the default size limit of 16 MiB (16 777 216 bytes): the body is not read at all "
         "(CONTRACT.md section 3), one finding at its start.")

    o = base_se()
    o["custom_data"] = "@@DEEP@@"
    before, after = split_at(pretty(o), "@@DEEP@@")
    depth = 100000
    r = Recipe().text(before).text("[", depth).text("]", depth).text(after)
    raw = r.bytes()
    first = len(before.encode("utf-8"))
    case("nesting-100000", r,
         [event("doc.too-deep", "nesting deeper than 64 levels", raw, first + 63,
                "expected nesting within the depth limit, found ")],
         "Arrays nested 100 000 deep in an unknown member: past jansson's own limit (2048) and orderlint's (64); "
         "reported, as in malformed/deep-nesting-65, at the first array past 64 levels (the 64th nested one, "
         "the object being level 1), without recursing 100 000 deep.")

    # ---- a 10 000-line cart -------------------------------------------------------
    def cart(lines, count):
        o = base_se()
        o["order_lines"] = [lines]
        refresh(o)
        one = pretty(o)
        head, rest = one.split('"order_lines": [\n', 1)
        item, tail = rest.split("\n  ]", 1)
        o["order_lines"] = [copy.deepcopy(lines) for _ in range(count)]
        refresh(o)
        o_head = head.replace('"order_amount": %d' % lines["total_amount"],
                              '"order_amount": %d' % o["order_amount"])
        o_head = o_head.replace('"order_tax_amount": %d' % lines["total_tax_amount"],
                                '"order_tax_amount": %d' % o["order_tax_amount"])
        r = (Recipe().text(o_head + '"order_lines": [\n').text(item + ",\n", count - 1)
             .text(item + "\n  ]" + tail))
        assert r.bytes().decode("utf-8") == pretty(o), "the recipe does not make the cart"
        return r

    ship = mkline("shipping_fee", "SHIP-EXPRESS", "Express delivery", 1, 4900, 2500)
    case("cart-10000-lines", cart(ship, 10000), [lines_count("/order_lines", 10000)],
         "10 000 valid lines whose sums are right: one finding, the count past Klarna's 1000 "
         "(rules/50-lines.rules), and every line still checked.")

    wrong = dict(ship, quantity=2)  # 2 x 4900 is not the total_amount 4900
    r = cart(wrong, 1000)
    case("max-findings-1000-lines", r, [line_total(i, 2, 4900, 0, 4900) for i in range(3)],
         "1000 lines, each with a total_amount of 4900 for 2 x 4900, checked with max_findings 3 (the options "
         "file): the report keeps the first three findings of the one rule (all alike, so the first checked), "
         "and counts the 997 others (\"dropped 997\"). Its verdict and answer are those of all 1000.",
         limits=[("max_findings", 3)], dropped=997)

    # ---- bytes that are not JSON text ------------------------------------------------
    o = base_se()
    o["order_lines"][1]["name"] = "@@NAME@@"
    before, after = split_at(pretty(o), "@@NAME@@")
    r = Recipe().text(before + '"Express').raw(b"\x00").text('delivery"' + after)
    raw = r.bytes()
    case("nul-byte-in-string", r, [event("doc.syntax", NUL_WHAT, raw, raw.index(b"\x00"), SYNTAX_HEAD)],
         "A raw NUL byte inside a string (a C string's end written out): JSON requires it escaped as \\u0000. "
         "jansson reads the byte as a control character; orderlint names it.")

    text = pretty(base_se())
    cut = text.index('  "locale"')
    r = Recipe().text(text[:cut]).raw(b"\x00").text(text[cut:])
    raw = r.bytes()
    case("nul-byte-between-members", r, [event("doc.syntax", NUL_WHAT, raw, cut, SYNTAX_HEAD)],
         "A raw NUL byte between two members. jansson takes it for the end of the text (\"end of file "
         "expected near end of file\", in the middle of the text); orderlint says what the byte is, and "
         "where.")

    text = pretty(base_se())
    cut = text.index('"order_amount": ') + len('"order_amount": ')
    cut = text.index(",", cut)
    r = Recipe().text(text[:cut]).raw(b"\x00").text(text[cut:])
    raw = r.bytes()
    case("nul-byte-after-number", r, [event("doc.syntax", NUL_WHAT, raw, cut, SYNTAX_HEAD)],
         "A raw NUL byte right after a number. jansson 2.14 drops a NUL byte that directly follows a number "
         "or a literal (its stream takes it for an empty buffer when the lexer gives the character back) "
         "and would read this body as valid; orderlint's loader rejects it, as it rejects a NUL byte "
         "anywhere outside a string (a deliberate difference, liborderlint(3)).")

    o = base_se()
    o["order_lines"][1]["name"] = "Express\u0000delivery"
    r = Recipe().text(pretty(o))
    case("nul-escaped-in-string", r, [],
         "An escaped NUL (\\u0000) is valid JSON (RFC 8259 section 7): read with its length, a name of 17 "
         "characters, within its limits.")

    garbage = bytes(random.Random(6).randrange(256) for _ in range(256))
    what, pos = JANSSON["binary-garbage"]
    token = what.rsplit("near ", 1)[1][1:-1].encode("utf-8")
    r = Recipe().raw(garbage)
    case("binary-garbage", r, [event("doc.syntax", what, garbage, pos - len(token), SYNTAX_HEAD)],
         "256 random bytes (Python's random.Random(6)): not JSON, rejected at the first byte jansson cannot "
         "take, its message quoting the token.")

    # ---- numbers ------------------------------------------------------------------
    text = pretty(base_se()).replace('"order_amount": 30898', '"order_amount": -99999999999999999999', 1)
    raw = text.encode("utf-8")
    what, _ = JANSSON["integer-too-small"]
    case("integer-too-small", Recipe().text(text),
         [event("doc.number-range", what, raw, raw.index(b"-99999999999999999999"), RANGE_HEAD)],
         "A negative integer past 64 bits: a number-range finding like malformed/integer-too-big. jansson's "
         "message quotes no token here; the finding stands where the number starts.")

    text = pretty(base_se()).replace('"total_discount_amount": 0', '"total_discount_amount": -0')
    assert "-0," in text
    case("minus-zero", Recipe().text(text), [],
         "-0 is a JSON number (RFC 8259 section 6) and an integer: jansson reads it as 0, so the discounts "
         "of -0 are discounts of 0, and the body is valid.")

    # ---- a rule's regular expression past its budget -------------------------------------
    rules = ("# A merchant's rule with a pattern of nested repetition: on a reference of many a's\n"
             "# and no match at the end, its backtracking grows as 2^n.\n"
             "rule hostile.catastrophic\n"
             "    kinds    create-session\n"
             "    at       order_lines[*].reference\n"
             "    assert   !matches(@, \"^(a+)+$\")\n"
             "    severity warning\n"
             "    code     BAD_VALUE\n"
             "    message  \"reference {json(@)} is only a's\"\n"
             "    explain  \"A rule whose pattern backtracks.\"\n")
    o = base_se()
    o["order_lines"][0]["reference"] = "a" * 30 + "!"
    ptr = "/order_lines/0/reference"
    detail = ("expected a value a rule can decide within the limits, but a regular expression of the rule "
              "hostile.catastrophic passed its limit (10000 steps, depth 1000)")
    case("regex-limit", Recipe().text(pretty(o)), [E("doc.regex-limit", ptr, detail)],
         "The merchant's rule matches ^(a+)+$ on a reference of 30 a's and a !: about 2^30 steps to fail, "
         "past the match limit of 10000 (the options file). The rule decides nothing there, and says so: "
         "doc.regex-limit, an error at the value the rule reports (Bad value: order_lines[0].reference).",
         limits=[("regex_match_limit", 10000)], rules={"hostile.rules": rules})
    o = base_se()
    o["order_lines"][0]["reference"] = "aaaa!"
    case("regex-within-limit", Recipe().text(pretty(o)), [],
         "The same rule and limit on a short reference: the match fails within the budget, the rule holds "
         "(the reference is not only a's), nothing is reported.",
         limits=[("regex_match_limit", 10000)], rules={"hostile.rules": rules})


def write_all():
    names = set()
    for name, recipe, findings, why, limits, rules, dropped in CASES:
        d = os.path.join(CORPUS, "hostile", name)
        raw = recipe.bytes()
        text = raw.decode("utf-8", errors="replace")
        write_case("hostile", name, text, findings, None, why, write_input=False,
                   ctx={"rules": rules} if rules else None)
        # a small UTF-8 text is committed as it is; the others as their recipe
        small = len(raw) < 65536 and b"\x00" not in raw and text.encode("utf-8") == raw
        keep, drop = ("input.json", "input.gen") if small else ("input.gen", "input.json")
        with open(os.path.join(d, keep), "w", encoding="utf-8", newline="") as f:
            f.write(text if small else
                    "# corpus_run makes input.json of this (corpus/README.md)\n" + recipe.lines())
        if os.path.exists(os.path.join(d, drop)):
            os.remove(os.path.join(d, drop))
        if limits:
            op = os.path.join(d, "options")
            with open(op, "w") as f:
                f.write("".join("%s %d\n" % kv for kv in limits))
                f.write("".join("rules %s\n" % r for r in (rules or {})))
        if dropped:
            with open(os.path.join(d, "expected"), "a", encoding="utf-8") as f:
                f.write("dropped %d\n" % dropped)
        names.add(name)
    return names
