/*
 * check_expr.c: the expression language: values, operators, functions,
 * paths and their walks, rendering and templates.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_ol.h"
#include "ol_expr.h"
#include "ol_private.h"

/* Tables and defs the expressions may use. */
static const char names_text[] =
    "table currency_of { AT: \"EUR\", SE: \"SEK\", \"no\": \"NOK\", }\n"
    "table locales_of { SE: [\"sv-SE\", \"en-SE\"], DE: [\"de-DE\"] }\n"
    "def sum_price = sum(lines[*].price)\n"
    "def the_lines = lines[*]\n"
    "def cc = $.billing.country ?? $.country\n"
    "def uses_def = sum_price() + 1\n"
    "def has_lines = is_array($.lines)\n"
    "def no_lines = is_array($.nope)\n"
    "def overflows = $.big + 1 > 0\n"
    "def at_string = is_string(@)\n";

static const char doc_text[] =
    "{\"order_amount\": 1000, \"currency\": \"EUR\", \"country\": \"se\", \"name\": "
    "\"\xc3\x85sa\","
    " \"lines\": [{\"qty\": 2, \"price\": 250, \"type\": \"physical\", \"ref\": "
    "\"SKU-000001\"},"
    "            {\"qty\": 1, \"price\": 500, \"type\": \"shipping_fee\", \"ref\": "
    "\"x\"}],"
    " \"empty\": [], \"nul\": null, \"real\": 1.5, \"t\": true, \"f\": false,"
    " \"obj\": {\"a\": 1, \"b\": 2}, \"big\": 9223372036854775807,"
    " \"small\": -9223372036854775808, \"mixed\": [1, \"a\", 2],"
    " \"bigs\": [9223372036854775807, 1], \"nested\": {\"deep\": [[1, 2], [3]]},"
    " \"with_nul\": \"E\\u0000\"}";

static olp_rulebook book;
static json_t *doc;
static pcre2_match_data *md;
static pcre2_match_context *mctx;

static void setup(void)
{
    ol_error_t err = OL_ERROR_INIT;
    json_error_t jerr;

    memset(&book, 0, sizeof(book));
    ck_assert_msg(olp_rulebook_add(&book, "names.rules", names_text, strlen(names_text),
                                   NULL, &err) == OL_OK,
                  "%d:%d: %s", err.line, err.column, err.text);
    doc = json_loads(doc_text, JSON_ALLOW_NUL, &jerr); /* with_nul */
    ck_assert_msg(doc != NULL, "%s", jerr.text);
    md = NULL;
    mctx = pcre2_match_context_create(NULL);
}

static void teardown(void)
{
    olp_rulebook_clear(&book);
    json_decref(doc);
    pcre2_match_data_free(md);
    pcre2_match_context_free(mctx);
}

/* What a check keeps of the members it looked up, and of the last len():
 * an evaluation here keeps them as a check does (cleared at each make_eval;
 * doc outlives them). */
static olp_member_cache kept_members;

static olp_eval make_eval(void)
{
    olp_eval ev;

    memset(&ev, 0, sizeof(ev));
    olp_member_cache_clear(&kept_members);
    ev.members = &kept_members;
    ev.book = &book;
    ev.root = doc;
    ev.current = doc;
    ev.md = &md;
    ev.mctx = mctx;
    return ev;
}

static olp_expr *compile(const char *text)
{
    ol_error_t err = OL_ERROR_INIT;
    olp_expr *e = olx_compile_expr(&book, text, strlen(text), NULL, &err);

    ck_assert_msg(e != NULL, "%s: %d:%d: %s", text, err.line, err.column, err.text);
    return e;
}

/* ---- evaluation, one table of cases ---------------------------------------- */

#define I64_MIN (-INT64_MAX - 1)

typedef struct ecase {
    const char *expr;
    olp_vtype type;
    long long i;   /* OLP_V_INT, OLP_V_BOOL */
    const char *s; /* OLP_V_STR */
} ecase;

#define INT(e, v)                                                                        \
    {                                                                                    \
        e, OLP_V_INT, v, NULL                                                            \
    }
#define BOOL(e, v)                                                                       \
    {                                                                                    \
        e, OLP_V_BOOL, v, NULL                                                           \
    }
#define STR(e, v)                                                                        \
    {                                                                                    \
        e, OLP_V_STR, 0, v                                                               \
    }
#define TYPE(e, t)                                                                       \
    {                                                                                    \
        e, t, 0, NULL                                                                    \
    }

