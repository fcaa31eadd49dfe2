/*
 * check_engine.c: the checks, through the public API, on small rule tables
 * written for the test (the built-in Klarna table has its corpus).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_ol.h"
#include "orderlint.h"

static const char events[] =
    "rule doc.syntax builtin syntax kinds all severity error code BAD_REQUEST\n"
    "  klarna \"Malformed JSON: {detail}\" message \"not JSON: {detail}\" explain \"x\"\n"
    "rule doc.number-range builtin number-range kinds all severity error code "
    "BAD_REQUEST\n"
    "  klarna \"Malformed JSON: {detail}\" message \"{detail}\" explain \"x\"\n"
    "rule doc.empty builtin empty kinds all severity error code BAD_REQUEST\n"
    "  klarna \"Malformed JSON: {detail}\" message \"{detail}\" explain \"x\"\n"
    "rule doc.not-object builtin not-object kinds all severity error code BAD_REQUEST\n"
    "  klarna \"Malformed JSON: {detail}\" message \"{detail}\" explain \"x\"\n"
    "rule doc.too-large builtin too-large kinds all severity error code BAD_REQUEST\n"
    "  klarna \"Malformed JSON: {detail}\" message \"{detail}\" explain \"x\"\n"
    "rule doc.too-deep builtin too-deep kinds all severity error code BAD_REQUEST\n"
    "  klarna \"Malformed JSON: {detail}\" message \"{detail}\" explain \"x\"\n"
    "rule doc.bom builtin bom kinds all severity warning code BAD_REQUEST\n"
    "  message \"{detail}\" explain \"x\"\n"
    "rule doc.duplicate-key builtin duplicate-key kinds all severity warning code "
    "BAD_VALUE\n"
    "  message \"{detail}\" explain \"x\"\n";

static const char rules[] =
    "rule t.required kinds create-session at $ assert has(amount) report amount\n"
    "  severity error code BAD_VALUE message \"amount is required\" explain \"x\"\n"
    "rule t.amount-int kinds all at amount assert is_int(@)\n"
    "  severity error code BAD_VALUE message \"found {json(@)}\" explain \"x\"\n"
    "rule t.qty-int kinds all at lines[*].qty assert is_int(@) && @ >= 0\n"
    "  severity error code BAD_VALUE message \"qty {json(@)}\" explain \"x\"\n"
    "rule t.line-total kinds all at lines[*] needs qty price total\n"
    "  assert total == qty * price severity error code BAD_VALUE report total\n"
    "  message \"expected {qty * price}, found {total}\" explain \"x\"\n"
    "rule t.sum kinds all at $ when has(amount) needs amount lines[*].total\n"
    "  assert amount == sum(lines[*].total)\n"
    "  report amount severity error code BAD_VALUE message \"sum "
    "{sum(lines[*].total)}\"\n"
    "  explain \"x\"\n"
    "rule t.name-warning kinds all at lines[*].name assert len(@) <= 3\n"
    "  severity warning code BAD_VALUE klarna \"Bad value: {path} (size must be between "
    "0 and 3)\"\n"
    "  message \"{len(@)} characters\" hint \"shorten it\" explain \"x\"\n"
    "rule t.missing-id kinds all at $ when has(id) assert false severity error code "
    "NOT_FOUND\n"
    "  klarna \"Invalid session id\" message \"id given\" explain \"x\"\n";

static ol_ruleset *rs;

static void setup(void)
{
    ol_options opts = OL_OPTIONS_INIT;
    ol_error_t err = OL_ERROR_INIT;

    opts.no_builtin_rules = 1;
    opts.max_depth = 8;
    opts.max_bytes = 4096;
    ck_assert_int_eq(ol_ruleset_new(&rs, &opts, &err), OL_OK);
    ck_assert_msg(ol_ruleset_add_buffer(rs, "events", events, strlen(events), &err) ==
                      OL_OK,
                  "%s:%d:%d: %s", err.source, err.line, err.column, err.text);
    ck_assert_msg(ol_ruleset_add_buffer(rs, "rules", rules, strlen(rules), &err) == OL_OK,
                  "%s:%d:%d: %s", err.source, err.line, err.column, err.text);
}

static void teardown(void)
{
    ol_ruleset_free(rs);
    rs = NULL;
}

static ol_report *check_kind(const char *text, ol_kind kind)
{
    ol_report *r = NULL;
    ol_error_t err = OL_ERROR_INIT;

    ck_assert_int_eq(ol_check_buffer(&r, rs, kind, text, strlen(text), NULL, &err),
                     OL_OK);
    ck_assert_ptr_nonnull(r);
    return r;
}

static ol_report *check(const char *text)
{
    return check_kind(text, OL_KIND_CREATE_SESSION);
}

/* "rule pointer line:col" of finding i. */
static const char *where(const ol_report *r, size_t i)
{
    static char buf[256];
    const ol_finding *f = ol_report_get(r, i);

    ck_assert_ptr_nonnull(f);
    snprintf(buf, sizeof(buf), "%s %s %d:%d", f->rule, f->pointer, f->line, f->column);
    return buf;
}

START_TEST(test_valid_document_has_no_findings)
{
    ol_report *r =
        check("{\"amount\": 6, \"lines\": [{\"qty\": 2, \"price\": 3, \"total\": 6}]}");

    ck_assert_uint_eq(ol_report_count(r), 0);
    ck_assert(ol_report_valid(r));
    ol_report_free(r);
}
END_TEST

START_TEST(test_line_arithmetic_and_sum)
{
    ol_report *r =
        check("{\"amount\": 7,\n \"lines\": [{\"qty\": 2, \"price\": 3, \"total\": 7}]}");
    const ol_finding *f;

    ck_assert_uint_eq(ol_report_count(r), 1);
    f = ol_report_get(r, 0);
    ck_assert_str_eq(where(r, 0), "t.line-total /lines/0/total 2:44");
    ck_assert_str_eq(f->path, "lines[0].total");
    ck_assert_str_eq(f->klarna_message, "Bad value: lines[0].total");
    ck_assert_str_eq(f->message, "expected 6, found 7");
    ck_assert_str_eq(f->error_code, "BAD_VALUE");
    ck_assert_int_eq(f->http_status, 400);
    ck_assert_str_eq(ol_report_error_code(r), "BAD_VALUE");
    ol_report_free(r);
}
END_TEST

