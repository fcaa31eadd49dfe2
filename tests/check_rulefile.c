/*
 * check_rulefile.c: reading rule files: rules, tables, defs, built-in
 * events; errors with their line and column; a failed file changes nothing;
 * no input crashes the reader.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_ol.h"
#include "ol_expr.h"
#include "ol_private.h"

static int add(olp_rulebook *b, const char *name, const char *text, ol_error_t *err)
{
    return olp_rulebook_add(b, name, text, strlen(text), NULL, err);
}

static void add_ok(olp_rulebook *b, const char *text)
{
    ol_error_t err = OL_ERROR_INIT;

    ck_assert_msg(add(b, "ok.rules", text, &err) == OL_OK, "%s:%d:%d: %s", err.source,
                  err.line, err.column, err.text);
}

static const olp_rule *find_rule(const olp_rulebook *b, const char *id)
{
    size_t i;

    for (i = 0; i < b->nrules; i++) {
        if (strcmp(b->rules[i]->id, id) == 0)
            return b->rules[i];
    }
    ck_abort_msg("no rule %s", id);
    return NULL;
}

static char *render(const olp_template *t, const char *doc, const char *path)
{
    olp_eval ev;
    olp_buf out;
    json_t *root = doc ? json_loads(doc, 0, NULL) : NULL;
    char *text;

    memset(&ev, 0, sizeof(ev));
    ev.root = ev.current = root;
    ev.path = path;
    olp_buf_init(&out);
    olp_template_render(t, &ev, &out);
    text = olp_buf_take(&out);
    json_decref(root);
    return text;
}

/* ---- a complete file --------------------------------------------------------- */

static const char sample[] =
    "# myshop.rules\n"
    "table currency_of {\n"
    "    AT: \"EUR\",\n"
    "    SE: \"SEK\",\n"
    "}\n"
    "def country = $.billing_address.country ?? $.purchase_country\n"
    "\n"
    "rule myshop.sku-reference\n"
    "    kinds    create-session update-session create-order\n"
    "    at       order_lines[*].reference, $.shipping[*].ref\n"
    "    when     type != \"discount\"   # a comment after a value\n"
    "    needs    order_lines[*] reference\n"
    "    assert   matches(@, \"^SKU-[0-9]{6}$\")\n"
    "    report   @\n"
    "    severity warning\n"
    "    code     BAD_VALUE\n"
    "    http     409\n"
    "    klarna   \"Bad value: {path}!\"\n"
    "    message  \"reference {json(@)} is not of the form SKU-nnnnnn\"\n"
    "    hint     \"use the cart's SKU\"\n"
    "    explain  \"Our references are SKU- and six digits; \"\n"
    "             \"anything else is a bug.\"\n"
    "\n"
    "rule myshop.currency\n"
    "  kinds all at $ assert currency == lookup(currency_of, country()) ?? currency\n"
    "  report currency severity error code NOT_FOUND message \"m\" explain \"e\"\n"
    "rule myshop.bom\n"
    "  builtin bom kinds load authorize\n"
    "  severity warning code BAD_REQUEST message \"a BOM: {detail}\" explain \"e\"\n";