static const ecase eval_cases[] = {
    /* integer arithmetic, precedence, associativity */
    INT("1 + 2 * 3", 7),
    INT("(1 + 2) * 3", 9),
    INT("10 - 2 - 3", 5),
    INT("100 / 10 / 5", 2),
    INT("-order_amount", -1000),
    INT("- -5", 5),
    INT("-9223372036854775808", I64_MIN),
    /* / and % round toward minus infinity; % has the sign of the divisor */
    INT("7 / 2", 3),
    INT("-7 / 2", -4),
    INT("7 / -2", -4),
    INT("-7 / -2", 3),
    INT("-8 / 2", -4),
    INT("7 % 3", 1),
    INT("-7 % 3", 2),
    INT("7 % -3", -2),
    INT("-7 % -3", -1),
    INT("-6 % 3", 0),
    TYPE("1 / 0", OLP_V_UNDEF),
    TYPE("1 % 0", OLP_V_UNDEF),
    INT("floordiv(-7, 2)", -4),
    INT("floordiv(7, -2)", -4),
    INT("floordiv(7, 2)", 3),
    INT("ceildiv(-7, 2)", -3),
    INT("ceildiv(7, 2)", 4),
    INT("ceildiv(7, -2)", -3),
    INT("ceildiv(-7, -2)", 4),
    INT("ceildiv(6, 3)", 2),
    INT("ceildiv(-6, 3)", -2),
    TYPE("floordiv(1, 0)", OLP_V_UNDEF),
    TYPE("ceildiv(1, 0)", OLP_V_UNDEF),
    /* overflow, never silent */
    TYPE("big + 1", OLP_V_OVERFLOW),
    TYPE("small - 1", OLP_V_OVERFLOW),
    TYPE("big * 2", OLP_V_OVERFLOW),
    TYPE("small * -1", OLP_V_OVERFLOW),
    TYPE("small / -1", OLP_V_OVERFLOW),
    TYPE("floordiv(small, -1)", OLP_V_OVERFLOW),
    TYPE("ceildiv(small, -1)", OLP_V_OVERFLOW),
    INT("small % -1", 0),
    TYPE("-small", OLP_V_OVERFLOW),
    TYPE("abs(small)", OLP_V_OVERFLOW),
    INT("abs(small + 1)", INT64_MAX),
    INT("big / -1", -INT64_MAX),
    INT("big + small", -1),
    INT("abs(-5)", 5),
    /* overflow propagates through arithmetic, comparisons, functions */
    TYPE("(big + 1) - 5", OLP_V_OVERFLOW),
    TYPE("big + 1 > 0", OLP_V_OVERFLOW),
    TYPE("big + 1 == 0", OLP_V_OVERFLOW),
    TYPE("min(big * 2, 1)", OLP_V_OVERFLOW),
    TYPE("(big + 1) / 0", OLP_V_OVERFLOW),
    TYPE("missing + (big + 1)", OLP_V_OVERFLOW),
    /* arithmetic on what is not an integer is undefined */
    TYPE("real + 1", OLP_V_UNDEF),
    TYPE("currency + 1", OLP_V_UNDEF),
    TYPE("missing + 1", OLP_V_UNDEF),
    TYPE("nul * 2", OLP_V_UNDEF),
    TYPE("-currency", OLP_V_UNDEF),
    TYPE("t + 1", OLP_V_UNDEF),
    INT("min(3, 5)", 3),
    INT("max(3, 5)", 5),
    INT("min(-3, -5)", -5),
    STR("min(\"b\", \"a\")", "a"),
    STR("max(\"b\", \"a\")", "b"),
    TYPE("min(1, \"a\")", OLP_V_UNDEF),
    TYPE("max(missing, 1)", OLP_V_UNDEF),
    /* logic: false decides &&, true decides ||, even beside undefined */
    TYPE("true && missing + 1 > 0", OLP_V_UNDEF),
    BOOL("false && missing > 0", 0),
    BOOL("missing > 0 && false", 0),
    BOOL("true || missing > 0", 1),
    BOOL("missing > 0 || true", 1),
    TYPE("missing > 0 || false", OLP_V_UNDEF),
    BOOL("true && true", 1),
    BOOL("true && false", 0),
    BOOL("false || false", 0),
    BOOL("!(1 > 2)", 1),
    BOOL("!!t", 1),
    TYPE("!1", OLP_V_UNDEF),
    TYPE("1 && true", OLP_V_UNDEF),
    TYPE("true && big + 1 > 0", OLP_V_OVERFLOW),
    TYPE("big + 1 > 0 || false", OLP_V_OVERFLOW),
    BOOL("false && big + 1 > 0", 0),
    BOOL("big * 2 > 0 || true", 1),
    TYPE("!(big + 1 > 0)", OLP_V_OVERFLOW),
    TYPE("missing > 0 && big * 2 > 0", OLP_V_OVERFLOW),
    BOOL("false || 1 < 2 && 2 < 3", 1),
    /* equality */
    BOOL("missing == null", 0),
    BOOL("missing != null", 1),
    BOOL("nul == null", 1),
    BOOL("missing == missing", 1),
    BOOL("order_amount == null", 0),
    BOOL("order_amount != null", 1),
    BOOL("null == order_amount", 0),
    BOOL("missing == 5", 0),
    BOOL("order_amount == 1000", 1),
    BOOL("order_amount != 1000", 0),
    TYPE("order_amount == \"1000\"", OLP_V_UNDEF),
    TYPE("order_amount != \"1000\"", OLP_V_UNDEF),
    TYPE("real == 1", OLP_V_UNDEF),
    BOOL("real == real", 1),
    BOOL("currency == \"EUR\"", 1),
    BOOL("currency == \"eur\"", 0),
    BOOL("currency == \"EURO\"", 0),
    BOOL("t == true", 1),
    BOOL("f != true", 1),
    BOOL("obj == obj", 1),
    BOOL("obj == $.nested", 0),
    TYPE("obj == lines", OLP_V_UNDEF),
    BOOL("empty == []", 1),
    BOOL("mixed == [1, \"a\", 2]", 1),
    BOOL("mixed == [1, \"a\"]", 0),
    BOOL("[1, [2]] == [1, [2]]", 1),
    BOOL("nested.deep == [[1, 2], [3]]", 1),
    TYPE("lines[*].qty == 2", OLP_V_UNDEF),
    /* ordering: integers, or strings by bytes */
    BOOL("\"a\" < \"b\"", 1),
    BOOL("\"ab\" < \"a\"", 0),
    BOOL("\"a\" < \"ab\"", 1),
    BOOL("\"B\" < \"a\"", 1),
    BOOL("\"a\" <= \"a\"", 1),
    TYPE("1 < \"a\"", OLP_V_UNDEF),
    TYPE("missing < 1", OLP_V_UNDEF),
    TYPE("real < 2", OLP_V_UNDEF),
    BOOL("order_amount >= 1000", 1),
    BOOL("order_amount > 1000", 0),
    BOOL("order_amount <= 999", 0),
    BOOL("order_amount < 1001", 1),
    /* ?? */
    INT("missing ?? 5", 5),
    INT("nul ?? 5", 5),
    INT("order_amount ?? 5", 1000),
    BOOL("f ?? true", 0),
    INT("missing ?? nul ?? 7", 7),
    TYPE("1 / 0 ?? 5", OLP_V_UNDEF),
    BOOL("missing ?? 1 == 1", 1),
    /* len counts code points */
    INT("len(name)", 3),
    INT("len(\"\xe6\x97\xa5\xe6\x9c\xac\")", 2),
    INT("len(\"\\u00e9\")", 1),
    INT("len(\"\\ud83d\\ude00\")", 1),
    INT("len(\"\")", 0),
    BOOL("len(name) == 3", 1), /* integer_len, under a comparison */
    BOOL("len(lines[0].ref) - len(currency) == 7", 1), /* two strings in turn */
    BOOL("len(currency) - len(currency) == 0", 1),
    BOOL("len(\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\") < 4", 1),
    /* counted 8 bytes at a time: continuation bytes across the words */
    INT("len(\"abcdefghij\")", 10),
    INT("len(\"\xc3\x85\xc3\x85\xc3\x85\xc3\x85\xc3\x85\xc3\x85\xc3\x85\xc3\x85\")", 8),
    INT("len(\"a\xc3\x85"
        "b\xc3\x85"
        "c\xc3\x85"
        "d\xc3\x85"
        "e\xc3\x85\")",
        10),
    INT("len(\"\xe6\x97\xa5\xe6\x9c\xac\xe6\x97\xa5\xe6\x9c\xac\xe6\x97\xa5x\")", 6),
    INT("len(\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\")", 3),
    INT("len(lines)", 2),
    INT("len(obj)", 2),
    INT("len([1, 2, 3])", 3),
    INT("len(lookup(locales_of, \"se\"))", 2),
    TYPE("len(missing)", OLP_V_UNDEF),
    TYPE("len(5)", OLP_V_UNDEF),
    TYPE("len(nul)", OLP_V_UNDEF),
    /* strings: escapes and adjacent literals */
    STR("\"a\\\"b\\\\c\\n\\t\"", "a\"b\\c\n\t"),
    STR("\"ab\" \"cd\"", "abcd"),
    /* matches: PCRE2, UTF */
    BOOL("matches(lines[0].ref, \"^SKU-[0-9]{6}$\")", 1),
    BOOL("matches(lines[1].ref, \"^SKU-\")", 0),
    BOOL("matches(name, \"^.sa$\")", 1),
    BOOL("matches(name, \"^\\\\p{L}+$\")", 1),
    BOOL("matches(name, \"^\\\\w+$\")", 0), /* \w, \d are ASCII: Klarna's sense */
    BOOL("matches(currency, \"^[A-Z]{3}$\") && matches(country, \"^[a-z]{2}$\")", 1),
    TYPE("matches(order_amount, \"1\")", OLP_V_UNDEF),
    TYPE("matches(missing, \"x\")", OLP_V_UNDEF),
    /* in, iin, ieq */
    BOOL("in(currency, [\"EUR\", \"SEK\"])", 1),
    BOOL("in(currency, [\"SEK\"])", 0),
    BOOL("in(\"eur\", [\"EUR\"])", 0),
    BOOL("iin(\"eur\", [\"EUR\"])", 1),
    BOOL("iin(\"eUr\", [\"SEK\", \"EUR\"])", 1),
    TYPE("in(order_amount, [\"EUR\"])", OLP_V_UNDEF),
    BOOL("in(1, @.mixed)", 1), /* a bare name would be a table */
    BOOL("in(\"a\", $.mixed)", 1),
    TYPE("in(3, @.mixed)", OLP_V_UNDEF),
    BOOL("in(missing, [\"a\"])", 0),
    BOOL("in(null, [\"a\", null])", 1),
    BOOL("in(2, lines[*].qty)", 1),
    BOOL("in(3, lines[*].qty)", 0),
    BOOL("in(\"SE\", currency_of)", 1),
    BOOL("in(\"se\", currency_of)", 1),
    BOOL("in(\"NO\", currency_of)", 1),
    BOOL("in(\"XX\", currency_of)", 0),
    BOOL("iin(\"at\", currency_of)", 1),
    BOOL("in(missing, currency_of)", 0),
    TYPE("in(1, currency_of)", OLP_V_UNDEF),
    TYPE("in(1, @.missing)", OLP_V_UNDEF),
    TYPE("in(1 / 0, [1])", OLP_V_UNDEF),
    /* a list of strings only is looked through as strings (eval_in_strings):
     * the same answers as a list of values */
    TYPE("in(1 / 0, [\"a\"])", OLP_V_UNDEF),
    TYPE("in(big + 1, [\"a\"])", OLP_V_OVERFLOW),
    BOOL("in(nul, [\"a\"])", 0),
    TYPE("in(real, [\"a\"])", OLP_V_UNDEF),
    TYPE("in(mixed, [\"a\"])", OLP_V_UNDEF),
    TYPE("in(obj, [\"a\"])", OLP_V_UNDEF),
    TYPE("in(lines[*].type, [\"physical\"])", OLP_V_UNDEF),
    BOOL("in(1, [])", 0), /* no element to be unlike */
    BOOL("in(\"a\", [])", 0),
    BOOL("in(\"\", [\"\"])", 1),
    BOOL("in(\"\", [\"a\"])", 0),
    BOOL("in(\"EUX\", [\"EUR\"])", 0),
    BOOL("in(\"EUR\", [\"SEK\", \"EURO\", \"EUR\"])", 1),
    BOOL("iin(\"EUR\", [\"sek\", \"eur\"])", 1),
    BOOL("iin(\"EUX\", [\"sek\", \"eur\"])", 0),
    BOOL("in(lines[1].type, [\"physical\", \"shipping_fee\"])", 1),
    BOOL("in(\"sv-SE\", lookup(locales_of, \"SE\"))", 1),
    BOOL("ieq(currency, \"eur\")", 1),
    BOOL("ieq(currency, \"eu\")", 0),
    BOOL("ieq(missing, \"x\")", 0),
    TYPE("ieq(currency, 1)", OLP_V_UNDEF),
    /* lookup: keys ignore ASCII case */
    STR("lookup(currency_of, \"se\")", "SEK"),
    STR("lookup(currency_of, \"Se\")", "SEK"),
    STR("lookup(currency_of, country)", "SEK"),
    STR("lookup(currency_of, \"NO\")", "NOK"),
    TYPE("lookup(currency_of, \"xx\")", OLP_V_ABSENT),
    TYPE("lookup(currency_of, missing)", OLP_V_ABSENT),
    TYPE("lookup(currency_of, 1)", OLP_V_UNDEF),
    STR("lookup(currency_of, \"xx\") ?? \"none\"", "none"),
    BOOL("lookup(currency_of, country) == \"SEK\"", 1),
    TYPE("lookup(locales_of, \"de\")", OLP_V_LIST),
    /* sum, count, has, any, all over wildcards and filters */
    INT("sum(lines[*].price)", 750),
    INT("sum(empty[*])", 0),
    INT("sum(missing[*])", 0),
    TYPE("sum(mixed[*])", OLP_V_UNDEF),
    TYPE("sum(bigs[*])", OLP_V_OVERFLOW),
    INT("sum(order_amount)", 1000),
    INT("sum(obj[*])", 3),
    INT("sum(nested.deep[*][*])", 6),
    INT("count(lines[*])", 2),
    INT("count(nested.deep[*][*])", 3),
    INT("count(obj[*])", 2),
    INT("count(missing)", 0),
    INT("count(nul)", 1),
    INT("count(lines[?(@.type == \"physical\")])", 1),
    INT("count(lines[?(type == \"nope\")])", 0),
    INT("count(lines[?(price * qty == $.lines[0].price * 2)])", 2),
    INT("sum(lines[?(type == \"physical\")].price)", 250),
    INT("sum(lines[?(qty > 1 || type == \"shipping_fee\")].qty)", 3),
    INT("count(lines[?(qty > 1)]) + order_amount", 1001),
    BOOL("any(lines[*], type == \"shipping_fee\")", 1),
    BOOL("any(lines[*], qty > 5)", 0),
    BOOL("all(lines[*], qty > 0)", 1),
    BOOL("all(lines[*], qty > 1)", 0),
    BOOL("all(empty[*], false)", 1),
    BOOL("any(empty[*], true)", 0),
    TYPE("all(mixed[*], @ > 0)", OLP_V_UNDEF),
    BOOL("any(mixed[*], @ > 1)", 1),
    BOOL("all(mixed[*], @ > 5)", 0),
    TYPE("any(mixed[*], @ > 5)", OLP_V_UNDEF),
    TYPE("all(bigs[*], @ + 1 > 0)", OLP_V_OVERFLOW),
    BOOL("all(lines[*], any($.lines[*], price >= 250))", 1),
    BOOL("any(lines[*], ref == $.lines[1].ref) && order_amount == 1000", 1),
    BOOL("has(order_amount)", 1),
    BOOL("has(missing)", 0),
    BOOL("has(nul)", 1),
    BOOL("has(lines[*])", 1),
    BOOL("has(empty[*])", 0),
    BOOL("has(lines[5])", 0),
    BOOL("has($.lines[0].qty)", 1),
    BOOL("has(currency.x)", 0),
    BOOL("has(lines[?(qty == 1)])", 1),
    /* defs are called with no arguments, evaluated where used */
    INT("sum_price()", 750),
    INT("uses_def()", 751),
    STR("cc()", "se"),
    INT("count(the_lines())", 2),
    BOOL("all(the_lines(), price > 0)", 1),
    /* type() and the type tests */
    STR("type(order_amount)", "integer"),
    STR("type(real)", "real"),
    STR("type(currency)", "string"),
    STR("type(t)", "boolean"),
    STR("type(nul)", "null"),
    STR("type(missing)", "absent"),
    STR("type(lines)", "array"),
    STR("type(obj)", "object"),
    STR("type([1])", "array"),
    TYPE("type(1 / 0)", OLP_V_UNDEF),
    BOOL("is_int(order_amount)", 1),
    BOOL("is_int(real)", 0),
    BOOL("is_real(real)", 1),
    BOOL("is_number(real) && is_number(order_amount)", 1),
    BOOL("is_number(currency)", 0),
    BOOL("is_string(currency)", 1),
    BOOL("is_bool(f)", 1),
    BOOL("is_bool(nul)", 0),
    BOOL("is_object(obj)", 1),
    BOOL("is_object(lines)", 0),
    BOOL("is_array(lines)", 1),
    BOOL("is_array([1])", 1),
    BOOL("is_null(nul)", 1),
    BOOL("is_null(missing)", 0),
    BOOL("is_string(missing)", 0),
    /* a path of one value is tested on its node: every test, absent too */
    BOOL("is_int(missing) || is_real(missing) || is_number(missing)", 0),
    BOOL("is_bool(missing) || is_object(missing) || is_array(missing)", 0),
    BOOL("is_real(order_amount) || is_string(obj) || is_array(obj)", 0),
    BOOL("is_int($.order_amount) && is_null($.nul) && is_object(@)", 1),
    BOOL("is_string(lines[0]) || is_object(lines[0].qty)", 0),
    TYPE("is_int(1 / 0)", OLP_V_UNDEF),
    TYPE("is_int(big + 1)", OLP_V_OVERFLOW),
    /* paths as values */
    STR("$.lines[1].type", "shipping_fee"),
    STR("lines[0][\"ref\"]", "SKU-000001"),
    INT("@.order_amount", 1000),
    INT("$[\"order_amount\"]", 1000),
    INT("nested.deep[1][0]", 3),
    TYPE("lines[1]", OLP_V_JSON),
    TYPE("lines[2]", OLP_V_ABSENT),
    TYPE("currency.x", OLP_V_ABSENT),
    TYPE("lines.x", OLP_V_ABSENT),
    TYPE("lines[0].qty.x", OLP_V_ABSENT),
    TYPE("obj[0]", OLP_V_ABSENT),
    TYPE("nul", OLP_V_NULL),
    TYPE("real", OLP_V_REAL),
    TYPE("lines[*].qty", OLP_V_NODES),
    TYPE("lines[?(qty > 1)]", OLP_V_NODES),
    TYPE("[\"a\", 1]", OLP_V_LIST),
};