START_TEST(test_needs_skips_arithmetic_on_bad_input)
{
    /* qty is negative: one finding, not also the line total (which needs
     * qty, and comes after the qty rule in the table) */
    ol_report *r =
        check("{\"amount\": 9, \"lines\": [{\"qty\": -1, \"price\": 3, \"total\": 9}]}");

    ck_assert_uint_eq(ol_report_count(r), 1);
    ck_assert_str_eq(where(r, 0), "t.qty-int /lines/0/qty 1:33");
    ol_report_free(r);
}
END_TEST

START_TEST(test_needs_sees_only_earlier_rules)
{
    /* t.sum needs lines[*].total, but t.line-total's finding there comes
     * from an earlier rule only when that rule ran first: it did, so the
     * sum is skipped although 5 != 7 */
    ol_report *r =
        check("{\"amount\": 5, \"lines\": [{\"qty\": 2, \"price\": 3, \"total\": 7}]}");

    ck_assert_uint_eq(ol_report_count(r), 1);
    ck_assert_str_eq(ol_report_get(r, 0)->rule, "t.line-total");
    ol_report_free(r);
}
END_TEST

START_TEST(test_wrong_types_are_not_arithmetic)
{
    /* a real amount is the type rule's finding; the sum rule waits for it */
    ol_report *r =
        check("{\"amount\": 6.0, \"lines\": [{\"qty\": 2, \"price\": 3, \"total\": 6}]}");

    ck_assert_uint_eq(ol_report_count(r), 1);
    ck_assert_str_eq(ol_report_get(r, 0)->rule, "t.amount-int");
    ck_assert_str_eq(ol_report_get(r, 0)->message, "found 6.0");
    ol_report_free(r);
}
END_TEST

START_TEST(test_undefined_means_the_rule_does_not_apply)
{
    /* price is a string: qty * price cannot be computed, and no rule says
     * price must be an integer here, so nothing is reported */
    ol_report *r = check(
        "{\"amount\": 6, \"lines\": [{\"qty\": 2, \"price\": \"3\", \"total\": 6}]}");

    ck_assert_uint_eq(ol_report_count(r), 0);
    ol_report_free(r);
}
END_TEST

START_TEST(test_overflow_is_a_finding)
{
    ol_report *r = check("{\"amount\": 1, \"lines\": [{\"qty\": 9223372036854775807, "
                         "\"price\": 2, \"total\": 1}]}");
    const ol_finding *f;

    ck_assert_uint_ge(ol_report_count(r), 1);
    f = ol_report_get(r, 0);
    ck_assert_str_eq(f->rule, "t.line-total");
    ck_assert_msg(strstr(f->message, "overflow") != NULL, "message: %s", f->message);
    ol_report_free(r);
}
END_TEST

START_TEST(test_required_field_is_placed_at_its_parent)
{
    ol_report *r = check("  {\"lines\": []}");

    ck_assert_uint_eq(ol_report_count(r), 1);
    ck_assert_str_eq(where(r, 0), "t.required /amount 1:3");
    ck_assert_str_eq(ol_report_get(r, 0)->klarna_message, "Bad value: amount");
    ol_report_free(r);
}
END_TEST

START_TEST(test_kinds_select_rules)
{
    /* t.required is for create-session only */
    ol_report *r = check_kind("{\"lines\": []}", OL_KIND_UPDATE_SESSION);

    ck_assert_uint_eq(ol_report_count(r), 0);
    ol_report_free(r);
}
END_TEST

START_TEST(test_disable_by_id)
{
    ol_report *r;
    ol_error_t err = OL_ERROR_INIT;

    ck_assert_int_eq(ol_ruleset_disable(rs, "t.required", &err), OL_OK);
    r = check("{}");
    ck_assert_uint_eq(ol_report_count(r), 0);
    ol_report_free(r);
    ck_assert_int_eq(ol_ruleset_disable(rs, "no.such-rule", &err), OL_ENOTFOUND);
    ck_assert_int_eq(err.code, OL_ENOTFOUND);
}
END_TEST

START_TEST(test_warning_keeps_document_valid)
{
    ol_report *r =
        check("{\"amount\": 0, \"lines\": [{\"qty\": 0, \"price\": 1, \"total\": 0, "
              "\"name\": \"long\"}]}");
    const ol_finding *f;

    ck_assert_uint_eq(ol_report_count(r), 1);
    f = ol_report_get(r, 0);
    ck_assert_int_eq(f->severity, OL_SEVERITY_WARNING);
    ck_assert_str_eq(f->klarna_message,
                     "Bad value: lines[0].name (size must be between 0 and 3)");
    ck_assert_str_eq(f->hint, "shorten it");
    ck_assert(ol_report_valid(r));
    ck_assert_ptr_null(ol_report_error_code(r));
    ol_report_free(r);
}
END_TEST

START_TEST(test_not_found_wins)
{
    ol_report *r = check("{\"id\": 1}");

    ck_assert_str_eq(ol_report_error_code(r), "NOT_FOUND");
    ck_assert_int_eq(ol_report_http_status(r), 404);
    ck_assert_uint_eq(ol_report_message_count(r), 1);
    ck_assert_str_eq(ol_report_message(r, 0), "Invalid session id");
    ol_report_free(r);
}
END_TEST