START_TEST(test_sample_file)
{
    olp_rulebook b;
    const olp_rule *r;
    char *text;

    memset(&b, 0, sizeof(b));
    add_ok(&b, sample);
    ck_assert_uint_eq(b.nrules, 3);

    r = find_rule(&b, "myshop.sku-reference");
    ck_assert_str_eq(r->file, "ok.rules");
    ck_assert_int_eq(r->line, 8);
    ck_assert_uint_eq(r->kinds, (1u << OL_KIND_CREATE_SESSION) |
                                    (1u << OL_KIND_UPDATE_SESSION) |
                                    (1u << OL_KIND_CREATE_ORDER));
    ck_assert_int_eq(r->builtin, OLP_BUILTIN_NONE);
    ck_assert_uint_eq(r->nat, 2);
    ck_assert_int_eq(r->at[0]->from_root, 0);
    ck_assert_uint_eq(r->at[0]->nsegs, 3);
    ck_assert_int_eq(r->at[0]->segs[1].type, OLP_SEG_WILD);
    ck_assert_str_eq(r->at[0]->segs[2].key, "reference");
    ck_assert_int_eq(r->at[1]->from_root, 1);
    ck_assert_ptr_nonnull(r->when);
    ck_assert_uint_eq(r->nneeds, 2);
    ck_assert_uint_eq(r->needs[0]->nsegs, 2);
    ck_assert_str_eq(r->needs[1]->segs[0].key, "reference");
    ck_assert_ptr_nonnull(r->assertion);
    ck_assert_ptr_nonnull(r->report);
    ck_assert_uint_eq(r->report->nsegs, 0);
    ck_assert_int_eq(r->severity, OL_SEVERITY_WARNING);
    ck_assert_str_eq(r->code, "BAD_VALUE");
    ck_assert_int_eq(r->http, 409);
    ck_assert_str_eq(r->explain,
                     "Our references are SKU- and six digits; anything else is a bug.");
    text = render(r->klarna, NULL, "order_lines[0].reference");
    ck_assert_str_eq(text, "Bad value: order_lines[0].reference!");
    olp_free(text);
    text = render(r->hint, NULL, NULL);
    ck_assert_str_eq(text, "use the cart's SKU");
    olp_free(text);

    r = find_rule(&b, "myshop.currency");
    ck_assert_int_eq(r->line, 24);
    ck_assert_uint_eq(r->kinds, (1u << OL_KIND_COUNT_) - 1);
    ck_assert_int_eq(r->http, 404); /* NOT_FOUND's default */
    ck_assert_uint_eq(r->nat, 1);
    ck_assert_int_eq(r->at[0]->from_root, 1);
    ck_assert_uint_eq(r->at[0]->nsegs, 0);
    ck_assert_str_eq(r->report->segs[0].key, "currency");
    ck_assert_ptr_null(r->when);
    ck_assert_ptr_null(r->hint);
    text = render(r->klarna, NULL, "currency");
    ck_assert_str_eq(text, "Bad value: currency"); /* the default */
    olp_free(text);

    r = find_rule(&b, "myshop.bom");
    ck_assert_int_eq(r->builtin, OLP_BUILTIN_BOM);
    ck_assert_uint_eq(r->kinds, (1u << OL_KIND_LOAD) | (1u << OL_KIND_AUTHORIZE));
    ck_assert_uint_eq(r->nat, 0);
    ck_assert_ptr_null(r->assertion);
    ck_assert_int_eq(r->http, 400);
    olp_rulebook_clear(&b);
    ck_assert_uint_eq(b.nrules, 0);
    ck_assert_ptr_null(b.names);
}
END_TEST

/* The expressions of a loaded rule do what they say. */
START_TEST(test_sample_evaluates)
{
    olp_rulebook b;
    const olp_rule *r;
    olp_eval ev;
    pcre2_match_data *md = NULL;
    json_t *doc = json_loads("{\"purchase_country\": \"se\", \"currency\": \"SEK\","
                             " \"billing_address\": {\"country\": \"AT\"}}",
                             0, NULL);

    memset(&b, 0, sizeof(b));
    add_ok(&b, sample);
    r = find_rule(&b, "myshop.currency");
    memset(&ev, 0, sizeof(ev));
    ev.book = &b;
    ev.root = ev.current = doc;
    ev.md = &md;
    /* the billing country (AT) wins over purchase_country: EUR expected */
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(r->assertion, &ev)), 0);
    json_object_del(json_object_get(doc, "billing_address"), "country");
    olp_eval_forget(&ev); /* the tree changed: country() is cached per tree */
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(r->assertion, &ev)), 1);
    r = find_rule(&b, "myshop.sku-reference");
    ev.current = json_string("SKU-123456");
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(r->assertion, &ev)), 1);
    json_decref((json_t *)ev.current);
    ev.current = json_string("SKU-12345");
    ck_assert_int_eq(olp_value_truth(olp_expr_eval(r->assertion, &ev)), 0);
    json_decref((json_t *)ev.current);
    pcre2_match_data_free(md);
    json_decref(doc);
    olp_rulebook_clear(&b);
}
END_TEST

START_TEST(test_empty_files)
{
    olp_rulebook b;

    memset(&b, 0, sizeof(b));
    add_ok(&b, "");
    add_ok(&b, "   \n# only a comment\n\t\r\n");
    ck_assert_int_eq(olp_rulebook_add(&b, "x", NULL, 0, NULL, NULL), OL_OK);
    ck_assert_uint_eq(b.nrules, 0);
    olp_rulebook_clear(&b);
    olp_rulebook_clear(&b); /* twice is harmless */
}
END_TEST

static const struct {
    const char *builtin;
    olp_builtin event;
} builtins[] = {
    {"syntax", OLP_BUILTIN_SYNTAX},
    {"empty", OLP_BUILTIN_EMPTY},
    {"not-object", OLP_BUILTIN_NOT_OBJECT},
    {"too-large", OLP_BUILTIN_TOO_LARGE},
    {"too-deep", OLP_BUILTIN_TOO_DEEP},
    {"bom", OLP_BUILTIN_BOM},
    {"duplicate-key", OLP_BUILTIN_DUPLICATE_KEY},
};

START_TEST(test_builtin_names)
{
    olp_rulebook b;
    char text[256];

    snprintf(text, sizeof(text),
             "rule doc.x builtin %s kinds all severity error code BAD_REQUEST "
             "message \"{detail}\" explain \"e\"",
             builtins[_i].builtin);
    memset(&b, 0, sizeof(b));
    add_ok(&b, text);
    ck_assert_int_eq(b.rules[0]->builtin, builtins[_i].event);
    olp_rulebook_clear(&b);
}
END_TEST