START_TEST(test_eval)
{
    const ecase *c = &eval_cases[_i];
    olp_expr *e = compile(c->expr);
    olp_eval ev = make_eval();
    olp_value v = olp_expr_eval(e, &ev);

    ck_assert_msg(v.type == c->type, "%s: type %d, want %d", c->expr, v.type, c->type);
    if (c->type == OLP_V_INT)
        ck_assert_msg(v.u.i == c->i, "%s: %lld, want %lld", c->expr, (long long)v.u.i,
                      c->i);
    if (c->type == OLP_V_BOOL)
        ck_assert_msg(v.u.b == c->i, "%s: %d, want %lld", c->expr, v.u.b, c->i);
    if (c->type == OLP_V_STR)
        ck_assert_msg(
            v.u.str.len == strlen(c->s) && memcmp(v.u.str.s, c->s, v.u.str.len) == 0,
            "%s: '%.*s', want '%s'", c->expr, (int)v.u.str.len, v.u.str.s, c->s);
    ck_assert_int_eq(ev.oom, 0);
    ck_assert_ptr_eq(ev.current, doc); /* filters and any/all put @ back */
    olx_expr_free(e);
}
END_TEST

/* Evaluated at an element: @ is the element, $ still the root. */
START_TEST(test_eval_at_element)
{
    olp_expr *e = compile("qty * price == $.lines[0].price * 2 && @ == $.lines[1]");
    olp_eval ev = make_eval();

    ev.current = json_array_get(json_object_get(doc, "lines"), 1);
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(e, &ev)), 1);
    olx_expr_free(e);
}
END_TEST