START_TEST(test_rule_info_describes_each_rule)
{
    const ol_rule_info *info;
    size_t i, n = ol_ruleset_rule_count(rs);

    ck_assert_uint_eq(n, 15); /* 8 events and 7 rules */
    for (i = 0; i < n; i++)
        ck_assert_ptr_nonnull(ol_ruleset_rule(rs, i));
    ck_assert_ptr_null(ol_ruleset_rule(rs, n));
    info = ol_ruleset_rule(rs, 13);
    ck_assert_str_eq(info->id, "t.name-warning");
    ck_assert_ptr_eq(ol_ruleset_find_rule(rs, "t.name-warning"), info);
    ck_assert_int_eq(info->severity, OL_SEVERITY_WARNING);
    ck_assert(info->enabled);
    ck_assert_uint_eq(info->kinds, (1u << OL_KIND_COUNT_) - 1);
    ck_assert_str_eq(info->error_code, "BAD_VALUE");
    ck_assert_int_eq(info->http_status, 400);
    ck_assert_str_eq(info->klarna_message,
                     "Bad value: {path} (size must be between 0 and 3)");
    ck_assert_str_eq(info->message, "{len(@)} characters");
    ck_assert_str_eq(info->hint, "shorten it");
    ck_assert_str_eq(info->explanation, "x");
    ck_assert_str_eq(info->file, "rules");
    ck_assert_int_eq(info->line, 14);
    /* defaults: the klarna message and the HTTP status of NOT_FOUND */
    info = ol_ruleset_find_rule(rs, "t.required");
    ck_assert_uint_eq(info->kinds, 1u << OL_KIND_CREATE_SESSION);
    ck_assert_str_eq(info->klarna_message, "Bad value: {path}");
    ck_assert_str_eq(info->hint, "");
    ck_assert_int_eq(ol_ruleset_find_rule(rs, "t.missing-id")->http_status, 404);
    ck_assert_ptr_null(ol_ruleset_find_rule(rs, "no.such-rule"));
    ck_assert_ptr_null(ol_ruleset_find_rule(NULL, "t.required"));
    ck_assert_uint_eq(ol_ruleset_rule_count(NULL), 0);
    ck_assert_int_eq(ol_ruleset_disable(rs, "t.required", NULL), OL_OK);
    ck_assert(!info->enabled);
}
END_TEST

/* The events that say a body could not be read are locked: no
 * configuration lets an unread document pass. */
START_TEST(test_locked_rules_stay_on)
{
    ol_error_t err = OL_ERROR_INIT;
    const ol_rule_info *syntax = ol_ruleset_find_rule(rs, "doc.syntax");
    ol_report *r;

    ck_assert(syntax->locked);
    ck_assert(!ol_ruleset_find_rule(rs, "doc.bom")->locked);
    ck_assert(!ol_ruleset_find_rule(rs, "t.required")->locked);
    ck_assert_int_eq(ol_ruleset_disable(rs, "doc.syntax", &err), OL_EINVAL);
    ck_assert_str_eq(
        err.text,
        "doc.syntax says a body could not be checked: it cannot be switched off");
    ck_assert_int_eq(
        ol_ruleset_set_severity(rs, "doc.not-object", OL_SEVERITY_WARNING, NULL),
        OL_EINVAL);
    ck_assert_int_eq(
        ol_ruleset_set_severity(rs, "doc.not-object", OL_SEVERITY_ERROR, NULL), OL_OK);
    ck_assert_int_eq(ol_ruleset_disable(rs, "doc.bom", NULL), OL_OK);
    ck_assert(syntax->enabled);
    r = check("garbage");
    ck_assert(!ol_report_valid(r));
    ck_assert_str_eq(ol_report_get(r, 0)->rule, "doc.syntax");
    ol_report_free(r);
}
END_TEST

START_TEST(test_set_severity_changes_the_verdict)
{
    ol_error_t err = OL_ERROR_INIT;
    ol_report *r;

    ck_assert_int_eq(ol_ruleset_set_severity(rs, "t.required", OL_SEVERITY_WARNING, &err),
                     OL_OK);
    ck_assert_int_eq(ol_ruleset_find_rule(rs, "t.required")->severity,
                     OL_SEVERITY_WARNING);
    r = check("{}");
    ck_assert_uint_eq(ol_report_count(r), 1);
    ck_assert_int_eq(ol_report_get(r, 0)->severity, OL_SEVERITY_WARNING);
    ck_assert(ol_report_valid(r));
    ol_report_free(r);
    ck_assert_int_eq(
        ol_ruleset_set_severity(rs, "t.name-warning", OL_SEVERITY_ERROR, &err), OL_OK);
    r = check("{\"amount\": 0, \"lines\": [{\"qty\": 0, \"price\": 1, \"total\": 0, "
              "\"name\": \"long\"}]}");
    ck_assert(!ol_report_valid(r));
    ck_assert_str_eq(ol_report_message(r, 0),
                     "Bad value: lines[0].name (size must be between 0 and 3)");
    ol_report_free(r);
    ck_assert_int_eq(ol_ruleset_set_severity(rs, "no.such-rule", OL_SEVERITY_ERROR, &err),
                     OL_ENOTFOUND);
    ck_assert_int_eq(ol_ruleset_set_severity(rs, "t.required", (ol_severity)7, NULL),
                     OL_EINVAL);
    ck_assert_int_eq(ol_ruleset_set_severity(NULL, "t.required", OL_SEVERITY_ERROR, NULL),
                     OL_EINVAL);
}
END_TEST

/* ---- the text ------------------------------------------------------------ */

/* A syntax error is placed where the token that could not be taken starts
 * (jansson's own position is just past it); an empty text at its end. */

static const struct {
    const char *text;
    const char *rule;
    int line, column;
    const char *klarna_prefix;
} event_cases[] = {
    {"{\"amount\": }", "doc.syntax", 1, 12, "Malformed JSON: "},
    {"{\n  \"amount\": 1,\n  \"x\": tru\n}", "doc.syntax", 3, 8, "Malformed JSON: "},
    {"", "doc.empty", 1, 1, "Malformed JSON: "},
    {" \n\t ", "doc.empty", 2, 3, "Malformed JSON: "},
    {"[1, 2]", "doc.not-object", 1, 1, "Malformed JSON: "},
    {"  \"order\"", "doc.not-object", 1, 3, "Malformed JSON: "},
    {"{\"a\":[[[[[[[[[1]]]]]]]]]}", "doc.too-deep", 1, 13, "Malformed JSON: "},
    {"{\"amount\": 1}garbage", "doc.syntax", 1, 14, "Malformed JSON: "},
    {"{\"amount\": 1e400}", "doc.number-range", 1, 12, "Malformed JSON: "},
    {"{\"amount\": 99999999999999999999}", "doc.number-range", 1, 12, "Malformed JSON: "},
    {"{\"a\": \"\xff\"}", "doc.syntax", 1, 7, "Malformed JSON: "},
};

/* The depth of a text is the depth of its tree (max_depth 8 here), also
 * where a repeated key replaced a value deeper than that: the loader's
 * count of the depth (olp_doc.container_depth) does not hold then. */