START_TEST(test_every_kind)
{
    olp_rulebook b;
    size_t k;

    memset(&b, 0, sizeof(b));
    add_ok(&b,
           "rule k.x kinds create-session update-session create-order load authorize\n"
           "  reauthorize finalize capture refund assert true severity error\n"
           "  code BAD_VALUE message \"m\" explain \"e\"");
    for (k = 0; k < OL_KIND_COUNT_; k++)
        ck_assert(b.rules[0]->kinds & (1u << k));
    olp_rulebook_clear(&b);
}
END_TEST

/* Directives come in any order; a field named like a directive is @.name. */
START_TEST(test_directive_order_and_reserved_fields)
{
    olp_rulebook b;
    const olp_rule *r;

    memset(&b, 0, sizeof(b));
    add_ok(&b,
           "rule o.x explain \"e\" message \"{@.code}\" code BAD_VALUE severity error\n"
           "  assert @.code == \"x\" && has(@.message) at $.report kinds all\n"
           "  report @.hint");
    r = b.rules[0];
    ck_assert_str_eq(r->at[0]->segs[0].key, "report");
    ck_assert_str_eq(r->report->segs[0].key, "hint");
    olp_rulebook_clear(&b);
}
END_TEST

/* ---- names across files ---------------------------------------------------- */

START_TEST(test_names_across_files)
{
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;

    memset(&b, 0, sizeof(b));
    add_ok(&b, "def total = order_amount + 1\ntable t { A: 1 }");
    add_ok(&b, "rule n.x kinds all assert total() > lookup(t, \"a\") severity error "
               "code BAD_VALUE message \"m\" explain \"e\"");
    ck_assert_int_eq(add(&b, "again.rules", "def total = 1", &err), OL_ERULES);
    ck_assert_str_eq(err.text, "'total' is already defined");
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(add(&b, "again.rules", "table t { }", &err), OL_ERULES);
    ck_assert_str_eq(err.text, "'t' is already defined");
    olp_rulebook_clear(&b);
}
END_TEST

/* A table may be used before the entry that defines it; a def may not. */
START_TEST(test_table_used_before_defined)
{
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;

    memset(&b, 0, sizeof(b));
    add_ok(&b, "rule f.x kinds all assert in(c, later) && lookup(later, c) == 1\n"
               "  severity error code BAD_VALUE message \"m\" explain \"e\"\n"
               "table later { x: 1 }\n");
    ck_assert_int_eq(add(&b, "d.rules", "def a = b()\ndef b = 1", &err), OL_ERULES);
    ck_assert_str_eq(err.text, "unknown function 'b'");
    ck_assert_int_eq(err.line, 1);
    ck_assert_int_eq(err.column, 9);
    olp_rulebook_clear(&b);
}
END_TEST

/* The truth of rule id's assert on the document doc. */
static int holds(const olp_rulebook *b, const char *id, const char *doc)
{
    const olp_rule *r = find_rule(b, id);
    json_t *root = json_loads(doc, 0, NULL);
    olp_eval ev;
    int truth;

    memset(&ev, 0, sizeof(ev));
    ev.book = b;
    ev.root = ev.current = root;
    truth = olp_value_truth(olp_expr_eval(r->assertion, &ev));
    json_decref(root);
    return truth;
}

/* A default table is replaced, once, by a later file that defines it again;
 * the rules that use it see the new entries. */
START_TEST(test_default_table_is_replaced_once)
{
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;

    memset(&b, 0, sizeof(b));
    add_ok(&b, "table enabled default { }\n"
               "rule d.size kinds all assert size(enabled) == 0 severity error "
               "code BAD_VALUE message \"m\" explain \"e\"\n"
               "rule d.in kinds all assert in(c, enabled) severity error "
               "code BAD_VALUE message \"m\" explain \"e\"\n");
    ck_assert_int_eq(holds(&b, "d.size", "{}"), 1);
    ck_assert_int_eq(holds(&b, "d.in", "{\"c\": \"SE\"}"), 0);
    /* a file that fails leaves the default as it was */
    ck_assert_int_eq(add(&b, "bad.rules", "table enabled { SE: 1 }\nrule (", &err),
                     OL_ERULES);
    ck_assert_int_eq(holds(&b, "d.size", "{}"), 1);
    /* the merchant's file: the same name, entries that replace the default's */
    add_ok(&b, "table enabled { se: \"Sweden\", NO: \"Norway\" }\n"
               "rule d.mine kinds all assert lookup(enabled, \"SE\") == \"Sweden\" "
               "severity error code BAD_VALUE message \"m\" explain \"e\"\n");
    ck_assert_int_eq(holds(&b, "d.size", "{}"), 0);
    ck_assert_int_eq(holds(&b, "d.in", "{\"c\": \"SE\"}"), 1);
    ck_assert_int_eq(holds(&b, "d.in", "{\"c\": \"DK\"}"), 0);
    ck_assert_int_eq(holds(&b, "d.mine", "{}"), 1);
    /* once: a third file cannot give it again */
    memset(&err, 0, sizeof(err)); /* (an error is not overwritten) */
    ck_assert_int_eq(add(&b, "third.rules", "table enabled { DK: 1 }", &err), OL_ERULES);
    ck_assert_str_eq(err.text, "'enabled' is already defined");
    ck_assert_int_eq(holds(&b, "d.in", "{\"c\": \"DK\"}"), 0);
    olp_rulebook_clear(&b);
}
END_TEST