/* The member cache answers as jansson does: the same key in two objects,
 * two keys of one object, an absent member, keys written apart in two
 * expressions, and after olp_eval_forget a new tree that may reuse the
 * addresses of the old one. */
START_TEST(test_member_cache)
{
    olp_member_cache members;
    olp_expr *e1 = compile("a.k == 1 && b.k == 2 && a.j == 3 && !has(a.zz)");
    olp_expr *e2 = compile("a.k + b.k + a.j == 6 && a[\"k\"] == 1 && a.kk == null");
    olp_expr *e3 = compile("a.k == 10 && !has(b)");
    json_t *t1 = json_pack("{s{sisisn}s{si}}", "a", "k", 1, "j", 3, "kk", "b", "k", 2);
    json_t *t2;
    olp_eval ev = make_eval();
    int round;

    ck_assert_ptr_nonnull(t1);
    olp_member_cache_clear(&members);
    ev.members = &members;
    ev.root = ev.current = t1;
    for (round = 0; round < 3; round++) { /* the second and third from the cache */
        ck_assert_int_eq(olp_value_truth(olp_expr_eval(e1, &ev)), 1);
        ck_assert_int_eq(olp_value_truth(olp_expr_eval(e2, &ev)), 1);
        ck_assert_int_eq(olp_value_truth(olp_expr_eval(e3, &ev)), 0);
    }
    json_decref(t1);
    t2 = json_pack("{s{si}}", "a", "k", 10);
    ck_assert_ptr_nonnull(t2);
    olp_eval_forget(&ev);
    ev.root = ev.current = t2;
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(e3, &ev)), 1);
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(e1, &ev)), 0);
    json_decref(t2);
    olx_expr_free(e1);
    olx_expr_free(e2);
    olx_expr_free(e3);
}
END_TEST

/* Without a member cache nothing of a tree is kept, the last len() neither:
 * a caller may free a string it evaluated and evaluate another, which may
 * lie at the same address (as malloc gives back the block just freed). */
START_TEST(test_len_kept_only_with_members)
{
    olp_expr *e = compile("len(@) + 0");
    olp_eval ev = make_eval();
    json_int_t n = 0;
    json_t *s = json_string("abcd");

    ev.members = NULL;
    ev.current = s;
    ck_assert_int_eq(olx_expr_integer(e, &ev, &n), 1);
    ck_assert_int_eq(n, 4);
    json_decref(s);
    s = json_string("\xc3\x85sa"); /* 4 bytes, 3 code points */
    ev.current = s;
    ck_assert_int_eq(olx_expr_integer(e, &ev, &n), 1);
    ck_assert_int_eq(n, 3);
    json_decref(s);
    olx_expr_free(e);
}
END_TEST

/* Many members, more than the cache has slots: every one still right. */
START_TEST(test_member_cache_full)
{
    enum { N = 3000 };
    olp_member_cache members;
    static olp_expr *e[N]; /* the rules' keys outlive the cache, as a ruleset's */
    json_t *t = json_object();
    olp_eval ev = make_eval();
    char key[32], text[64];
    int i, round;

    for (i = 0; i < N; i++) {
        snprintf(key, sizeof key, "m%d", i);
        json_object_set_new(t, key, json_integer(i));
        snprintf(text, sizeof text, "m%d == %d && !has(m%dx)", i, i, i);
        e[i] = compile(text);
    }
    olp_member_cache_clear(&members);
    ev.members = &members;
    ev.root = ev.current = t;
    for (round = 0; round < 2; round++)
        for (i = 0; i < N; i++)
            ck_assert_int_eq(olp_value_truth(olp_expr_eval(e[i], &ev)), 1);
    json_decref(t);
    for (i = 0; i < N; i++)
        olx_expr_free(e[i]);
    /* one key in many objects: slots that collide hold other objects */
    t = json_array();
    for (i = 0; i < N; i++) {
        json_array_append_new(t, json_pack("{si}", "k", i));
        snprintf(text, sizeof text, "k == %d", i);
        e[i] = compile(text);
    }
    olp_eval_forget(&ev);
    ev.root = t;
    for (round = 0; round < 2; round++) {
        for (i = 0; i < N; i++) {
            ev.current = json_array_get(t, (size_t)i);
            ck_assert_int_eq(olp_value_truth(olp_expr_eval(e[i], &ev)), 1);
        }
    }
    json_decref(t);
    for (i = 0; i < N; i++)
        olx_expr_free(e[i]);
}
END_TEST

/* A relative path with no @ (a built-in event's template) is absent. */
START_TEST(test_eval_without_document)
{
    olp_expr *e = compile("has(x) || $.a == null || sum(a[*]) == 0");
    olp_eval ev = make_eval();

    ev.root = NULL;
    ev.current = NULL;
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(e, &ev)), 1);
    olx_expr_free(e);
}
END_TEST