START_TEST(test_depth_is_the_tree_s)
{
    static const char *const texts[] = {
        "{\"a\":[[[[[[[]]]]]]]}",           /* 8 levels */
        "{\"a\":[[[[[[[[]]]]]]]]}",         /* 9 */
        "{\"a\":[[[[[[[[]]]]]]]],\"a\":1}", /* 9, replaced: 1 */
        "{\"a\":1,\"a\":[[[[[[[[]]]]]]]]}", /* 1, replaced: 9 */
    };
    static const int too_deep[] = {0, 1, 0, 1};
    size_t i, j;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        ol_report *r = check(texts[i]);
        int found = 0;
        for (j = 0; j < ol_report_count(r); j++)
            found |= strcmp(ol_report_get(r, j)->rule, "doc.too-deep") == 0;
        ck_assert_msg(found == too_deep[i], "%s: doc.too-deep %d, want %d", texts[i],
                      found, too_deep[i]);
        ol_report_free(r);
    }
}
END_TEST

START_TEST(test_document_events)
{
    ol_report *r = check(event_cases[_i].text);
    const ol_finding *f;

    ck_assert_uint_eq(ol_report_count(r), 1);
    f = ol_report_get(r, 0);
    ck_assert_str_eq(f->rule, event_cases[_i].rule);
    ck_assert_msg(f->line == event_cases[_i].line && f->column == event_cases[_i].column,
                  "case %d: at %d:%d, expected %d:%d (%s)", _i, f->line, f->column,
                  event_cases[_i].line, event_cases[_i].column, f->message);
    ck_assert_str_eq(f->error_code, "BAD_REQUEST");
    ck_assert(strncmp(f->klarna_message, event_cases[_i].klarna_prefix,
                      strlen(event_cases[_i].klarna_prefix)) == 0);
    ck_assert_str_eq(ol_report_error_code(r), "BAD_REQUEST");
    ol_report_free(r);
}
END_TEST

/* jansson quotes the token it could not take, cut where it stopped, which
 * may be inside a character: the messages stay valid UTF-8, so the Klarna
 * body is JSON. */
START_TEST(test_messages_are_valid_utf8)
{
    static const char *const texts[] = {"\"\\\xc3\xa9\"", "{\"a\": \"\xe2\x82\"}",
                                        "{\"\xf0\x9f\x98\x80\": tr\xc3\xa9}"};
    size_t i;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        ol_report *r = check(texts[i]);
        char *body = NULL;
        json_t *parsed;
        ck_assert_int_eq(ol_report_klarna_json(r, &body), OL_OK);
        parsed = json_loads(body, 0, NULL);
        ck_assert_msg(parsed != NULL, "text %zu: %s", i, body);
        json_decref(parsed);
        ol_free(body);
        ol_report_free(r);
    }
}
END_TEST

START_TEST(test_syntax_detail_names_the_place)
{
    ol_report *r = check("{\n  \"amount\": 1,\n  \"x\": tru\n}");

    ck_assert_msg(strstr(ol_report_get(r, 0)->klarna_message, "at line 3 column 8") !=
                      NULL,
                  "%s", ol_report_get(r, 0)->klarna_message);
    ol_report_free(r);
}
END_TEST

START_TEST(test_too_large)
{
    static char big[5000];
    ol_report *r;

    memset(big, ' ', sizeof(big) - 1);
    big[0] = '{';
    big[sizeof(big) - 2] = '}';
    r = check(big);
    ck_assert_uint_eq(ol_report_count(r), 1);
    ck_assert_str_eq(ol_report_get(r, 0)->rule, "doc.too-large");
    ol_report_free(r);
}
END_TEST

START_TEST(test_bom_is_a_warning_and_the_body_is_checked)
{
    ol_report *r = check("\xEF\xBB\xBF{\"lines\": []}");

    ck_assert_uint_eq(ol_report_count(r), 2);
    ck_assert_str_eq(where(r, 0), "doc.bom  1:1");
    /* the BOM is one character: the object starts in column 2 */
    ck_assert_str_eq(where(r, 1), "t.required /amount 1:2");
    ck_assert(!ol_report_valid(r));
    ol_report_free(r);
}
END_TEST

START_TEST(test_duplicate_keys_are_warnings_at_the_later_key)
{
    ol_report *r = check("{\"amount\": 1,\n \"lines\": [],\n \"amount\": 2}");

    ck_assert_uint_eq(ol_report_count(r), 2);
    /* jansson keeps the last value, so the sum rule sees amount 2 */
    ck_assert_str_eq(where(r, 0), "doc.duplicate-key /amount 3:2");
    ck_assert_str_eq(where(r, 1), "t.sum /amount 3:12");
    ck_assert_str_eq(ol_report_get(r, 0)->path, "amount");
    ol_report_free(r);
}
END_TEST

START_TEST(test_nul_in_buffer_is_not_the_end)
{
    /* len covers the NUL and what follows: not JSON */
    ol_report *r = NULL;
    const char text[] = "{\"amount\": 1}\0{";
    ol_error_t err = OL_ERROR_INIT;

    ck_assert_int_eq(ol_check_buffer(&r, rs, OL_KIND_CREATE_SESSION, text,
                                     sizeof(text) - 1, NULL, &err),
                     OL_OK);
    ck_assert_str_eq(ol_report_get(r, 0)->rule, "doc.syntax");
    ol_report_free(r);
}
END_TEST

/* ---- json_t input -------------------------------------------------------- */

START_TEST(test_check_json_matches_check_buffer)
{
    const char *text =
        "{\"amount\": 7, \"lines\": [{\"qty\": 2, \"price\": 3, \"total\": 6, "
        "\"name\": \"abcd\"}]}";
    json_t *tree = json_loads(text, 0, NULL);
    ol_report *a = check(text), *b = NULL;
    size_t i;

    ck_assert_int_eq(ol_check_json(&b, rs, OL_KIND_CREATE_SESSION, tree, NULL, NULL),
                     OL_OK);
    ck_assert_uint_eq(ol_report_count(a), ol_report_count(b));
    ck_assert_uint_eq(ol_report_count(a), 2);
    for (i = 0; i < ol_report_count(a); i++) {
        ck_assert_str_eq(ol_report_get(a, i)->rule, ol_report_get(b, i)->rule);
        ck_assert_str_eq(ol_report_get(a, i)->pointer, ol_report_get(b, i)->pointer);
        ck_assert_str_eq(ol_report_get(a, i)->message, ol_report_get(b, i)->message);
        ck_assert_int_eq(ol_report_get(b, i)->line, 0);
    }
    ck_assert_int_eq(json_object_get(tree, "amount")->refcount, 1); /* not kept */
    ol_report_free(a);
    ol_report_free(b);
    json_decref(tree);
}
END_TEST