/* A table that is not a default cannot be given again; a default cannot be
 * given twice in one file, nor by the file that declares it. */
START_TEST(test_default_table_errors)
{
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;

    memset(&b, 0, sizeof(b));
    ck_assert_int_eq(add(&b, "one.rules", "table t default { }\ntable t { A: 1 }", &err),
                     OL_ERULES);
    ck_assert_str_eq(err.text, "'t' is already defined");
    ck_assert_int_eq(err.line, 2);
    ck_assert_int_eq(err.column, 7);
    add_ok(&b, "table t default { }\ntable fixed { A: 1 }");
    memset(&err, 0, sizeof(err)); /* (an error is not overwritten) */
    ck_assert_int_eq(add(&b, "two.rules", "table t { A: 1 }\ntable t { B: 1 }", &err),
                     OL_ERULES);
    ck_assert_str_eq(err.text, "'t' is already defined");
    ck_assert_int_eq(err.line, 2);
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(add(&b, "fixed.rules", "table fixed { B: 1 }", &err), OL_ERULES);
    ck_assert_str_eq(err.text, "'fixed' is already defined");
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(add(&b, "size.rules",
                         "rule s.x kinds all assert size(nothing) == 0 severity error "
                         "code BAD_VALUE message \"m\" explain \"e\"",
                         &err),
                     OL_ERULES);
    ck_assert_str_eq(err.text, "unknown table 'nothing' (a field is written @.nothing)");
    olp_rulebook_clear(&b);
}
END_TEST

/* A def that reads no @ of its caller is constant over a document, and a
 * check computes it once; one that does is evaluated where it is called. */
START_TEST(test_constant_defs)
{
    olp_rulebook b;
    const olx_names *names;
    static const struct {
        const char *name;
        int constant;
    } want[] = {{"root", 1}, {"here", 0},     {"any_line", 1}, {"mixed", 0},
                {"via", 1},  {"via_here", 0}, {"counted", 0}};
    size_t i;

    memset(&b, 0, sizeof(b));
    add_ok(&b, "def root = $.x ?? $.y\n"
               "def here = x\n"
               "def any_line = any($.lines[*], type == \"t\") && !has($.z)\n"
               "def mixed = root() + here()\n"
               "def via = root() == 1 || any_line()\n"
               "def via_here = here() == 1\n"
               "def counted = count(lines[*])\n");
    names = b.names;
    ck_assert_uint_eq(names->ndefs, sizeof(want) / sizeof(want[0]));
    for (i = 0; i < names->ndefs; i++) {
        ck_assert_str_eq(names->defs[i]->name, want[i].name);
        ck_assert_msg(names->defs[i]->constant == want[i].constant, "def %s",
                      want[i].name);
        ck_assert_uint_eq(names->defs[i]->index, i);
    }
    olp_rulebook_clear(&b);
}
END_TEST

/* Nothing of a file with a mistake is added. */
START_TEST(test_failed_file_changes_nothing)
{
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;
    void *names;

    memset(&b, 0, sizeof(b));
    add_ok(
        &b,
        "def d = 1\nrule a.one kinds all assert d() == 1 severity error code BAD_VALUE "
        "message \"m\" explain \"e\"");
    names = b.names;
    ck_assert_int_eq(add(&b, "bad.rules",
                         "def e = 2\ntable t2 { k: 1 }\n"
                         "rule a.two kinds all assert true severity error code BAD_VALUE "
                         "message \"m\" explain \"e\"\n"
                         "rule a.three kinds all assert (",
                         &err),
                     OL_ERULES);
    ck_assert_str_eq(err.source, "bad.rules");
    ck_assert_uint_eq(b.nrules, 1);
    ck_assert_ptr_eq(b.names, names);
    /* a.two, e and t2 were not added: their names are free, d is not */
    add_ok(
        &b,
        "def e = 3\ntable t2 { k: 2 }\n"
        "rule a.two kinds all assert e() + d() == lookup(t2, \"K\") + 2 severity error "
        "code BAD_VALUE message \"m\" explain \"e\"");
    ck_assert_uint_eq(b.nrules, 2);
    olp_rulebook_clear(&b);
}
END_TEST

/* ---- errors, with their place -------------------------------------------------- */