/* The match data is made once, on first use, into the slot of the check. */
START_TEST(test_match_data_created_once)
{
    olp_expr *e = compile("matches(currency, \"^E\") && matches(country, \"e$\")");
    olp_eval ev = make_eval();
    pcre2_match_data *first;

    ck_assert_ptr_null(md);
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(e, &ev)), 1);
    ck_assert_ptr_nonnull(md);
    first = md;
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(e, &ev)), 1);
    ck_assert_ptr_eq(md, first);
    /* with no slot at all it still works */
    ev.md = NULL;
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(e, &ev)), 1);
    olx_expr_free(e);
}
END_TEST

/* A match limit reached is undefined, not a mismatch. */
START_TEST(test_match_limit_is_undefined)
{
    olp_expr *e = compile("matches(s, \"^(a+)+$\")");
    json_t *d = json_pack("{s:s}", "s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");
    olp_eval ev = make_eval();

    pcre2_set_match_limit(mctx, 1000);
    ev.root = ev.current = d;
    ck_assert_int_eq(olp_expr_eval(e, &ev).type, OLP_V_UNDEF);
    json_decref(d);
    olx_expr_free(e);
}
END_TEST

START_TEST(test_truth)
{
    olp_value v;

    memset(&v, 0, sizeof(v));
    v.type = OLP_V_BOOL;
    v.u.b = 1;
    ck_assert_int_eq(olp_value_truth(v), 1);
    v.u.b = 0;
    ck_assert_int_eq(olp_value_truth(v), 0);
    v.type = OLP_V_UNDEF;
    ck_assert_int_eq(olp_value_truth(v), -1);
    v.type = OLP_V_OVERFLOW;
    ck_assert_int_eq(olp_value_truth(v), -2);
    v.type = OLP_V_INT;
    v.u.i = 1;
    ck_assert_int_eq(olp_value_truth(v), -1);
    v.type = OLP_V_ABSENT;
    ck_assert_int_eq(olp_value_truth(v), -1);
    v.type = OLP_V_NULL;
    ck_assert_int_eq(olp_value_truth(v), -1);
}
END_TEST

/* olp_expr_truth answers as olp_value_truth of the value would, for every
 * node that has a truth of its own (&&, ||, !, the comparisons, has() and
 * the type tests of a path) over operands of every kind of truth: true,
 * false, undefined, overflow, and values that are not booleans. */
static const char *const truth_atoms[] = {
    "t",        "f",       "1 / 0", "big + 1", "order_amount",
    "currency", "missing", "nul",   "3",       "\"EUR\"",
};

static const char *const truth_forms[] = {
    "%s && %s", "%s || %s", "!(%s && %s)", "!%s || !%s", "%s == %s",
    "%s != %s", "%s < %s",  "%s <= %s",    "%s > %s",    "%s >= %s",
};

static const char *const truth_singles[] = {
    "has(order_amount)",
    "has(missing)",
    "has(qty)",
    "is_int(qty)",
    "is_string(type)",
    "is_string(@)",
    "!is_null(@)",
    "is_null(@)",
    "has(lines[0].qty)",
    "has(lines[5])",
    "is_int(@)",
    "is_object(@)",
    "is_int(big)",
    "is_string(currency)",
    "is_null(nul)",
    "is_null(missing)",
    "is_real(real)",
    "is_number(real)",
    "is_bool(f)",
    "is_array(lines)",
    "is_object(obj.a)",
    "!is_null(missing)",
    "!(1 / 0)",
    "!(big + 1)",
    "!order_amount",
    "!t",
    "lines[0].qty == 2",
    "currency == \"EUR\"",
    "\"b\" > currency",
    "mixed == [1, \"a\", 2]",
    "in(@, [\"physical\", \"x\"])",
    "iin(type, [\"PHYSICAL\"])",
    "in(currency, [\"SEK\"])",
    "in(missing, [\"a\"])",
    "in(big + 1, [\"a\"])",
    /* an ordering of an integer literal (truth_lt_literal ...) */
    "@ >= 0",
    "qty > 1",
    "len(currency) <= 3",
    "len(@) < 2",
    "big + 1 >= 0",
    "currency < 5",
    "missing > 0",
    "nul <= 0",
    "real < 2",
    /* an equality of a literal (truth_equality_of_string, _of_integer) */
    "currency != \"\"",
    "\"\" == \"\"",
    "type == \"physical\"",
    "type != \"physica\"",
    "@ != 0",
    "qty == 2",
    "mixed == \"a\"",
    "obj != 1",
    "currency == \"EUX\"",
    "type == \"physicax\"",
    "currency == \"E\"",
    /* defs, kept by the check (constant) or not */
    "has_lines()",
    "no_lines()",
    "overflows()",
    "at_string()",
    "!has_lines() || at_string()",
    /* the last len() is kept by its string, not by its length (4 bytes) */
    "len(name) == 3 && len(\"abcd\") == 4",
    "with_nul == \"E\"", /* a string the literal is a prefix of, and a NUL */
    "!in(@, [\"a\"])",
};

/* ... at the root, at a line, at an integer and at a string of the line */
static void expect_same_truth(const char *text)
{
    const json_t *line = json_array_get(json_object_get(doc, "lines"), 0);
    const json_t *at[4];
    olp_expr *e = compile(text);
    size_t i;

    at[0] = doc;
    at[1] = line;
    at[2] = json_object_get(line, "qty");
    at[3] = json_object_get(line, "type");
    for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        olp_eval ev = make_eval(), first = make_eval();
        int want, truth_first;
        ev.current = first.current = at[i];
        /* asked first for the truth, and after the value (the defs a check
         * keeps are then kept) */
        truth_first = olp_expr_truth(e, &first);
        want = olp_value_truth(olp_expr_eval(e, &ev));
        ck_assert_msg(truth_first == want, "%s at @ %zu: truth first %d, want %d", text,
                      i, truth_first, want);
        ck_assert_msg(first.regex_limit == ev.regex_limit,
                      "%s at @ %zu: regex limit %d, %d", text, i, first.regex_limit,
                      ev.regex_limit);
        ck_assert_msg(olp_expr_truth(e, &ev) == want, "%s at @ %zu: truth %d, want %d",
                      text, i, olp_expr_truth(e, &ev), want);
    }
    olx_expr_free(e);
}

START_TEST(test_truth_of_nodes)
{
    const size_t natoms = sizeof(truth_atoms) / sizeof(truth_atoms[0]);
    char text[128];
    size_t i, j;

    for (i = 0; i < natoms; i++) {
        for (j = 0; j < natoms; j++) {
            snprintf(text, sizeof(text), truth_forms[_i], truth_atoms[i], truth_atoms[j]);
            expect_same_truth(text);
        }
    }
}
END_TEST

START_TEST(test_truth_of_single_nodes) { expect_same_truth(truth_singles[_i]); }
END_TEST

/* The integer evaluators answer 1 exactly when the value is an integer,
 * and that integer: arithmetic, ??, min, max, floordiv, ceildiv and abs of
 * operands of every kind (integers at the limits, a division by zero, a
 * string, absent, null, a real, a negation, which has none of its own). */
static const char *const integer_atoms[] =
    {
        "order_amount", "big",          "small", "3",    "0",  "1 / 0",
        "currency",     "missing",      "nul",   "real", "-1", "@",
        "qty",          "lines[0].qty", "name", /* not ASCII: len() counts code points */
};

static const char *const integer_forms[] = {
    "%s + %s",          "%s - %s",         "%s * %s",      "%s / %s",
    "%s %% %s",         "%s ?? %s",        "min(%s, %s)",  "max(%s, %s)",
    "floordiv(%s, %s)", "ceildiv(%s, %s)", "abs(%s - %s)", "(%s ?? 1) * %s",
    "len(%s) + %s",
};