START_TEST(test_check_json_not_object)
{
    json_t *arr = json_array();
    ol_report *r = NULL;

    ck_assert_int_eq(ol_check_json(&r, rs, OL_KIND_CREATE_SESSION, arr, NULL, NULL),
                     OL_OK);
    ck_assert_str_eq(ol_report_get(r, 0)->rule, "doc.not-object");
    ck_assert_int_eq(ol_report_get(r, 0)->line, 0);
    ol_report_free(r);
    json_decref(arr);
}
END_TEST

START_TEST(test_bad_arguments)
{
    ol_report *r = (ol_report *)&r;
    ol_error_t err = OL_ERROR_INIT;
    ol_context ctx = OL_CONTEXT_INIT;

    ck_assert_int_eq(
        ol_check_buffer(&r, NULL, OL_KIND_CREATE_SESSION, "{}", 2, NULL, &err),
        OL_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(err.code, OL_EINVAL);
    ck_assert_int_eq(ol_check_buffer(&r, rs, OL_KIND_COUNT_, "{}", 2, NULL, NULL),
                     OL_EINVAL);
    ck_assert_int_eq(ol_check_buffer(&r, rs, OL_KIND_CREATE_SESSION, NULL, 2, NULL, NULL),
                     OL_EINVAL);
    ck_assert_int_eq(ol_check_json(&r, rs, OL_KIND_CREATE_SESSION, NULL, NULL, NULL),
                     OL_EINVAL);
    ctx.version = 99;
    ck_assert_int_eq(ol_check_buffer(&r, rs, OL_KIND_CREATE_SESSION, "{}", 2, &ctx, NULL),
                     OL_EINVAL);
    ck_assert_int_eq(
        ol_check_buffer(NULL, rs, OL_KIND_CREATE_SESSION, "{}", 2, NULL, NULL),
        OL_EINVAL);
}
END_TEST

/* ---- rulesets -------------------------------------------------------------- */

START_TEST(test_builtin_table_loads)
{
    ol_ruleset *builtin = NULL;
    ol_error_t err = OL_ERROR_INIT;
    ol_report *r = NULL;

    ck_assert_msg(ol_ruleset_new(&builtin, NULL, &err) == OL_OK, "%s:%d:%d: %s",
                  err.source, err.line, err.column, err.text);
    ck_assert_int_eq(
        ol_check_buffer(&r, builtin, OL_KIND_CREATE_SESSION, "{}", 2, NULL, &err), OL_OK);
    ck_assert(!ol_report_valid(r)); /* the required fields are missing */
    ol_report_free(r);
    ol_ruleset_free(builtin);
}
END_TEST

START_TEST(test_rule_file_errors_leave_the_ruleset_unchanged)
{
    ol_error_t err = OL_ERROR_INIT;
    const char *bad = "rule x.ok kinds all assert true severity error code BAD_VALUE\n"
                      "  message \"m\" explain \"e\"\n"
                      "rule x.bad kinds all assert 1 + severity error code BAD_VALUE\n";
    ol_report *r;

    ck_assert_int_eq(ol_ruleset_add_buffer(rs, "bad.rules", bad, strlen(bad), &err),
                     OL_ERULES);
    ck_assert_str_eq(err.source, "bad.rules");
    ck_assert_int_eq(err.line, 3);
    ck_assert_int_gt(err.column, 0);
    /* x.ok was not added */
    ck_assert_int_eq(ol_ruleset_disable(rs, "x.ok", NULL), OL_ENOTFOUND);
    r = check("{\"amount\": 0, \"lines\": []}");
    ck_assert_uint_eq(ol_report_count(r), 0);
    ol_report_free(r);
}
END_TEST

START_TEST(test_rule_file_unreadable)
{
    ol_error_t err = OL_ERROR_INIT;

    ck_assert_int_eq(ol_ruleset_add_file(rs, "/nonexistent/x.rules", &err), OL_EIO);
    ck_assert_str_eq(err.source, "/nonexistent/x.rules");
    ck_assert_int_eq(err.code, OL_EIO);
}
END_TEST

START_TEST(test_first_error_wins)
{
    ol_error_t err = OL_ERROR_INIT;

    ck_assert_int_eq(ol_ruleset_add_file(rs, "/nonexistent/1", &err), OL_EIO);
    ck_assert_int_eq(ol_ruleset_add_file(rs, "/nonexistent/2", &err), OL_EIO);
    ck_assert_str_eq(err.source, "/nonexistent/1");
}
END_TEST

START_TEST(test_kind_names)
{
    ol_kind k;
    int i;

    for (i = 0; i < OL_KIND_COUNT_; i++) {
        ck_assert_int_eq(ol_kind_parse(&k, ol_kind_name((ol_kind)i)), OL_OK);
        ck_assert_int_eq(k, i);
    }
    ck_assert_int_eq(ol_kind_parse(&k, "create_session"), OL_EINVAL);
    ck_assert_ptr_null(ol_kind_name(OL_KIND_COUNT_));
    ck_assert_str_eq(ol_kind_name(OL_KIND_CREATE_ORDER), "create-order");
    ck_assert_str_eq(ol_version(), OL_VERSION_STRING);
    ck_assert_str_eq(ol_strerror(OL_ENOMEM), "out of memory");
}
END_TEST

/* ---- the session's life ---------------------------------------------------- */

static const char life_rules[] =
    "merge fields billing_address\n"
    "rule t.partial kinds update-session authorize at $ assert false severity warning\n"
    "  code BAD_VALUE message \"partial\" explain \"x\"\n"
    "rule t.full kinds create-session at $ assert has(purchase_country) report "
    "purchase_country\n"
    "  severity error code BAD_VALUE message \"full\" explain \"x\"\n"
    "rule t.currency kinds create-session at $ when has(billing_address.country)\n"
    "  assert billing_address.country == \"SE\" || purchase_currency != \"SEK\"\n"
    "  report purchase_currency severity error code BAD_VALUE message \"currency\" "
    "explain \"x\"\n"
    "rule t.authorize kinds authorize at $ assert has(billing_address.region)\n"
    "  report billing_address.region severity error code BAD_VALUE message \"region\"\n"
    "  explain \"x\"\n"
    "rule t.age kinds update-session at $ when has(@.x)\n"
    "  assert context(\"now\") - context(\"created_at\") <= 172800\n"
    "  severity error code NOT_FOUND klarna \"Invalid session id\"\n"
    "  message \"{context(\\\"now\\\") - context(\\\"created_at\\\")} s old, {kind()}\" "
    "explain \"x\"\n"
    "rule t.sid kinds update-session at $ when is_string(context(\"session_id\"))\n"
    "  assert context(\"session_id\") == \"ok\" severity error code NOT_FOUND\n"
    "  klarna \"Invalid session id\" message \"sid\" explain \"x\"\n"
    "rule t.capture kinds capture at $ assert amount <= $order.order_amount\n"
    "  severity error code CAPTURE_NOT_ALLOWED http 403 klarna \"Capture not allowed\"\n"
    "  message \"over\" explain \"x\"\n"
    "rule t.capture-int kinds capture at amount assert is_int(@) severity error\n"
    "  code BAD_VALUE message \"int\" explain \"x\"\n"
    "rule t.match builtin authorized-mismatch kinds create-order\n"
    "  compare billing_address order_lines order_amount\n"
    "  count-message \"Incorrect number of items in the cart. Expected: {expected}, "
    "Actual: {found}\"\n"
    "  severity error code BAD_VALUE http 409 klarna \"Not matching fields: "
    "[{fields}]\"\n"
    "  message \"{path} is {found}, authorized {expected}\" explain \"x\"\n";

static ol_ruleset *life;

static void life_setup(void)
{
    ol_options opts = OL_OPTIONS_INIT;
    ol_error_t err = OL_ERROR_INIT;

    opts.no_builtin_rules = 1;
    ck_assert_int_eq(ol_ruleset_new(&life, &opts, &err), OL_OK);
    ck_assert_msg(ol_ruleset_add_buffer(life, "life", life_rules, strlen(life_rules),
                                        &err) == OL_OK,
                  "%s:%d:%d: %s", err.source, err.line, err.column, err.text);
}

static void life_teardown(void)
{
    ol_ruleset_free(life);
    life = NULL;
}

static ol_report *check_ctx(const char *text, ol_kind kind, const ol_context *ctx)
{
    ol_report *r = NULL;
    ol_error_t err = OL_ERROR_INIT;

    ck_assert_msg(ol_check_buffer(&r, life, kind, text, strlen(text), ctx, &err) == OL_OK,
                  "%s", err.text);
    return r;
}

START_TEST(test_merge_replaces_and_merges_members)
{
    json_t *session =
        json_loads("{\"purchase_country\": \"SE\", \"order_lines\": [1, 2], "
                   "\"billing_address\": {\"country\": \"SE\", \"city\": \"A\"}, "
                   "\"shipping_address\": {\"country\": \"SE\", \"city\": \"A\"}}",
                   0, NULL);
    json_t *update =
        json_loads("{\"order_lines\": [3], \"billing_address\": {\"country\": "
                   "\"NO\"}, \"shipping_address\": {\"country\": \"NO\"}}",
                   0, NULL);
    json_t *before_s = json_deep_copy(session), *before_u = json_deep_copy(update);
    json_t *merged = NULL, *want, *not_object;

    ck_assert_int_eq(ol_session_merge(&merged, life, session, update, NULL), OL_OK);
    /* billing_address merges member by member (merge fields); shipping_address,
     * not named, is replaced whole, like order_lines */
    want = json_loads("{\"purchase_country\": \"SE\", \"order_lines\": [3], "
                      "\"billing_address\": {\"country\": \"NO\", \"city\": \"A\"}, "
                      "\"shipping_address\": {\"country\": \"NO\"}}",
                      0, NULL);
    ck_assert(json_equal(merged, want));
    ck_assert(json_equal(session, before_s));
    ck_assert(json_equal(update, before_u));
    /* a new tree: changing it changes neither input */
    json_object_set_new(json_object_get(merged, "billing_address"), "city",
                        json_string("B"));
    ck_assert(json_equal(session, before_s));
    json_decref(merged);
    /* an update that is not an object: refused, and *out is cleared */
    not_object = json_array();
    ck_assert_int_eq(ol_session_merge(&merged, life, session, not_object, NULL),
                     OL_EINVAL);
    ck_assert_ptr_null(merged);
    json_decref(not_object);
    json_decref(want);
    json_decref(session);
    json_decref(update);
    json_decref(before_s);
    json_decref(before_u);
}
END_TEST

START_TEST(test_update_alone_runs_the_partial_rules)
{
    ol_report *r = check_ctx("{\"billing_address\": {\"country\": \"NO\"}}",
                             OL_KIND_UPDATE_SESSION, NULL);

    ck_assert_uint_eq(ol_report_count(r), 1);
    ck_assert_str_eq(ol_report_get(r, 0)->rule, "t.partial");
    ol_report_free(r);
}
END_TEST

START_TEST(test_update_with_session_checks_the_merged_session)
{
    /* Klarna's example: the billing country moves from SE to NO, SEK stays */
    json_t *session = json_loads("{\"purchase_country\": \"SE\", \"purchase_currency\": "
                                 "\"SEK\", \"billing_address\": {\"country\": \"SE\"}}",
                                 0, NULL);
    ol_context ctx = OL_CONTEXT_INIT;
    ol_report *r;

    ctx.session = session;
    r = check_ctx("{\n  \"billing_address\": {\"country\": \"NO\"}\n}",
                  OL_KIND_UPDATE_SESSION, &ctx);
    ck_assert_uint_eq(ol_report_count(r), 1);
    /* the create-session rule ran, the partial one did not; purchase_currency
     * is not in the update's text: placed at its root */
    ck_assert_str_eq(where(r, 0), "t.currency /purchase_currency 1:1");
    ck_assert_str_eq(ol_report_message(r, 0), "Bad value: purchase_currency");
    ol_report_free(r);
    /* authorize: the create-session rules and authorize's own, not the partial */
    r = check_ctx("{\"billing_address\": {\"country\": \"SE\"}}", OL_KIND_AUTHORIZE,
                  &ctx);
    ck_assert_uint_eq(ol_report_count(r), 1);
    ck_assert_str_eq(where(r, 0), "t.authorize /billing_address/region 1:21");
    ol_report_free(r);
    json_decref(session);
}
END_TEST

START_TEST(test_context_values_and_kind)
{
    ol_context ctx = OL_CONTEXT_INIT;
    ol_report *r;

    /* without times, nothing to compute: the rule does not apply */
    r = check_ctx("{\"x\": 1}", OL_KIND_UPDATE_SESSION, NULL);
    ck_assert_uint_eq(ol_report_count(r), 1); /* t.partial only */
    ol_report_free(r);
    ctx.created_at = 1000;
    ctx.now = 1000 + 172800;
    r = check_ctx("{\"x\": 1}", OL_KIND_UPDATE_SESSION, &ctx);
    ck_assert_uint_eq(ol_report_count(r), 1); /* exactly 48 hours: alive */
    ol_report_free(r);
    ctx.now++;
    r = check_ctx("{\"x\": 1}", OL_KIND_UPDATE_SESSION, &ctx);
    ck_assert_uint_eq(ol_report_count(r), 2);
    ck_assert_str_eq(ol_report_error_code(r), "NOT_FOUND");
    ck_assert_int_eq(ol_report_http_status(r), 404);
    ck_assert_str_eq(ol_report_get(r, 1)->message, "172801 s old, update-session");
    ol_report_free(r);
}
END_TEST

/* A body that cannot be read still meets the rules about the request (those
 * that read nothing of it), not the others. */
START_TEST(test_request_rules_run_on_an_unreadable_body)
{
    ol_context ctx = OL_CONTEXT_INIT;
    const char *bodies[] = {"[1]", "", "{\"x\": ", "\"text\""};
    json_t *array = json_array();
    ol_report *r;
    size_t i;

    ctx.session_id = "bad";
    ctx.created_at = 0;
    ctx.now = 10 * 172800; /* t.age would speak, but it reads the body */
    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        r = check_ctx(bodies[i], OL_KIND_UPDATE_SESSION, &ctx);
        ck_assert_uint_eq(ol_report_count(r), 2);
        ck_assert_str_eq(where(r, 0), "t.partial  1:1");
        ck_assert_str_eq(where(r, 1), "t.sid  1:1");
        ck_assert_str_eq(ol_report_error_code(r), "NOT_FOUND");
        ol_report_free(r);
    }
    /* the same through ol_check_json */
    ck_assert_int_eq(ol_check_json(&r, life, OL_KIND_UPDATE_SESSION, array, &ctx, NULL),
                     OL_OK);
    ck_assert_uint_eq(ol_report_count(r), 2);
    ck_assert_str_eq(ol_report_get(r, 1)->rule, "t.sid");
    ol_report_free(r);
    json_decref(array);
    /* a readable body: the request rules and the others */
    r = check_ctx("{\"x\": 1}", OL_KIND_UPDATE_SESSION, &ctx);
    ck_assert_uint_eq(ol_report_count(r), 3);
    ol_report_free(r);
}
END_TEST