#define HEAD                                                                             \
    "rule x kinds all severity error code BAD_VALUE message \"m\" explain \"e\"\n"

static const struct {
    const char *text;
    int line, column;
    const char *message;
} errors[] = {
    /* entries */
    {"rule", 1, 5, "expected a rule id after 'rule'"},
    {"rule X.y", 1, 6, "rule id 'X.y': use lower-case letters"},
    {"rule .x", 1, 6, "rule id '.x'"},
    {"rules x", 1, 1, "expected 'rule', 'table', 'def' or 'merge', found 'rules'"},
    {"\n\n   42", 3, 4, "expected 'rule', 'table', 'def' or 'merge', found '42'"},
    {"rule a ~", 1, 8, "unexpected character '~'"},
    {"rule a \xc3\xa9", 1, 8, "unexpected character '\xc3\xa9'"},
    {HEAD "  assert true\nrule x", 3, 6, "duplicate rule id 'x'"},
    /* directives */
    {"rule x\n    kinds all\n    assert\n    severity error", 4, 5,
     "expected an expression after 'assert'"},
    {"rule x kinds all assert", 1, 24, "expected an expression after 'assert'"},
    {"rule x\n  kinds create-sesion", 2, 9, "unknown kind 'create-sesion'"},
    {"rule x kinds assert true", 1, 14, "expected a kind"},
    {"rule x kinds all severity error code BAD_VALUE message \"m\" explain \"e\"", 1, 1,
     "rule 'x' has no assert"},
    {"rule x assert true severity error code BAD_VALUE message \"m\" explain \"e\"", 1, 1,
     "rule 'x' has no kinds"},
    {"rule x kinds all assert true code BAD_VALUE message \"m\" explain \"e\"", 1, 1,
     "rule 'x' has no severity"},
    {"rule x kinds all assert true severity error message \"m\" explain \"e\"", 1, 1,
     "rule 'x' has no code"},
    {"rule x kinds all assert true severity error code BAD_VALUE explain \"e\"", 1, 1,
     "rule 'x' has no message"},
    {"rule x kinds all assert true severity error code BAD_VALUE message \"m\"", 1, 1,
     "rule 'x' has no explain"},
    {HEAD "  assert true\n  asert true", 3, 3, "unknown directive 'asert' in rule 'x'"},
    {HEAD "  assert a b", 2, 12, "unknown directive 'b'"},
    {HEAD "  assert a )", 2, 12, "expected a directive or an operator, found ')'"},
    {HEAD "  assert true\n  severity warning", 3, 3,
     "'severity' given twice in rule 'x'"},
    {"rule x kinds all assert true severity fatal", 1, 39, "unknown severity 'fatal'"},
    {"rule x kinds all assert true severity", 1, 38, "expected error or warning"},
    {"rule x kinds all assert true code bad_code", 1, 35,
     "code 'bad_code': an error code is upper-case"},
    {"rule x kinds all assert true http 500", 1, 35, "http must be 400, 403, 404 or 409"},
    {"rule x kinds all assert true http four", 1, 35, "expected 400, 403, 404 or 409"},
    {"rule x kinds all assert true message message", 1, 38, "expected a string"},
    {"rule x kinds all assert true explain 12", 1, 38,
     "expected a string after 'explain'"},
    {HEAD "  builtin bom assert true", 2, 15,
     "'assert' cannot be used in a builtin rule"},
    {HEAD "  at $ builtin empty", 2, 3, "'at' cannot be used in a builtin rule"},
    {"rule x kinds all severity warning code BAD_REQUEST message \"m\" explain \"e\"\n"
     "  builtin syntax",
     1, 18, "rule 'x' says a body could not be checked: its severity must be error"},
    {HEAD "  builtin bomb", 2, 11, "unknown built-in event 'bomb'"},
    {HEAD "  assert true report $.a", 2, 22, "report is one value relative"},
    {HEAD "  assert true report a[*].b", 2, 22, "report is one value relative"},
    {HEAD "  assert true report a[?(b)]", 2, 22, "report is one value relative"},
    {HEAD "  assert true needs a $.b", 2, 23, "a needs path is relative"},
    {HEAD "  assert true needs a[?(x)]", 2, 21, "a needs path is relative"},
    {HEAD "  assert true needs", 2, 20, "expected a path after 'needs'"},
    {HEAD "  assert true at", 2, 17, "expected a path after 'at'"},
    {HEAD "  assert true at a,", 2, 20, "expected a path after ','"},
    {HEAD "  at severity", 2, 6, "expected a path after 'at'"},
    /* expressions */
    {HEAD "  assert summ(a) == 1", 2, 10, "unknown function 'summ'"},
    {HEAD "  assert message == 1", 2, 10, "expected an expression after 'assert'"},
    {HEAD "  assert a == b == c", 2, 17, "comparisons do not chain"},
    {HEAD "  assert len(a, b)", 2, 15, "len() takes 1 argument"},
    {HEAD "  assert 1.5 > 1", 2, 10, "integers"},
    {HEAD "  assert json(a) == 1", 2, 10, "json() is only for templates"},
    {HEAD "  assert lookup(nope, a)", 2, 17, "unknown table 'nope'"},
    {HEAD "  assert in(a, nope)", 2, 16, "unknown table 'nope'"},
    {HEAD "  assert matches(a, \"a(\")", 2, 24,
     "regular expression error: missing closing parenthesis at offset 2"},
    {HEAD "  assert matches(a, \"[z-a]\")", 2, 25,
     "regular expression error: range out of order in character class at offset 3"},
    {HEAD "  assert matches(a, \"\\\\\")", 2, 24,
     "regular expression error: \\ at end of "},
    {HEAD "  assert \"abc", 2, 10, "unterminated string"},
    {HEAD "  assert \"a\n\" == 1", 2, 10, "unterminated string"},
    {HEAD "  assert \"a\\d\"", 2, 12, "unknown escape '\\d'"},
    {HEAD "  assert \"\\u0000\" == 1", 2, 11, "\\u0000 is not allowed"},
    {HEAD "  assert 9223372036854775808 > 0", 2, 10, "64-bit range"},
    {HEAD "  assert $x", 2, 11, "expected '.' between '$' and a field name"},
    /* columns count characters, not bytes */
    {"# \xc3\xa9t\xc3\xa9\n" HEAD "  assert \"\xc3\xa9\xc3\xa9\" == 1 ~", 3, 20,
     "unexpected character '~'"},
    {HEAD "\t assert \"\xe6\x97\xa5\" == \xc3\xbc", 2, 17,
     "expected an expression after '=='"},
    /* templates: the place is in the file, escapes included */
    {"rule x kinds all assert true message \"x {1 +} y\"", 1, 45,
     "expected an expression after '+'"},
    {"rule x kinds all assert true message \"a\\\"b\\\" {1 +}\"", 1, 50,
     "expected an expression after '+'"},
    {"rule x kinds all assert true message \"x } y\"", 1, 41,
     "a '}' in a template is written '}}'"},
    {"rule x kinds all assert true message \"ab {order_amount\"", 1, 42,
     "'{' without its '}'"},
    {"rule x kinds all assert true message \"{a b}\"", 1, 42, "expected '}' after 'a'"},
    {"rule x kinds all assert true message \"{}\"", 1, 40,
     "expected an expression after '{'"},
    {"rule x kinds all assert true message \"{json(a) + 1}\"", 1, 40,
     "json() must be the whole"},
    {"rule x kinds all assert true message \"{json(json(a))}\"", 1, 45,
     "json() must be the whole"},
    {"rule x kinds all assert true message \"{1 + time(a)}\"", 1, 44,
     "time() must be the whole of its part: {time(x)}"},
    {"rule x kinds all assert true message \"{time(json(a))}\"", 1, 45,
     "json() must be the whole"},
    {"rule x kinds all assert true message \"a\" \"{summ()}\"", 1, 44,
     "unknown function 'summ'"},
    {"rule x kinds all assert true\n  message \"{lookup(t, \\\"x\\\\q\\\")}\"", 2, 26,
     "unknown escape '\\q'"},
    {"rule x kinds all assert true message \"{", 1, 38, "unterminated string"},
    {"rule x kinds all assert true message \"{a # b}\"", 1, 42, "expected '}' after 'a'"},
    {"rule x kinds all assert true message \"{in(a, [1, 2)}\"", 1, 51,
     "expected ',' or ']'"},
    /* tables and defs */
    {"table t { a: 1, A: 2 }", 1, 17, "duplicate key 'A' in table 't'"},
    {"table t { \"x y\": 1, b: 2, \"X Y\": 3 }", 1, 27, "duplicate key 'X Y'"},
    {"table t { a 1 }", 1, 13, "expected ':' after 'a'"},
    {"table t { a: b }", 1, 14, "expected a literal"},
    {"table t { a: 1 b: 2 }", 1, 16, "expected ',' or '}' after '1'"},
    {"table t { a: [1, 2 }", 1, 20, "expected ',' or ']'"},
    {"table { a: 1 }", 1, 7, "expected a table name after 'table'"},
    {"table t", 1, 8, "expected '{' after 't'"},
    {"table when { }", 1, 7, "'when' is a reserved word"},
    {"def len = 1", 1, 5, "'len' is a built-in function"},
    {"def x = 1\ndef x = 2", 2, 5, "'x' is already defined"},
    {"def x 1", 1, 7, "expected '=' after 'x'"},
    {"def x =", 1, 8, "expected an expression after '='"},
    {"def x = 1\nrule y kinds all assert x(1)", 2, 27,
     "'x' is a def: it takes no arguments"},
    {"def x = x()", 1, 9, "unknown function 'x'"},
    {"def x = 1 2", 1, 11, "expected 'rule', 'table', 'def' or 'merge', found '2'"},
    /* the text itself */
    {"rule x\n kinds \xff", 2, 8, "not valid UTF-8"},
    {"rule x\n kinds \xc3", 2, 8, "not valid UTF-8"},
    {"rule x # \xed\xa0\x80", 1, 10, "not valid UTF-8"},
    {"rule x # \xe0\x80\x80", 1, 10, "not valid UTF-8"},
};

