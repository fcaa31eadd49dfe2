/*
 * check_report.c: the report: document order, Klarna's answer, the body.
 */
#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check_ol.h"
#include "ol_private.h"

static olp_rule make_rule(const char *id, ol_severity sev, const char *code, int http)
{
    olp_rule r;

    memset(&r, 0, sizeof(r));
    r.id = (char *)id;
    r.severity = sev;
    r.code = (char *)code;
    r.http = http;
    return r;
}

static void add(ol_report *rep, const olp_rule *rule, const char *pointer,
                const char *klarna)
{
    olp_finding_in f;

    memset(&f, 0, sizeof(f));
    f.rule = rule;
    f.pointer = pointer;
    f.path = pointer;
    f.message = "detail";
    f.klarna = klarna;
    ck_assert_int_eq(olp_report_add(rep, &f), OL_OK);
}

static json_t *tree(void)
{
    json_t *t = json_loads(
        "{\"z\": 1, \"a\": [{\"q\": 1, \"p\": 2}, {\"q\": 3}], \"m\": 2}", 0, NULL);
    ck_assert_ptr_nonnull(t);
    return t;
}

START_TEST(test_document_order_follows_the_tree)
{
    olp_rule e = make_rule("r", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(0);
    json_t *t = tree();

    add(rep, &e, "/m", "Bad value: m");
    add(rep, &e, "/a/1/q", "Bad value: a[1].q");
    add(rep, &e, "/a/0/p", "Bad value: a[0].p");
    add(rep, &e, "/z", "Bad value: z");
    add(rep, &e, "/a/0/q", "Bad value: a[0].q");
    ck_assert_int_eq(olp_report_finish(rep, t, NULL, 0, 0, NULL), OL_OK);
    /* "z" comes first in the text although "a" < "z" */
    ck_assert_str_eq(ol_report_get(rep, 0)->pointer, "/z");
    ck_assert_str_eq(ol_report_get(rep, 1)->pointer, "/a/0/q");
    ck_assert_str_eq(ol_report_get(rep, 2)->pointer, "/a/0/p");
    ck_assert_str_eq(ol_report_get(rep, 3)->pointer, "/a/1/q");
    ck_assert_str_eq(ol_report_get(rep, 4)->pointer, "/m");
    ck_assert_uint_eq(ol_report_message_count(rep), 5);
    ck_assert_str_eq(ol_report_message(rep, 0), "Bad value: z");
    ck_assert_ptr_null(ol_report_message(rep, 5));
    ck_assert_ptr_null(ol_report_get(rep, 5));
    ol_report_free(rep);
    json_decref(t);
}
END_TEST

START_TEST(test_same_place_keeps_rule_order)
{
    olp_rule r1 = make_rule("first", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    olp_rule r2 = make_rule("second", OL_SEVERITY_WARNING, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(0);
    json_t *t = tree();

    add(rep, &r1, "/m", "Bad value: m");
    add(rep, &r2, "/m", "Bad value: m");
    ck_assert_int_eq(olp_report_finish(rep, t, NULL, 0, 0, NULL), OL_OK);
    ck_assert_str_eq(ol_report_get(rep, 0)->rule, "first");
    ck_assert_str_eq(ol_report_get(rep, 1)->rule, "second");
    ck_assert_str_eq(ol_severity_name(ol_report_get(rep, 1)->severity), "warning");
    ol_report_free(rep);
    json_decref(t);
}
END_TEST

START_TEST(test_answer_in_klarnas_order)
{
    olp_rule mismatch = make_rule("mm", OL_SEVERITY_ERROR, "BAD_VALUE", 409);
    olp_rule value = make_rule("v", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    olp_rule request = make_rule("rq", OL_SEVERITY_ERROR, "BAD_REQUEST", 400);
    olp_rule notfound = make_rule("nf", OL_SEVERITY_ERROR, "NOT_FOUND", 404);
    olp_rule *order[4] = {&mismatch, &value, &request, &notfound};
    const char *codes[4] = {"BAD_VALUE", "BAD_VALUE", "BAD_REQUEST", "NOT_FOUND"};
    int https[4] = {409, 400, 400, 404};
    int k, i;

    /* with the first k+1 kinds present, the last added is the answer */
    for (k = 0; k < 4; k++) {
        ol_report *rep = olp_report_new(0);
        for (i = 0; i <= k; i++)
            add(rep, order[i], "", codes[i]);
        ck_assert_int_eq(olp_report_finish(rep, NULL, NULL, 0, 0, NULL), OL_OK);
        ck_assert_str_eq(ol_report_error_code(rep), codes[k]);
        ck_assert_int_eq(ol_report_http_status(rep), https[k]);
        ck_assert_uint_eq(ol_report_message_count(rep), 1);
        ck_assert_str_eq(ol_report_message(rep, 0), codes[k]);
        ck_assert(!ol_report_valid(rep));
        ol_report_free(rep);
    }
}
END_TEST

START_TEST(test_messages_without_repeats_and_warnings)
{
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    olp_rule w = make_rule("w", OL_SEVERITY_WARNING, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(0);
    json_t *t = tree();

    add(rep, &e, "/z", "Bad value: z");
    add(rep, &w, "/a", "Bad value: a");
    add(rep, &e, "/z", "Bad value: z");
    add(rep, &e, "/m", "Bad value: m");
    ck_assert_int_eq(olp_report_finish(rep, t, NULL, 0, 0, NULL), OL_OK);
    ck_assert_uint_eq(ol_report_count(rep), 4);
    ck_assert_uint_eq(ol_report_message_count(rep), 2);
    ck_assert_str_eq(ol_report_message(rep, 0), "Bad value: z");
    ck_assert_str_eq(ol_report_message(rep, 1), "Bad value: m");
    ol_report_free(rep);
    json_decref(t);
}
END_TEST

START_TEST(test_warnings_only_is_valid)
{
    olp_rule w = make_rule("w", OL_SEVERITY_WARNING, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(0);
    char *body = (char *)"untouched";

    add(rep, &w, "", "Bad value: x");
    ck_assert_int_eq(olp_report_finish(rep, NULL, NULL, 0, 0, NULL), OL_OK);
    ck_assert(ol_report_valid(rep));
    ck_assert_ptr_null(ol_report_error_code(rep));
    ck_assert_int_eq(ol_report_http_status(rep), 0);
    ck_assert_uint_eq(ol_report_message_count(rep), 0);
    ck_assert_int_eq(ol_report_klarna_json(rep, &body), OL_EINVAL);
    ck_assert_ptr_null(body);
    ol_report_free(rep);
}
END_TEST

START_TEST(test_klarna_body_exact)
{
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(0);
    char *body;

    add(rep, &e, "", "Bad value: order_lines[0].name (size must be between 1 and 255)");
    add(rep, &e, "", "Bad value: \"q\"\n");
    ck_assert_int_eq(olp_report_finish(rep, NULL, NULL, 0, 0, NULL), OL_OK);
    ck_assert_int_eq(
        ol_report_klarna_json_ex(rep, "00000000-0000-4000-8000-000000000000", &body),
        OL_OK);
    ck_assert_str_eq(
        body, "{\"correlation_id\": \"00000000-0000-4000-8000-000000000000\", "
              "\"error_code\": \"BAD_VALUE\", \"error_messages\": "
              "[\"Bad value: order_lines[0].name (size must be between 1 and 255)\", "
              "\"Bad value: \\\"q\\\"\\n\"]}");
    ol_free(body);
    ol_report_free(rep);
}
END_TEST

static int is_uuid_v4(const char *s)
{
    int i;

    if (strlen(s) != 36)
        return 0;
    for (i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])) {
            return 0;
        }
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

START_TEST(test_klarna_body_random_uuid)
{
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "NOT_FOUND", 404);
    ol_report *rep = olp_report_new(0);
    char *a, *b;
    json_t *ja, *jb;

    add(rep, &e, "", "Invalid session id");
    ck_assert_int_eq(olp_report_finish(rep, NULL, NULL, 0, 0, NULL), OL_OK);
    ck_assert_int_eq(ol_report_klarna_json(rep, &a), OL_OK);
    ck_assert_int_eq(ol_report_klarna_json(rep, &b), OL_OK);
    ja = json_loads(a, 0, NULL);
    jb = json_loads(b, 0, NULL);
    ck_assert_ptr_nonnull(ja);
    ck_assert(is_uuid_v4(json_string_value(json_object_get(ja, "correlation_id"))));
    ck_assert_str_ne(json_string_value(json_object_get(ja, "correlation_id")),
                     json_string_value(json_object_get(jb, "correlation_id")));
    ck_assert_str_eq(json_string_value(json_object_get(ja, "error_code")), "NOT_FOUND");
    json_decref(ja);
    json_decref(jb);
    ol_free(a);
    ol_free(b);
    ol_report_free(rep);
}
END_TEST

START_TEST(test_max_findings_drops_the_rest)
{
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(2);
    int i;

    for (i = 0; i < 5; i++)
        add(rep, &e, "", "Bad value: x");
    ck_assert_uint_eq(ol_report_count(rep), 2);
    ck_assert_uint_eq(ol_report_dropped(rep), 3);
    ol_report_free(rep);
}
END_TEST

/* A full report gives up a warning for an error, and an error for one that
 * Klarna answers with first: its validity and its answer never depend on the
 * limit. Among equals the earlier findings stay. */
START_TEST(test_max_findings_keeps_what_decides)
{
    olp_rule w = make_rule("w", OL_SEVERITY_WARNING, "BAD_VALUE", 400);
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    olp_rule m = make_rule("m", OL_SEVERITY_ERROR, "BAD_VALUE", 409);
    olp_rule nf = make_rule("nf", OL_SEVERITY_ERROR, "NOT_FOUND", 404);
    ol_report *rep = olp_report_new(3);
    json_t *t = json_object();

    add(rep, &w, "/w1", "Bad value: w1");
    add(rep, &w, "/w2", "Bad value: w2");
    add(rep, &w, "/w3", "Bad value: w3");
    add(rep, &w, "/w4", "Bad value: w4");           /* dropped: it matters no more */
    add(rep, &m, "/m", "Not matching fields: [m]"); /* takes w3's place */
    add(rep, &e, "/e1", "Bad value: e1");           /* takes w2's */
    add(rep, &e, "/e2", "Bad value: e2");           /* takes w1's */
    add(rep, &e, "/e3", "Bad value: e3");           /* takes m's: 400 before 409 */
    add(rep, &e, "/e4", "Bad value: e4");           /* dropped */
    add(rep, &nf, "", "Invalid session id");        /* takes e3's */
    ck_assert_int_eq(olp_report_finish(rep, t, NULL, 0, 0, NULL), OL_OK);
    ck_assert_uint_eq(ol_report_count(rep), 3);
    ck_assert_uint_eq(ol_report_dropped(rep), 7);
    ck_assert(!ol_report_valid(rep));
    ck_assert_str_eq(ol_report_error_code(rep), "NOT_FOUND");
    /* (the tree holds none of the pointers: in the order of addition) */
    ck_assert_str_eq(ol_report_get(rep, 0)->pointer, "/e1");
    ck_assert_str_eq(ol_report_get(rep, 1)->pointer, "/e2");
    ck_assert_str_eq(ol_report_get(rep, 2)->rule, "nf");
    ol_report_free(rep);
    json_decref(t);
}
END_TEST

/* `needs` asks whether a place has an error at or under it: a lookup for a
 * plain place, a scan for one with a "*" segment; warnings do not count,
 * and an error a full report gives up no longer does. */
START_TEST(test_error_under_a_place)
{
    olp_rule w = make_rule("w", OL_SEVERITY_WARNING, "BAD_VALUE", 400);
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    olp_rule nf = make_rule("nf", OL_SEVERITY_ERROR, "NOT_FOUND", 404);
    ol_report *rep = olp_report_new(2);

    ck_assert(!olp_report_has_error_under(rep, ""));
    add(rep, &w, "/a/0/b", "Bad value: a[0].b");
    ck_assert(!olp_report_has_error_under(rep, "/a"));
    add(rep, &e, "/a/1/b", "Bad value: a[1].b");
    ck_assert(olp_report_has_error_under(rep, ""));
    ck_assert(olp_report_has_error_under(rep, "/a"));
    ck_assert(olp_report_has_error_under(rep, "/a/1"));
    ck_assert(olp_report_has_error_under(rep, "/a/1/b"));
    ck_assert(!olp_report_has_error_under(rep, "/a/1/b/c"));
    ck_assert(!olp_report_has_error_under(rep, "/a/0"));
    ck_assert(!olp_report_has_error_under(rep, "/a/1/bb"));
    ck_assert(!olp_report_has_error_under(rep, "/a/10"));
    ck_assert(olp_report_has_error_under(rep, "/a/*/b"));
    ck_assert(!olp_report_has_error_under(rep, "/a/*/c"));
    /* full: the NOT_FOUND takes the warning's place, then the BAD_VALUE's */
    add(rep, &nf, "/x", "Invalid session id");
    ck_assert(olp_report_has_error_under(rep, "/a/1"));
    add(rep, &nf, "/y", "Invalid session id");
    ck_assert(!olp_report_has_error_under(rep, "/a/1"));
    ck_assert(!olp_report_has_error_under(rep, "/a"));
    ck_assert(olp_report_has_error_under(rep, "/y"));
    ck_assert(olp_report_has_error_under(rep, ""));
    ol_report_free(rep);
}
END_TEST

START_TEST(test_places_from_text)
{
    const char *text =
        "{\n  \"z\": 1,\n  \"a\": [{\"q\": 1, \"p\": 2}, {\"q\": 3}],\n  \"m\": 2\n}";
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(0);
    olp_doc doc;
    json_t *t;

    ck_assert_int_eq(olp_load(&doc, text, strlen(text), NULL), OL_OK);
    t = doc.root;
    add(rep, &e, "/a/1/q", "a");
    add(rep, &e, "/m", "m");
    add(rep, &e, "/a/0/missing", "missing");
    ck_assert_int_eq(olp_report_finish(rep, t, text, strlen(text), 0, &doc), OL_OK);
    ck_assert_str_eq(ol_report_get(rep, 0)->pointer, "/a/0/missing");
    ck_assert_int_eq(ol_report_get(rep, 0)->line, 3);
    ck_assert_int_eq(ol_report_get(rep, 0)->column, 9); /* the line's object */
    ck_assert_int_eq(ol_report_get(rep, 1)->line, 3);
    ck_assert_int_eq(ol_report_get(rep, 1)->column, 33);
    ck_assert_int_eq(ol_report_get(rep, 2)->line, 4);
    ck_assert_int_eq(ol_report_get(rep, 2)->column, 8);
    ol_report_free(rep);
    olp_doc_free(&doc);
}
END_TEST

START_TEST(test_report_free_null)
{
    ol_report_free(NULL);
    ck_assert_uint_eq(ol_report_count(NULL), 0);
    ck_assert_ptr_null(ol_report_get(NULL, 0));
}
END_TEST

/* Suppressing a rule everywhere: its findings go, the others keep their
 * order, and the answer is chosen again from what is left (here the 404
 * goes, so the 400 answers, with its own messages). */
START_TEST(test_suppress_everywhere_rechooses_the_answer)
{
    olp_rule nf = make_rule("nf", OL_SEVERITY_ERROR, "NOT_FOUND", 404);
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(0);
    json_t *t = tree();

    add(rep, &nf, "", "Invalid session id");
    add(rep, &e, "/z", "Bad value: z");
    add(rep, &nf, "/m", "Invalid session id");
    add(rep, &e, "/m", "Bad value: m");
    ck_assert_int_eq(olp_report_finish(rep, t, NULL, 0, 0, NULL), OL_OK);
    ck_assert_str_eq(ol_report_error_code(rep), "NOT_FOUND");
    ck_assert_uint_eq(ol_report_suppress(rep, "nf", NULL), 2);
    ck_assert_uint_eq(ol_report_count(rep), 2);
    ck_assert_str_eq(ol_report_get(rep, 0)->pointer, "/z");
    ck_assert_str_eq(ol_report_get(rep, 1)->pointer, "/m");
    ck_assert_str_eq(ol_report_error_code(rep), "BAD_VALUE");
    ck_assert_int_eq(ol_report_http_status(rep), 400);
    ck_assert_uint_eq(ol_report_message_count(rep), 2);
    ck_assert_str_eq(ol_report_message(rep, 0), "Bad value: z");
    ck_assert_str_eq(ol_report_message(rep, 1), "Bad value: m");
    ck_assert_ptr_null(ol_report_message(rep, 2));
    ol_report_free(rep);
    json_decref(t);
}
END_TEST

/* At one pointer only: the same rule elsewhere stays, another rule at that
 * pointer stays, and a pointer is compared whole ("/a" is not "/a/0"). */
START_TEST(test_suppress_at_a_pointer)
{
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    olp_rule f = make_rule("f", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(0);
    json_t *t = tree();

    add(rep, &e, "/a/0", "Bad value: a[0]");
    add(rep, &e, "/m", "Bad value: m");
    add(rep, &f, "/m", "Bad value: m (f)");
    ck_assert_int_eq(olp_report_finish(rep, t, NULL, 0, 0, NULL), OL_OK);
    ck_assert_uint_eq(ol_report_suppress(rep, "e", "/a"), 0);
    ck_assert_uint_eq(ol_report_suppress(rep, "e", "/m"), 1);
    ck_assert_uint_eq(ol_report_count(rep), 2);
    ck_assert_str_eq(ol_report_get(rep, 0)->rule, "e");
    ck_assert_str_eq(ol_report_get(rep, 0)->pointer, "/a/0");
    ck_assert_str_eq(ol_report_get(rep, 1)->rule, "f");
    ck_assert_uint_eq(ol_report_message_count(rep), 2);
    ck_assert_str_eq(ol_report_message(rep, 1), "Bad value: m (f)");
    ol_report_free(rep);
    json_decref(t);
}
END_TEST

/* When the last error goes the report is valid: no answer, no messages, no
 * body; the warnings stay. */
START_TEST(test_suppress_the_last_error_makes_it_valid)
{
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    olp_rule w = make_rule("w", OL_SEVERITY_WARNING, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(0);
    char *body = NULL;

    add(rep, &w, "", "Bad value: w");
    add(rep, &e, "", "Bad value: e");
    ck_assert_int_eq(olp_report_finish(rep, NULL, NULL, 0, 0, NULL), OL_OK);
    ck_assert(!ol_report_valid(rep));
    ck_assert_uint_eq(ol_report_suppress(rep, "e", ""), 1);
    ck_assert(ol_report_valid(rep));
    ck_assert_ptr_null(ol_report_error_code(rep));
    ck_assert_int_eq(ol_report_http_status(rep), 0);
    ck_assert_uint_eq(ol_report_message_count(rep), 0);
    ck_assert_ptr_null(ol_report_message(rep, 0));
    ck_assert_int_eq(ol_report_klarna_json_ex(rep, "id", &body), OL_EINVAL);
    ck_assert_uint_eq(ol_report_count(rep), 1);
    ck_assert_str_eq(ol_report_get(rep, 0)->rule, "w");
    ol_report_free(rep);
}
END_TEST

/* The reviewer's case, in small: a full report keeps the first errors of a
 * rule that is then suppressed; an error of another rule that was not kept
 * must still reject it. */
START_TEST(test_suppress_past_the_limit_keeps_an_unseen_error)
{
    olp_rule name = make_rule("name", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    olp_rule unit = make_rule("unit", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(2);
    json_t *t = tree();

    add(rep, &name, "/z", "Bad value: z");
    add(rep, &name, "/m", "Bad value: m");
    add(rep, &name, "/a", "Bad value: a");          /* not kept */
    add(rep, &unit, "/a/0/q", "Bad value: a[0].q"); /* not kept */
    ck_assert_int_eq(olp_report_finish(rep, t, NULL, 0, 0, NULL), OL_OK);
    ck_assert_uint_eq(ol_report_count(rep), 2);
    ck_assert_uint_eq(ol_report_dropped(rep), 2);
    /* every place: the kept two and the one not kept go; unit's error stays */
    ck_assert_uint_eq(ol_report_suppress(rep, "name", NULL), 3);
    ck_assert_uint_eq(ol_report_count(rep), 0);
    ck_assert_uint_eq(ol_report_dropped(rep), 1);
    ck_assert(!ol_report_valid(rep));
    ck_assert_str_eq(ol_report_error_code(rep), "BAD_VALUE");
    ck_assert_int_eq(ol_report_http_status(rep), 400);
    ck_assert_uint_eq(ol_report_message_count(rep), 0); /* its message was not kept */
    /* and once unit goes too, nothing is left */
    ck_assert_uint_eq(ol_report_suppress(rep, "unit", NULL), 1);
    ck_assert(ol_report_valid(rep));
    ck_assert_uint_eq(ol_report_dropped(rep), 0);
    ol_report_free(rep);
    json_decref(t);
}
END_TEST

/* At one pointer, the findings not kept may stand anywhere: they count. */
START_TEST(test_suppress_at_a_pointer_past_the_limit_stays_rejected)
{
    olp_rule name = make_rule("name", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(1);
    json_t *t = tree();

    add(rep, &name, "/z", "Bad value: z");
    add(rep, &name, "/m", "Bad value: m"); /* not kept */
    ck_assert_int_eq(olp_report_finish(rep, t, NULL, 0, 0, NULL), OL_OK);
    ck_assert_uint_eq(ol_report_suppress(rep, "name", "/z"), 1);
    ck_assert_uint_eq(ol_report_count(rep), 0);
    ck_assert(!ol_report_valid(rep));
    ck_assert_uint_eq(ol_report_dropped(rep), 1);
    ol_report_free(rep);
    json_decref(t);
}
END_TEST

/* A locked rule's findings (the body could not be read) are never dropped. */
START_TEST(test_suppress_never_drops_a_locked_rule)
{
    olp_rule syntax = make_rule("syntax", OL_SEVERITY_ERROR, "BAD_REQUEST", 400);
    ol_report *rep = olp_report_new(0);
    json_t *t = tree();

    syntax.info.locked = 1;
    add(rep, &syntax, "", "Malformed JSON");
    ck_assert_int_eq(olp_report_finish(rep, t, NULL, 0, 0, NULL), OL_OK);
    ck_assert_uint_eq(ol_report_suppress(rep, "syntax", NULL), 0);
    ck_assert_uint_eq(ol_report_suppress(rep, "syntax", ""), 0);
    ck_assert(!ol_report_valid(rep));
    ck_assert_str_eq(ol_report_error_code(rep), "BAD_REQUEST");
    ol_report_free(rep);
    json_decref(t);
}
END_TEST

START_TEST(test_suppress_nothing)
{
    olp_rule e = make_rule("e", OL_SEVERITY_ERROR, "BAD_VALUE", 400);
    ol_report *rep = olp_report_new(0);

    ck_assert_uint_eq(ol_report_suppress(NULL, "e", NULL), 0);
    add(rep, &e, "", "Bad value: e");
    ck_assert_int_eq(olp_report_finish(rep, NULL, NULL, 0, 0, NULL), OL_OK);
    ck_assert_uint_eq(ol_report_suppress(rep, NULL, NULL), 0);
    ck_assert_uint_eq(ol_report_suppress(rep, "other", NULL), 0);
    ck_assert_uint_eq(ol_report_count(rep), 1);
    ck_assert_str_eq(ol_report_error_code(rep), "BAD_VALUE");
    ck_assert_uint_eq(ol_report_message_count(rep), 1);
    ol_report_free(rep);
}
END_TEST

Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("order");

    tcase_add_test(tc, test_document_order_follows_the_tree);
    tcase_add_test(tc, test_same_place_keeps_rule_order);
    tcase_add_test(tc, test_places_from_text);
    suite_add_tcase(s, tc);
    tc = tcase_create("answer");
    tcase_add_test(tc, test_answer_in_klarnas_order);
    tcase_add_test(tc, test_messages_without_repeats_and_warnings);
    tcase_add_test(tc, test_warnings_only_is_valid);
    tcase_add_test(tc, test_max_findings_drops_the_rest);
    tcase_add_test(tc, test_max_findings_keeps_what_decides);
    tcase_add_test(tc, test_error_under_a_place);
    tcase_add_test(tc, test_report_free_null);
    suite_add_tcase(s, tc);
    tc = tcase_create("suppress");
    tcase_add_test(tc, test_suppress_everywhere_rechooses_the_answer);
    tcase_add_test(tc, test_suppress_at_a_pointer);
    tcase_add_test(tc, test_suppress_the_last_error_makes_it_valid);
    tcase_add_test(tc, test_suppress_nothing);
    tcase_add_test(tc, test_suppress_past_the_limit_keeps_an_unseen_error);
    tcase_add_test(tc, test_suppress_at_a_pointer_past_the_limit_stays_rejected);
    tcase_add_test(tc, test_suppress_never_drops_a_locked_rule);
    suite_add_tcase(s, tc);
    tc = tcase_create("body");
    tcase_add_test(tc, test_klarna_body_exact);
    tcase_add_test(tc, test_klarna_body_random_uuid);
    suite_add_tcase(s, tc);
    return s;
}