START_TEST(test_order_document_and_403_before_409)
{
    json_t *order = json_loads("{\"order_amount\": 100}", 0, NULL);
    ol_context ctx = OL_CONTEXT_INIT;
    ol_report *r;

    ctx.order = order;
    r = check_ctx("{\"amount\": 100}", OL_KIND_CAPTURE, &ctx);
    ck_assert(ol_report_valid(r));
    ol_report_free(r);
    r = check_ctx("{\"amount\": 101}", OL_KIND_CAPTURE, &ctx);
    ck_assert_str_eq(ol_report_error_code(r), "CAPTURE_NOT_ALLOWED");
    ck_assert_int_eq(ol_report_http_status(r), 403);
    ck_assert_str_eq(ol_report_message(r, 0), "Capture not allowed");
    ol_report_free(r);
    /* no $order: the comparison cannot be made */
    r = check_ctx("{\"amount\": 101}", OL_KIND_CAPTURE, NULL);
    ck_assert(ol_report_valid(r));
    ol_report_free(r);
    json_decref(order);
}
END_TEST

START_TEST(test_mismatch_with_the_authorized_snapshot)
{
    json_t *authorized = json_loads(
        "{\"order_amount\": 200, \"billing_address\": {\"postal_code\": \"123 45\", "
        "\"city\": \"A\"}, \"order_lines\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}",
        0, NULL);
    ol_context ctx = OL_CONTEXT_INIT;
    ol_report *r;
    const char *want = "Not matching fields: [billing_address.postal_code, order_amount, "
                       "Incorrect number of items in the cart. Expected: 2, Actual: 3]";

    ctx.authorized = authorized;
    r = check_ctx(
        "{\"billing_address\": {\"postal_code\": \"12345\", \"city\": \"A\"},\n"
        " \"order_amount\": 300,\n"
        " \"order_lines\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}]}",
        OL_KIND_CREATE_ORDER, &ctx);
    ck_assert_uint_eq(ol_report_count(r), 3);
    ck_assert_str_eq(where(r, 0), "t.match /billing_address/postal_code 1:37");
    ck_assert_str_eq(ol_report_get(r, 0)->message,
                     "billing_address.postal_code is \"12345\", authorized \"123 45\"");
    ck_assert_str_eq(where(r, 1), "t.match /order_amount 2:18");
    ck_assert_str_eq(where(r, 2), "t.match /order_lines 3:17");
    ck_assert_str_eq(ol_report_get(r, 2)->message, "order_lines is 3, authorized 2");
    ck_assert_str_eq(ol_report_error_code(r), "BAD_VALUE");
    ck_assert_int_eq(ol_report_http_status(r), 409);
    ck_assert_uint_eq(ol_report_message_count(r), 1);
    ck_assert_str_eq(ol_report_message(r, 0), want);
    ol_report_free(r);
    /* the same data matches; what the snapshot lacks matches anything */
    r = check_ctx("{\"billing_address\": {\"postal_code\": \"123 45\", \"city\": \"A\"},"
                  " \"order_amount\": 200, \"merchant_reference1\": \"x\","
                  " \"order_lines\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}",
                  OL_KIND_CREATE_ORDER, &ctx);
    ck_assert_uint_eq(ol_report_count(r), 0);
    ol_report_free(r);
    json_decref(authorized);
    /* an array inside a compared path is told by its path, not as the cart */
    authorized =
        json_loads("{\"order_lines\": [{\"name\": \"a\", \"tags\": [1, 2]}]}", 0, NULL);
    ctx.authorized = authorized;
    r = check_ctx("{\"order_lines\": [{\"name\": \"a\", \"tags\": [1]}]}",
                  OL_KIND_CREATE_ORDER, &ctx);
    ck_assert_uint_eq(ol_report_count(r), 1);
    ck_assert_str_eq(where(r, 0), "t.match /order_lines/0/tags 1:40");
    ck_assert_str_eq(ol_report_message(r, 0),
                     "Not matching fields: [order_lines[0].tags]");
    ck_assert_str_eq(ol_report_get(r, 0)->message,
                     "order_lines[0].tags is [1], authorized [1,2]");
    ol_report_free(r);
    json_decref(authorized);
}
END_TEST