START_TEST(test_error)
{
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;

    memset(&b, 0, sizeof(b));
    ck_assert_int_eq(add(&b, "e.rules", errors[_i].text, &err), OL_ERULES);
    ck_assert_int_eq(err.code, OL_ERULES);
    ck_assert_str_eq(err.source, "e.rules");
    ck_assert_msg(strstr(err.text, errors[_i].message) != NULL, "case %d: '%s'", _i,
                  err.text);
    ck_assert_msg(err.line == errors[_i].line && err.column == errors[_i].column,
                  "case %d: %d:%d, want %d:%d (%s)", _i, err.line, err.column,
                  errors[_i].line, errors[_i].column, err.text);
    ck_assert_uint_eq(b.nrules, 0);
    olp_rulebook_clear(&b);
}
END_TEST

/* A key is interned once per book, across files: segments of one key
 * share its pointer (the member cache compares pointers), and keep no
 * copy of their own (key is key_canon). An expression
 * compiled against the book (olx_compile_expr, which interns nothing)
 * still compiles. */
START_TEST(test_keys_are_interned_per_book)
{
    static const char one[] =
        "rule a.one kinds all at order.amount assert true severity error code BAD_VALUE\n"
        "  message \"m\" explain \"x\"\n";
    static const char two[] =
        "rule a.two kinds all at order[\"amount\"], amounts assert true severity error\n"
        "  code BAD_VALUE message \"m\" explain \"x\"\n";
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;
    const olp_seg *s1, *s2, *s3;
    olp_expr *e;

    memset(&b, 0, sizeof(b));
    ck_assert_int_eq(olp_rulebook_add(&b, "1.rules", one, strlen(one), NULL, &err),
                     OL_OK);
    ck_assert_int_eq(olp_rulebook_add(&b, "2.rules", two, strlen(two), NULL, &err),
                     OL_OK);
    s1 = &b.rules[0]->at[0]->segs[1]; /* amount */
    s2 = &b.rules[1]->at[0]->segs[1]; /* ["amount"] */
    s3 = &b.rules[1]->at[1]->segs[0]; /* amounts */
    ck_assert_ptr_nonnull(s1->key_canon);
    ck_assert_ptr_eq(s1->key_canon, s2->key_canon);
    ck_assert_ptr_eq(s1->key, s1->key_canon);
    ck_assert_ptr_eq(s2->key, s2->key_canon);
    ck_assert_uint_eq(s2->key_len, 6);
    ck_assert_ptr_ne(s1->key_canon, s3->key_canon);
    ck_assert_str_eq(s3->key_canon, "amounts");
    ck_assert_ptr_eq(b.rules[0]->at[0]->segs[0].key_canon,
                     b.rules[1]->at[0]->segs[0].key_canon); /* order */
    e = olx_compile_expr(&b, "order.amount == 1", 17, NULL, &err);
    ck_assert_ptr_nonnull(e);
    olx_expr_free(e);
    olp_rulebook_clear(&b);
}
END_TEST