/* 1 when e has an integer evaluator (which answered as eval) at every @. */
static int same_integer(const char *text)
{
    const json_t *line = json_array_get(json_object_get(doc, "lines"), 0);
    const json_t *at[3];
    olp_expr *e = compile(text);
    size_t i;
    int has = 1;

    at[0] = doc;
    at[1] = line;
    at[2] = json_object_get(line, "qty");
    for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        olp_eval ev = make_eval();
        olp_value v;
        json_int_t got = 0;
        int r;
        ev.current = at[i];
        v = olp_expr_eval(e, &ev);
        r = olx_expr_integer(e, &ev, &got);
        if (r < 0) {
            has = 0;
            continue;
        }
        ck_assert_msg(r == (v.type == OLP_V_INT), "%s at @ %zu: %d, value of type %d",
                      text, i, r, v.type);
        if (r)
            ck_assert_msg(got == v.u.i, "%s at @ %zu: %lld, want %lld", text, i,
                          (long long)got, (long long)v.u.i);
    }
    olx_expr_free(e);
    return has;
}

START_TEST(test_integer_of_nodes)
{
    const size_t natoms = sizeof(integer_atoms) / sizeof(integer_atoms[0]);
    size_t i, j, with = 0;
    char text[128];

    for (i = 0; i < natoms; i++) {
        for (j = 0; j < natoms; j++) {
            snprintf(text, sizeof(text), integer_forms[_i], integer_atoms[i],
                     integer_atoms[j]);
            with += (size_t)same_integer(text);
        }
    }
    /* every atom but -1 (a negation, or a literal where the parser folds
     * it) has an integer evaluator, and so has every form of two of them */
    ck_assert_uint_ge(with, (natoms - 1) * (natoms - 1));
}
END_TEST

/* ---- rendering ------------------------------------------------------------ */

static const struct {
    const char *expr;
    const char *text;
} render_cases[] = {
    {"order_amount", "1000"},
    {"small", "-9223372036854775808"},
    {"currency", "EUR"},
    {"\"a\\\"b\"", "a\"b"},
    {"missing", "absent"},
    {"1 / 0", "?"},
    {"big + 1", "overflow"},
    {"nul", "null"},
    {"t", "true"},
    {"f", "false"},
    {"real", "1.5"},
    {"obj", "{\"a\":1,\"b\":2}"},
    {"lines[1].qty", "1"},
    {"mixed", "[1,\"a\",2]"},
    {"[\"a\", 1, [true, null]]", "[\"a\",1,[true,null]]"},
    {"lines[*].qty", "?"}, /* a list needs the document: see the templates */
};

START_TEST(test_render)
{
    olp_expr *e = compile(render_cases[_i].expr);
    olp_eval ev = make_eval();
    olp_buf out;

    olp_buf_init(&out);
    olp_value_render(olp_expr_eval(e, &ev), &out);
    ck_assert_ptr_nonnull(out.data);
    ck_assert_str_eq(out.data, render_cases[_i].text);
    olp_buf_free(&out);
    olx_expr_free(e);
}
END_TEST

START_TEST(test_render_reals)
{
    static const struct {
        double r;
        const char *text;
    } reals[] = {{0.1, "0.1"},
                 {2.0, "2.0"},
                 {-12.25, "-12.25"},
                 {1e300, "1e+300"},
                 {1.0 / 3, "0.3333333333333333"},
                 /* positional unless the exponent is < -4 or >= 16 */
                 {980.0, "980.0"},
                 {6180.0, "6180.0"},
                 {0.0, "0.0"},
                 {0.0001, "0.0001"},
                 {0.00001, "1e-05"},
                 {1e15, "1000000000000000.0"},
                 {1e16, "1e+16"},
                 {123456.789, "123456.789"},
                 {-2.5e-7, "-2.5e-07"},
                 {1.7976931348623157e308, "1.7976931348623157e+308"},
                 {5e-324, "5e-324"}};
    size_t i;

    for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
        olp_value v;
        olp_buf out;
        memset(&v, 0, sizeof(v));
        v.type = OLP_V_REAL;
        v.u.r = reals[i].r;
        olp_buf_init(&out);
        olp_value_render(v, &out);
        ck_assert_str_eq(out.data, reals[i].text);
        olp_buf_free(&out);
    }
}
END_TEST

/* ---- templates (read from a rule's message) ----------------------------------- */

static const struct {
    const char *source; /* as written in a rule file, quotes included */
    const char *text;
} template_cases[] = {
    {"\"plain\"", "plain"},
    {"\"\"", ""},
    {"\"amount {order_amount}\"", "amount 1000"},
    {"\"{path} at {pointer}: {detail}\"", "lines[1] at /lines/1: "},
    {"\"{ path }|{pointer }\"", "lines[1]|/lines/1"},
    {"\"{{literal}} {{{order_amount}}}\"", "{literal} {1000}"},
    {"\"}}{{\"", "}{"},
    {"\"{json(currency)}\"", "\"EUR\""},
    {"\"{currency}\"", "EUR"},
    {"\"{json(obj)} {json(lines[0].qty)}\"", "{\"a\":1,\"b\":2} 2"},
    {"\"{json(missing)}\"", "absent"},
    {"\"{json([1, \\\"x\\\"])}\"", "[1,\"x\"]"},
    {"\"{json(lines[*].type)}\"", "[\"physical\",\"shipping_fee\"]"},
    {"\"{lines[*].qty}\"", "[2,1]"},
    {"\"{lines[?(qty > 1)].ref}\"", "[\"SKU-000001\"]"},
    {"\"{missing}|{1 / 0}|{big + 1}|{nul}\"", "absent|?|overflow|null"},
    {"\"{lookup(currency_of, \\\"se\\\")}\"", "SEK"},
    {"\"{@.path}\"", "absent"},
    {"\"a\" \"b{order_amount}\" \"c\"", "ab1000c"},
    {"\"{real} {sum(lines[*].price)} {sum_price() - 1}\"", "1.5 750 749"},
    {"\"# not a comment {order_amount}\"", "# not a comment 1000"},
    {"\"tab\\there\\nnew \\u00c5 \\\\ {{\"", "tab\there\nnew \xc3\x85 \\ {"},
    {"\"{order_amount == 1000}\"", "true"},
    /* time(): seconds since the epoch in RFC 3339, UTC; else as {x} */
    {"\"{time(0)} {time(951868799)} {time(1714525200)}\"",
     "1970-01-01T00:00:00Z 2000-02-29T23:59:59Z 2024-05-01T01:00:00Z"},
    {"\"{time(253402300799)}|{time(253402300800)}|{time(-1)}\"",
     "9999-12-31T23:59:59Z|253402300800|-1"},
    {"\"{time(currency)}|{time(missing)}|{time(1 / 0)}\"", "EUR|absent|?"},
};

static olp_rule *load_one_rule(olp_rulebook *b, const char *message)
{
    char text[1024];
    ol_error_t err = OL_ERROR_INIT;

    snprintf(text, sizeof(text),
             "rule t.x kinds all assert true severity error code BAD_VALUE\n"
             "message %s explain \"x\"\n",
             message);
    b->names = book.names; /* the shared tables and defs */
    ck_assert_msg(olp_rulebook_add(b, "t.rules", text, strlen(text), NULL, &err) == OL_OK,
                  "%s: %d:%d: %s", message, err.line, err.column, err.text);
    return b->rules[b->nrules - 1];
}

/* The rules of b, but not the names it borrowed from book. */
static void release_rules(olp_rulebook *b)
{
    b->names = NULL;
    olp_rulebook_clear(b);
}