START_TEST(test_context_documents_must_be_objects)
{
    ol_context ctx = OL_CONTEXT_INIT;
    ol_report *r = NULL;
    json_t *arr = json_array();

    ctx.session = arr;
    ck_assert_int_eq(
        ol_check_buffer(&r, life, OL_KIND_UPDATE_SESSION, "{}", 2, &ctx, NULL),
        OL_EINVAL);
    json_decref(arr);
}
END_TEST

/* A tree a caller built can be of any depth; jansson's copy and equality
 * recurse, so the context is held to the depth a body may have. */
START_TEST(test_deep_context_is_refused)
{
    ol_context ctx = OL_CONTEXT_INIT;
    ol_error_t err = OL_ERROR_INIT;
    ol_report *r = NULL;
    json_t *deep = json_object(), *inner = json_array(), *update = json_object();
    json_t *merged = NULL;
    int i;

    for (i = 0; i < 100000; i++) { /* a list 100000 deep, built without recursion */
        json_t *outer = json_array();
        json_array_append_new(outer, inner);
        inner = outer;
    }
    json_object_set_new(deep, "billing_address", inner);
    ctx.session = deep;
    ck_assert_int_eq(
        ol_check_buffer(&r, life, OL_KIND_UPDATE_SESSION, "{}", 2, &ctx, &err),
        OL_EINVAL);
    ck_assert_str_eq(err.text, "ol_context: the session is nested deeper than 64 levels");
    ck_assert_ptr_null(r);
    ctx.session = NULL;
    ctx.authorized = deep;
    ck_assert_int_eq(ol_check_buffer(&r, life, OL_KIND_CREATE_ORDER, "{}", 2, &ctx, NULL),
                     OL_EINVAL);
    ck_assert_int_eq(ol_session_merge(&merged, life, deep, update, NULL), OL_EINVAL);
    ck_assert_ptr_null(merged);
    json_decref(update);
    /* jansson's json_decref of this tree recurses too: take it apart a level
     * at a time, holding each level while its child is cut off */
    inner = json_incref(inner);
    while (json_array_size(inner) == 1) {
        json_t *next = json_incref(json_array_get(inner, 0));
        json_array_clear(inner);
        json_decref(inner);
        inner = next;
    }
    json_decref(inner);
    json_decref(deep);
}
END_TEST

Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("rules");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_valid_document_has_no_findings);
    tcase_add_test(tc, test_line_arithmetic_and_sum);
    tcase_add_test(tc, test_needs_skips_arithmetic_on_bad_input);
    tcase_add_test(tc, test_needs_sees_only_earlier_rules);
    tcase_add_test(tc, test_wrong_types_are_not_arithmetic);
    tcase_add_test(tc, test_undefined_means_the_rule_does_not_apply);
    tcase_add_test(tc, test_overflow_is_a_finding);
    tcase_add_test(tc, test_required_field_is_placed_at_its_parent);
    tcase_add_test(tc, test_kinds_select_rules);
    tcase_add_test(tc, test_disable_by_id);
    tcase_add_test(tc, test_warning_keeps_document_valid);
    tcase_add_test(tc, test_not_found_wins);
    tcase_add_test(tc, test_rule_info_describes_each_rule);
    tcase_add_test(tc, test_set_severity_changes_the_verdict);
    tcase_add_test(tc, test_locked_rules_stay_on);
    suite_add_tcase(s, tc);
    tc = tcase_create("text");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_depth_is_the_tree_s);
    tcase_add_loop_test(tc, test_document_events, 0,
                        (int)(sizeof(event_cases) / sizeof(event_cases[0])));
    tcase_add_test(tc, test_messages_are_valid_utf8);
    tcase_add_test(tc, test_syntax_detail_names_the_place);
    tcase_add_test(tc, test_too_large);
    tcase_add_test(tc, test_bom_is_a_warning_and_the_body_is_checked);
    tcase_add_test(tc, test_duplicate_keys_are_warnings_at_the_later_key);
    tcase_add_test(tc, test_nul_in_buffer_is_not_the_end);
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_check_json_matches_check_buffer);
    tcase_add_test(tc, test_check_json_not_object);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_builtin_table_loads);
    tcase_add_test(tc, test_rule_file_errors_leave_the_ruleset_unchanged);
    tcase_add_test(tc, test_rule_file_unreadable);
    tcase_add_test(tc, test_first_error_wins);
    tcase_add_test(tc, test_kind_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("session");
    tcase_add_checked_fixture(tc, life_setup, life_teardown);
    tcase_add_test(tc, test_merge_replaces_and_merges_members);
    tcase_add_test(tc, test_update_alone_runs_the_partial_rules);
    tcase_add_test(tc, test_update_with_session_checks_the_merged_session);
    tcase_add_test(tc, test_context_values_and_kind);
    tcase_add_test(tc, test_request_rules_run_on_an_unreadable_body);
    tcase_add_test(tc, test_order_document_and_403_before_409);
    tcase_add_test(tc, test_mismatch_with_the_authorized_snapshot);
    tcase_add_test(tc, test_context_documents_must_be_objects);
    tcase_add_test(tc, test_deep_context_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