START_TEST(test_error_nul_byte)
{
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;
    static const char text[] = "rule x\n  kinds\0all";

    memset(&b, 0, sizeof(b));
    ck_assert_int_eq(olp_rulebook_add(&b, "n.rules", text, sizeof(text) - 1, NULL, &err),
                     OL_ERULES);
    ck_assert_int_eq(err.line, 2);
    ck_assert_int_eq(err.column, 8);
    ck_assert_uint_eq(err.position, 14);
    ck_assert_str_eq(err.text, "the file holds a NUL byte");
}
END_TEST

/* The byte offset of the error, with the line and column. */
START_TEST(test_error_position)
{
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;

    memset(&b, 0, sizeof(b));
    ck_assert_int_eq(add(&b, "p.rules", HEAD "  assert summ(a)", &err), OL_ERULES);
    ck_assert_uint_eq(err.position, strlen(HEAD) + 9);
    ck_assert_int_eq(add(&b, "p.rules", HEAD "  assert true", NULL), OL_OK); /* no err */
    olp_rulebook_clear(&b);
}
END_TEST

/* A def's nesting counts where it is used. */
START_TEST(test_def_nesting_is_bounded)
{
    olp_buf text;
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;
    int i;

    olp_buf_init(&text);
    olp_buf_puts(&text, "def d0 = ");
    for (i = 0; i < OLX_MAX_DEPTH - 10; i++)
        olp_buf_puts(&text, "!");
    olp_buf_puts(&text, "true\n");
    for (i = 1; i < 10; i++)
        olp_buf_printf(&text, "def d%d = !d%d()\n", i, i - 1);
    memset(&b, 0, sizeof(b));
    ck_assert_int_eq(olp_rulebook_add(&b, "deep.rules", text.data, text.len, NULL, &err),
                     OL_ERULES);
    ck_assert_msg(strstr(err.text, "defs included") != NULL, "%s", err.text);
    ck_assert_int_eq(err.line, 6);
    olp_buf_free(&text);
}
END_TEST