START_TEST(test_template)
{
    olp_rulebook b;
    olp_rule *r;
    olp_eval ev = make_eval();
    olp_buf out;

    memset(&b, 0, sizeof(b));
    r = load_one_rule(&b, template_cases[_i].source);
    ev.path = "lines[1]";
    ev.pointer = "/lines/1";
    olp_buf_init(&out);
    olp_template_render(r->message, &ev, &out);
    ck_assert_ptr_nonnull(out.data);
    ck_assert_str_eq(out.data, template_cases[_i].text);
    ck_assert_int_eq(ev.oom, 0);
    olp_buf_free(&out);
    release_rules(&b);
}
END_TEST

START_TEST(test_template_detail_and_default_klarna)
{
    olp_rulebook b;
    olp_rule *r;
    olp_eval ev = make_eval();
    olp_buf out;

    memset(&b, 0, sizeof(b));
    r = load_one_rule(&b, "\"found: {detail}\"");
    ev.detail = "a duplicate key";
    ev.path = "order_lines[2].reference";
    olp_buf_init(&out);
    olp_template_render(r->message, &ev, &out);
    ck_assert_str_eq(out.data, "found: a duplicate key");
    olp_buf_reset(&out);
    olp_template_render(r->klarna, &ev, &out);
    ck_assert_str_eq(out.data, "Bad value: order_lines[2].reference");
    olp_buf_reset(&out);
    ev.path = NULL;
    olp_template_render(r->klarna, &ev, &out);
    ck_assert_str_eq(out.data, "Bad value: ");
    olp_buf_free(&out);
    release_rules(&b);
}
END_TEST

/* ---- path walks and their trails ---------------------------------------------- */

typedef struct trail_log {
    char text[512];
    size_t visits;
    size_t stop_after; /* 0: never stop */
} trail_log;

static int log_trail(const json_t *value, const olp_step *trail, size_t depth, void *arg)
{
    trail_log *log = arg;
    size_t i, n = strlen(log->text);

    (void)value;
    if (log->visits++)
        n += (size_t)snprintf(log->text + n, sizeof(log->text) - n, ",");
    if (depth == 0)
        n += (size_t)snprintf(log->text + n, sizeof(log->text) - n, "$");
    for (i = 0; i < depth; i++) {
        if (trail[i].key)
            n += (size_t)snprintf(log->text + n, sizeof(log->text) - n, "/%s",
                                  trail[i].key);
        else
            n += (size_t)snprintf(log->text + n, sizeof(log->text) - n, "/%zu",
                                  trail[i].index);
    }
    return log->stop_after && log->visits == log->stop_after;
}

static const struct {
    const char *path;
    const char *trails;
} walk_cases[] = {
    {"$", "$"},
    {"@", "$"},
    {"order_amount", "/order_amount"},
    {"$.lines[1].qty", "/lines/1/qty"},
    {"lines[*].qty", "/lines/0/qty,/lines/1/qty"},
    {"lines[*]", "/lines/0,/lines/1"},
    {"lines[?(type == \"shipping_fee\")].price", "/lines/1/price"},
    {"lines[?(@.qty > 0)]", "/lines/0,/lines/1"},
    {"obj[*]", "/obj/a,/obj/b"},
    {"nested.deep[*][*]", "/nested/deep/0/0,/nested/deep/0/1,/nested/deep/1/0"},
    {"missing", ""},
    {"missing[*].x", ""},
    {"lines[*].missing", ""},
    {"lines[7]", ""},
    {"currency[*]", ""},
    {"lines[\"0\"]", ""},
    {"$[\"lines\"][0][\"ref\"]", "/lines/0/ref"},
};

static olp_path *path_of(olp_rulebook *b, const char *path)
{
    char text[512];
    ol_error_t err = OL_ERROR_INIT;

    snprintf(text, sizeof(text),
             "rule w.x kinds all at %s assert true severity error code BAD_VALUE "
             "message \"m\" explain \"e\"",
             path);
    memset(b, 0, sizeof(*b));
    ck_assert_msg(olp_rulebook_add(b, "w.rules", text, strlen(text), NULL, &err) == OL_OK,
                  "%s: %s", path, err.text);
    ck_assert_uint_eq(b->rules[0]->nat, 1);
    return b->rules[0]->at[0];
}

START_TEST(test_walk)
{
    olp_rulebook b;
    olp_path *p = path_of(&b, walk_cases[_i].path);
    olp_eval ev = make_eval();
    trail_log log;

    memset(&log, 0, sizeof(log));
    ck_assert_int_eq(olp_path_walk(p, &ev, NULL, 0, log_trail, &log), 0);
    ck_assert_str_eq(log.text, walk_cases[_i].trails);
    ck_assert_ptr_eq(ev.current, doc);
    olp_rulebook_clear(&b);
}
END_TEST

START_TEST(test_walk_stops_when_told)
{
    olp_rulebook b;
    olp_path *p = path_of(&b, "nested.deep[*][*]");
    olp_eval ev = make_eval();
    trail_log log;

    memset(&log, 0, sizeof(log));
    log.stop_after = 2;
    ck_assert_int_ne(olp_path_walk(p, &ev, NULL, 0, log_trail, &log), 0);
    ck_assert_str_eq(log.text, "/nested/deep/0/0,/nested/deep/0/1");
    olp_rulebook_clear(&b);
}
END_TEST

/* A relative path continues the trail of @; a path from $ does not. */
START_TEST(test_walk_relative_to_base)
{
    olp_rulebook b1, b2;
    olp_path *rel = path_of(&b1, "ref");
    olp_path *abs_path = path_of(&b2, "$.currency");
    olp_eval ev = make_eval();
    olp_step base[2];
    trail_log log;

    base[0].key = "lines";
    base[0].index = 0;
    base[1].key = NULL;
    base[1].index = 1;
    ev.current = json_array_get(json_object_get(doc, "lines"), 1);
    memset(&log, 0, sizeof(log));
    olp_path_walk(rel, &ev, base, 2, log_trail, &log);
    ck_assert_str_eq(log.text, "/lines/1/ref");
    memset(&log, 0, sizeof(log));
    olp_path_walk(abs_path, &ev, base, 2, log_trail, &log);
    ck_assert_str_eq(log.text, "/currency");
    olp_rulebook_clear(&b1);
    olp_rulebook_clear(&b2);
}
END_TEST

/* Selections deeper than the trail can hold are skipped, not overrun. */
START_TEST(test_walk_deeper_than_trail)
{
    olp_rulebook b;
    olp_path *p = path_of(&b, "a[*]");
    olp_eval ev = make_eval();
    olp_step base[OLP_MAX_TRAIL];
    trail_log log;
    json_t *d = json_pack("{s:[i,i]}", "a", 1, 2);

    memset(base, 0, sizeof(base));
    ev.root = ev.current = d;
    memset(&log, 0, sizeof(log));
    olp_path_walk(p, &ev, base, OLP_MAX_TRAIL - 1, log_trail, &log);
    ck_assert_uint_eq(log.visits, 0);
    memset(&log, 0, sizeof(log));
    olp_path_walk(p, &ev, base, OLP_MAX_TRAIL - 2, log_trail, &log);
    ck_assert_uint_eq(log.visits, 2);
    json_decref(d);
    olp_rulebook_clear(&b);
}
END_TEST

/* ---- compiling single expressions ------------------------------------------ */