/* ---- robustness -------------------------------------------------------------- */

/* Whatever the input, an answer and no crash (and, under the sanitizers,
 * no leak and no bad access). */
static void survive(const char *text, size_t len)
{
    olp_rulebook b;
    ol_error_t err = OL_ERROR_INIT;
    int rc;

    memset(&b, 0, sizeof(b));
    rc = olp_rulebook_add(&b, "fuzz.rules", text, len, NULL, &err);
    ck_assert(rc == OL_OK || rc == OL_ERULES);
    if (rc == OL_ERULES) {
        ck_assert_int_ge(err.line, 1);
        ck_assert_int_ge(err.column, 1);
        ck_assert_uint_le(err.position, len);
        ck_assert_uint_eq(b.nrules, 0);
    }
    olp_rulebook_clear(&b);
}

START_TEST(test_every_truncation)
{
    size_t n, len = strlen(sample);

    for (n = 0; n <= len; n++)
        survive(sample, n);
}
END_TEST

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

START_TEST(test_random_bytes)
{
    char text[300];
    int round;
    size_t i, n;

    for (round = 0; round < 3000; round++) {
        n = rng() % sizeof(text);
        for (i = 0; i < n; i++)
            text[i] = (char)(rng() & 0xFF);
        survive(text, n);
    }
}
END_TEST

/* Mutations of a valid file, from the characters that matter to the lexer. */
START_TEST(test_random_mutations)
{
    static const char alphabet[] = "{}[]()\"\\$@.,:=!?*<>&|+-%#\n a1_\xc3";
    char text[sizeof(sample)];
    int round, k;

    for (round = 0; round < 3000; round++) {
        memcpy(text, sample, sizeof(sample));
        for (k = 0; k < 1 + (int)(rng() % 4); k++)
            text[rng() % (sizeof(sample) - 1)] = alphabet[rng() % (sizeof(alphabet) - 1)];
        survive(text, sizeof(sample) - 1);
    }
}
END_TEST

START_TEST(test_deep_nesting_in_files)
{
    static const char *const units[][2] = {
        {"(", ")"}, {"[", "]"}, {"a[?(", ")]"}, {"{", "}"}, {"\"{", "}\""},
    };
    size_t u, i;

    for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        olp_buf text;
        olp_buf_init(&text);
        olp_buf_puts(&text, HEAD "  assert ");
        for (i = 0; i < 50000; i++)
            olp_buf_puts(&text, units[u][0]);
        olp_buf_puts(&text, "1");
        for (i = 0; i < 50000; i++)
            olp_buf_puts(&text, units[u][1]);
        survive(text.data, text.len);
        olp_buf_free(&text);
    }
}
END_TEST

Suite *rulefile_suite(void)
{
    Suite *s = suite_create("rulefile");
    TCase *tc = tcase_create("read");

    tcase_add_test(tc, test_sample_file);
    tcase_add_test(tc, test_sample_evaluates);
    tcase_add_test(tc, test_empty_files);
    tcase_add_loop_test(tc, test_builtin_names, 0,
                        (int)(sizeof(builtins) / sizeof(builtins[0])));
    tcase_add_test(tc, test_every_kind);
    tcase_add_test(tc, test_directive_order_and_reserved_fields);
    tcase_add_test(tc, test_names_across_files);
    tcase_add_test(tc, test_table_used_before_defined);
    tcase_add_test(tc, test_default_table_is_replaced_once);
    tcase_add_test(tc, test_default_table_errors);
    tcase_add_test(tc, test_constant_defs);
    tcase_add_test(tc, test_failed_file_changes_nothing);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_error, 0, (int)(sizeof(errors) / sizeof(errors[0])));
    tcase_add_test(tc, test_error_nul_byte);
    tcase_add_test(tc, test_keys_are_interned_per_book);
    tcase_add_test(tc, test_error_position);
    tcase_add_test(tc, test_def_nesting_is_bounded);
    suite_add_tcase(s, tc);

    tc = tcase_create("robust");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_every_truncation);
    tcase_add_test(tc, test_random_bytes);
    tcase_add_test(tc, test_random_mutations);
    tcase_add_test(tc, test_deep_nesting_in_files);
    suite_add_tcase(s, tc);
    return s;
}