static const struct {
    const char *expr;
    int column;
    const char *message;
} compile_errors[] = {
    {"1 +", 4, "expected an expression after '+'"},
    {"summ(a)", 1, "unknown function 'summ'"},
    {"len(a, b)", 6, "len() takes 1 argument"},
    {"min(a)", 6, "min() takes 2 arguments"},
    {"sum(1 + 2)", 5, "the first argument of sum() must be a path"},
    {"lookup(\"x\", 1)", 8, "must be a table name"},
    {"lookup(nope, 1)", 8, "unknown table 'nope'"},
    {"in(1, nope)", 7, "unknown table 'nope' (a field is written @.nope)"},
    {"matches(a, b)", 12, "must be a string literal"},
    {"matches(a, \"(\")", 14,
     "regular expression error: missing closing parenthesis at offset 1"},
    {"json(a)", 1, "json() is only for templates"},
    {"time(a)", 1, "time() is only for templates"},
    {"a < b < c", 7, "comparisons do not chain"},
    {"a == b != c", 8, "comparisons do not chain"},
    {"9223372036854775808", 1, "integer out of the 64-bit range"},
    {"-9223372036854775809", 2, "integer out of the 64-bit range"},
    {"99999999999999999999999", 1, "integer out of the 64-bit range"},
    {"1.5", 1, "integers"},
    {"12ab", 1, "invalid number"},
    {"sum_price(1)", 11, "is a def: it takes no arguments"},
    {"$orders", 2, "expected '.' between '$' and a field name"},
    {"a.", 3, "expected a field name after '.'"},
    {"a[", 3, "expected an index"},
    {"a[1", 4, "expected ']'"},
    {"a[?(b)", 7, "expected ']'"},
    {"a[?b]", 4, "expected '('"},
    {"\"abc", 1, "unterminated string"},
    {"\"a\\qb\"", 3, "unknown escape '\\q'"},
    {"\"\\u12\"", 2, "four hexadecimal digits"},
    {"\"\\u0000\"", 2, "\\u0000 is not allowed"},
    {"\"\\udc00\"", 2, "lone UTF-16 surrogate"},
    {"\"\\ud800x\"", 2, "lone UTF-16 surrogate"},
    {"\"a\tb\x01\"", 5, "control character"},
    {"(1", 3, "expected ')'"},
    {"[1, a]", 5, "expected a literal"},
    {"a & b", 3, "expected an operator or the end after 'a'"},
};

START_TEST(test_compile_error)
{
    ol_error_t err = OL_ERROR_INIT;
    const char *text = compile_errors[_i].expr;
    olp_expr *e = olx_compile_expr(&book, text, strlen(text), NULL, &err);

    ck_assert_msg(e == NULL, "%s compiled", text);
    ck_assert_int_eq(err.code, OL_ERULES);
    ck_assert_int_eq(err.line, 1);
    ck_assert_msg(strstr(err.text, compile_errors[_i].message) != NULL, "%s: '%s'", text,
                  err.text);
    ck_assert_msg(err.column == compile_errors[_i].column, "%s: column %d, want %d (%s)",
                  text, err.column, compile_errors[_i].column, err.text);
}
END_TEST

START_TEST(test_nesting_is_bounded)
{
    static const char *const units[][2] = {
        {"(", ")"}, {"!", ""}, {"-", ""}, {"len(", ")"}, {"a[?(", ")]"}, {"[", "]"},
    };
    size_t depths[] = {OLX_MAX_DEPTH - 8, 100000};
    size_t u, d, i;

    for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        for (d = 0; d < 2; d++) {
            olp_buf b;
            ol_error_t err = OL_ERROR_INIT;
            olp_expr *e;
            int deep = d == 1;

            olp_buf_init(&b);
            for (i = 0; i < depths[d]; i++)
                olp_buf_puts(&b, units[u][0]);
            olp_buf_puts(&b, u == 1 ? "true" : "1");
            for (i = 0; i < depths[d]; i++)
                olp_buf_puts(&b, units[u][1]);
            e = olx_compile_expr(&book, b.data, b.len, NULL, &err);
            if (deep) {
                ck_assert_msg(e == NULL, "unit %zu", u);
                ck_assert_msg(strstr(err.text, "deep") != NULL, "%s", err.text);
            } else {
                ck_assert_msg(e != NULL || u == 5 /* a list is not an int */ || u == 3,
                              "unit %zu: %s", u, err.text);
            }
            olx_expr_free(e);
            olp_buf_free(&b);
        }
    }
}
END_TEST

/* A long chain of operators is as deep for evaluation as nesting. */
START_TEST(test_long_chain_is_bounded)
{
    olp_buf b;
    ol_error_t err = OL_ERROR_INIT;
    olp_expr *e;
    olp_eval ev = make_eval();
    size_t i;

    olp_buf_init(&b);
    olp_buf_puts(&b, "1");
    for (i = 0; i < OLX_MAX_DEPTH - 2; i++)
        olp_buf_puts(&b, " + 1");
    e = olx_compile_expr(&book, b.data, b.len, NULL, &err);
    ck_assert_msg(e != NULL, "%s", err.text);
    ck_assert_int_eq(olp_expr_eval(e, &ev).u.i, OLX_MAX_DEPTH - 1);
    olx_expr_free(e);
    for (i = 0; i < 10; i++)
        olp_buf_puts(&b, " + 1");
    e = olx_compile_expr(&book, b.data, b.len, NULL, &err);
    ck_assert_ptr_null(e);
    ck_assert_msg(strstr(err.text, "nested too deeply") != NULL, "%s", err.text);
    olp_buf_free(&b);
}
END_TEST

Suite *expr_suite(void)
{
    Suite *s = suite_create("expr");
    TCase *tc = tcase_create("eval");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_eval, 0,
                        (int)(sizeof(eval_cases) / sizeof(eval_cases[0])));
    tcase_add_test(tc, test_eval_at_element);
    tcase_add_test(tc, test_eval_without_document);
    tcase_add_test(tc, test_member_cache);
    tcase_add_test(tc, test_member_cache_full);
    tcase_add_test(tc, test_len_kept_only_with_members);
    tcase_add_test(tc, test_match_data_created_once);
    tcase_add_test(tc, test_match_limit_is_undefined);
    tcase_add_test(tc, test_truth);
    tcase_add_loop_test(tc, test_truth_of_nodes, 0,
                        (int)(sizeof(truth_forms) / sizeof(truth_forms[0])));
    tcase_add_loop_test(tc, test_integer_of_nodes, 0,
                        (int)(sizeof(integer_forms) / sizeof(integer_forms[0])));
    tcase_add_loop_test(tc, test_truth_of_single_nodes, 0,
                        (int)(sizeof(truth_singles) / sizeof(truth_singles[0])));
    suite_add_tcase(s, tc);

    tc = tcase_create("render");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_render, 0,
                        (int)(sizeof(render_cases) / sizeof(render_cases[0])));
    tcase_add_test(tc, test_render_reals);
    tcase_add_loop_test(tc, test_template, 0,
                        (int)(sizeof(template_cases) / sizeof(template_cases[0])));
    tcase_add_test(tc, test_template_detail_and_default_klarna);
    suite_add_tcase(s, tc);

    tc = tcase_create("walk");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_walk, 0,
                        (int)(sizeof(walk_cases) / sizeof(walk_cases[0])));
    tcase_add_test(tc, test_walk_stops_when_told);
    tcase_add_test(tc, test_walk_relative_to_base);
    tcase_add_test(tc, test_walk_deeper_than_trail);
    suite_add_tcase(s, tc);

    tc = tcase_create("compile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_compile_error, 0,
                        (int)(sizeof(compile_errors) / sizeof(compile_errors[0])));
    tcase_add_test(tc, test_nesting_is_bounded);
    tcase_add_test(tc, test_long_chain_is_bounded);
    suite_add_tcase(s, tc);
    return s;
}
