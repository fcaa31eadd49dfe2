/*
 * bench_gen.c: the benchmark's corpus, generated.
 *
 * Create-session bodies as a shop sends them: a market of the built-in table
 * (rules/80-markets.rules), 1 to 20 order lines (physical and digital goods,
 * a discount with negative amounts, shipping, and in the US a sales_tax line
 * that carries the whole tax), sometimes a billing address, merchant URLs and
 * an intent. The amounts follow Klarna's arithmetic exactly, so that a
 * document is valid unless it was given a mistake on purpose: about one in
 * ten gets exactly one (bench_mistake).
 *
 * Each document is made from its own PRNG state, derived from the seed and
 * its index: document i is the same bytes however many are made, which lets
 * the memory runs feed a million documents to the command line without
 * keeping them.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_corpus.h"

#define MAX_LINES 20
#define LONG_TEXT 320 /* room for a string past a 255-character limit */

/* ---- the PRNG: splitmix64 ------------------------------------------------ */

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t rng_next(rng *g)
{
    uint64_t z = (g->state += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* 0 to n - 1; the modulo bias is far below anything the corpus needs. */
static unsigned rng_below(rng *g, unsigned n) { return (unsigned)(rng_next(g) % n); }

/* lo to hi, both included. */
static long long rng_range(rng *g, long long lo, long long hi)
{
    return lo + (long long)(rng_next(g) % (uint64_t)(hi - lo + 1));
}

/* 1 with probability percent / 100. */
static int rng_chance(rng *g, unsigned percent) { return rng_below(g, 100) < percent; }

#define PICK(g, array) ((array)[rng_below((g), sizeof(array) / sizeof((array)[0]))])

/* ---- the markets: a subset of rules/80-markets.rules --------------------- */

typedef struct market {
    const char *country, *currency;
    const char *locales[2];                /* the second may be NULL */
    long long standard_rate, reduced_rate; /* basis points; 0 in the US */
    const char *city, *postal_code, *street, *phone;
} market;

/* The cities are UTF-8, as a shop's database gives them. */
static const market markets[] = {
    {"SE",
     "SEK",
     {"sv-SE", "en-SE"},
     2500,
     1200,
     "G\xc3\xb6teborg",
     "411 19",
     "Kungsgatan 12",
     "+46701234567"},
    {"NO",
     "NOK",
     {"nb-NO", "en-NO"},
     2500,
     1500,
     "Troms\xc3\xb8",
     "9008",
     "Storgata 7",
     "+4791234567"},
    {"DE",
     "EUR",
     {"de-DE", "en-DE"},
     1900,
     700,
     "M\xc3\xbcnchen",
     "80331",
     "Marienplatz 8",
     "+4915123456789"},
    {"GB",
     "GBP",
     {"en-GB", NULL},
     2000,
     500,
     "London",
     "SW1A 1AA",
     "10 Downing Street",
     "+447700900123"},
    {"US",
     "USD",
     {"en-US", "es-US"},
     0,
     0,
     "San Francisco",
     "94107",
     "500 Howard Street",
     "+14155550123"},
    {"NL",
     "EUR",
     {"nl-NL", "en-NL"},
     2100,
     900,
     "Amsterdam",
     "1012 JS",
     "Damrak 1",
     "+31612345678"},
    {"FI",
     "EUR",
     {"fi-FI", "sv-FI"},
     2550,
     1400,
     "Helsinki",
     "00100",
     "Mannerheimintie 5",
     "+358401234567"},
};

/* Currencies of other markets, for a currency that is not the country's. */
static const char *const currencies[] = {"SEK", "NOK", "EUR", "GBP", "USD", "DKK", "CHF"};

static const char *const adjectives[] = {"Battery", "Wireless", "Organic", "Merino",
                                         "Ceramic", "Steel",    "Leather", "Bamboo",
                                         "Compact", "Deluxe",   "Classic", "Travel",
                                         "Kids'",   "Outdoor",  "Smart",   "Vintage"};
static const char *const nouns[] = {
    "Power Pack", "Headphones",    "Coffee Beans", "Sweater",  "Mug",  "Water Bottle",
    "Wallet",     "Cutting Board", "Umbrella",     "Backpack", "Lamp", "Rain Jacket",
    "Speaker",    "Notebook",      "Sneakers",     "Tea Set"};
static const char *const digital_goods[] = {"E-book", "Gift card", "Software licence",
                                            "Streaming pass", "Audiobook"};
static const char *const deliveries[] = {"Standard delivery", "Express delivery",
                                         "Parcel locker", "Home delivery"};
static const char *const discounts[] = {"Discount code SPRING10", "Loyalty discount",
                                        "Bundle discount", "Welcome offer"};
static const char *const given_names[] = {"Anna", "Lars",   "Sofie", "Jonas",
                                          "Emma", "Oliver", "Mia",   "Noah"};
static const char *const family_names[] = {
    "Andersson", "Hansen", "M\xc3\xbcller", "Smith", "Johnson", "de Vries", "Virtanen"};

/* ---- the document, before it is text ------------------------------------- */

/* Fields a mistake can leave out. */
enum {
    OMIT_COUNTRY = 1u << 0,
    OMIT_CURRENCY = 1u << 1,
    OMIT_ORDER_AMOUNT = 1u << 2,
    OMIT_NAME = 1u << 3,
    OMIT_QUANTITY = 1u << 4,
    OMIT_UNIT_PRICE = 1u << 5,
    OMIT_TOTAL_AMOUNT = 1u << 6
};

typedef struct line {
    const char *type;
    char name[LONG_TEXT];
    char reference[32];
    long long quantity, unit_price, tax_rate;
    long long total_discount_amount, total_amount, total_tax_amount;
    int with_quantity_unit, with_product_url;
    unsigned omit;
} line;

typedef struct document {
    const market *m;
    const char *currency, *locale;
    long long order_amount, order_tax_amount;
    line lines[MAX_LINES];
    size_t n_lines;
    char merchant_reference1[LONG_TEXT];
    int with_address, with_urls, with_intent;
    const char *given_name, *family_name;
    unsigned customer;
    unsigned omit;
} document;

/* Klarna's tax of a line whose total_amount includes tax at rate (basis
 * points): total - total * 10000 / (10000 + rate), within 1 of the exact
 * total * rate / (10000 + rate) for either sign of total. */
static long long tax_of(long long total, long long rate)
{
    return total - total * 10000 / (10000 + rate);
}

static void price_line(line *l)
{
    l->total_amount = l->quantity * l->unit_price - l->total_discount_amount;
    l->total_tax_amount = tax_of(l->total_amount, l->tax_rate);
}

static void make_goods(rng *g, const document *d, line *l, size_t number)
{
    const market *m = d->m;

    if (rng_chance(g, 80)) {
        l->type = "physical";
        snprintf(l->name, sizeof l->name, "%s %s", PICK(g, adjectives), PICK(g, nouns));
        l->with_quantity_unit = rng_chance(g, 50);
    } else {
        l->type = "digital";
        snprintf(l->name, sizeof l->name, "%s", PICK(g, digital_goods));
    }
    snprintf(l->reference, sizeof l->reference, "SKU-%05u-%u", rng_below(g, 100000),
             (unsigned)number);
    l->quantity = rng_chance(g, 70) ? 1 : rng_range(g, 2, 5);
    /* shop prices: often a round figure, sometimes one that ends in 99 */
    l->unit_price = rng_range(g, 5, 1500) * 100 - (rng_chance(g, 40) ? 1 : 0);
    l->tax_rate = rng_chance(g, 80) ? m->standard_rate : m->reduced_rate;
    if (rng_chance(g, 15))
        l->total_discount_amount =
            l->quantity * l->unit_price * rng_range(g, 5, 30) / 100;
    l->with_product_url = rng_chance(g, 30);
    price_line(l);
}

static long long sum_of_totals(const document *d)
{
    long long sum = 0;
    size_t i;

    for (i = 0; i < d->n_lines; i++)
        sum += d->lines[i].total_amount;
    return sum;
}

/* A discount line: negative amounts, taxed at the standard rate. */
static void make_discount(rng *g, document *d, line *l)
{
    long long off = sum_of_totals(d) * rng_range(g, 5, 15) / 100;

    l->type = "discount";
    snprintf(l->name, sizeof l->name, "%s", PICK(g, discounts));
    snprintf(l->reference, sizeof l->reference, "DISCOUNT");
    l->quantity = 1;
    l->unit_price = off > 0 ? -off : -1;
    l->tax_rate = d->m->standard_rate;
    price_line(l);
}

static void make_shipping(rng *g, const document *d, line *l)
{
    l->type = "shipping_fee";
    snprintf(l->name, sizeof l->name, "%s", PICK(g, deliveries));
    snprintf(l->reference, sizeof l->reference, "SHIP");
    l->quantity = 1;
    l->unit_price = rng_chance(g, 20) ? 0 : rng_range(g, 29, 99) * 100;
    l->tax_rate = d->m->standard_rate;
    price_line(l);
}

/* The US line that carries the order's tax, at a state's rate. */
static void make_sales_tax(rng *g, document *d, line *l)
{
    l->type = "sales_tax";
    snprintf(l->name, sizeof l->name, "Sales Tax");
    snprintf(l->reference, sizeof l->reference, "TAX");
    l->quantity = 1;
    l->unit_price = sum_of_totals(d) * rng_range(g, 400, 1025) / 10000;
    l->tax_rate = 0;
    price_line(l);
}

static int is_us(const document *d) { return strcmp(d->m->country, "US") == 0; }

/* 1 to 20 lines: goods, then maybe a discount and shipping, then in the US
 * the sales tax, so that each of those is computed on the lines before it. */
static void make_lines(rng *g, document *d)
{
    size_t want = (size_t)rng_range(g, 1, MAX_LINES), goods = want;
    int discount = want >= 3 && rng_chance(g, 25);
    int shipping = want >= 2 && rng_chance(g, 60);
    int sales_tax = want >= 2 && is_us(d);

    goods -= (size_t)(discount + shipping + sales_tax);
    if (goods < 1) {
        shipping = 0;
        goods++;
    }
    memset(d->lines, 0, sizeof d->lines);
    for (d->n_lines = 0; d->n_lines < goods; d->n_lines++)
        make_goods(g, d, &d->lines[d->n_lines], d->n_lines + 1);
    if (discount)
        make_discount(g, d, &d->lines[d->n_lines++]);
    if (shipping)
        make_shipping(g, d, &d->lines[d->n_lines++]);
    if (sales_tax)
        make_sales_tax(g, d, &d->lines[d->n_lines++]);
}

/* order_amount is the sum of the lines; order_tax_amount that of their tax,
 * or in the US that of the sales_tax lines. */
static void total_order(document *d)
{
    size_t i;

    d->order_amount = sum_of_totals(d);
    d->order_tax_amount = 0;
    for (i = 0; i < d->n_lines; i++) {
        const line *l = &d->lines[i];
        if (!is_us(d))
            d->order_tax_amount += l->total_tax_amount;
        else if (strcmp(l->type, "sales_tax") == 0)
            d->order_tax_amount += l->total_amount;
    }
}

static void make_document(rng *g, document *d)
{
    d->m = &PICK(g, markets);
    d->currency = d->m->currency;
    d->locale = d->m->locales[d->m->locales[1] && rng_chance(g, 30) ? 1 : 0];
    make_lines(g, d);
    total_order(d);
    snprintf(d->merchant_reference1, sizeof d->merchant_reference1, "order-%u",
             rng_below(g, 10000000));
    d->with_address = rng_chance(g, 50);
    d->with_urls = rng_chance(g, 60);
    d->with_intent = rng_chance(g, 30);
    d->given_name = PICK(g, given_names);
    d->family_name = PICK(g, family_names);
    d->customer = rng_below(g, 1000000);
    d->omit = 0;
}

/* ---- the mistakes -------------------------------------------------------- */

/* A line's tax 3 to 52 away from tax_of(), the order's tax still the sum of
 * the lines (outside the US), so that the line is the only thing wrong.
 * tax_of() is the exact tax rounded either way and Klarna allows 1 either
 * side of the exact tax: 2 away can still be within it, 3 never is. In the
 * US a line other than sales_tax carries a tax instead. */
static void break_line_tax(rng *g, document *d)
{
    size_t goods = d->n_lines;
    long long off = rng_range(g, 3, 52);
    line *l;

    if (is_us(d)) {
        while (goods > 1 && strcmp(d->lines[goods - 1].type, "sales_tax") == 0)
            goods--;
        l = &d->lines[rng_below(g, (unsigned)goods)];
        l->total_tax_amount = off;
        return;
    }
    l = &d->lines[rng_below(g, (unsigned)d->n_lines)];
    l->total_tax_amount += rng_chance(g, 50) ? off : -off;
    total_order(d);
}

static void break_order_amount(rng *g, document *d)
{
    long long off = rng_range(g, 1, 1000);

    d->order_amount += d->order_amount > off && rng_chance(g, 50) ? -off : off;
}

static void break_missing(rng *g, document *d)
{
    static const unsigned order_fields[] = {OMIT_COUNTRY, OMIT_CURRENCY,
                                            OMIT_ORDER_AMOUNT};
    static const unsigned line_fields[] = {OMIT_NAME, OMIT_QUANTITY, OMIT_UNIT_PRICE,
                                           OMIT_TOTAL_AMOUNT};

    if (rng_chance(g, 40))
        d->omit = PICK(g, order_fields);
    else
        d->lines[rng_below(g, (unsigned)d->n_lines)].omit = PICK(g, line_fields);
}

static void break_currency(rng *g, document *d)
{
    do
        d->currency = PICK(g, currencies);
    while (strcmp(d->currency, d->m->currency) == 0);
}

/* 256 to 300 characters, where 255 is the limit. */
static void make_long(rng *g, char *s, size_t size, const char *start)
{
    size_t want = (size_t)rng_range(g, 256, 300), len = strlen(start);

    memmove(s, start, len < size ? len : size - 1);
    for (; len < want && len < size - 1; len++)
        s[len] = (char)('a' + len % 26);
    s[len] = '\0';
}

static void break_length(rng *g, document *d)
{
    if (rng_chance(g, 50))
        make_long(g, d->merchant_reference1, sizeof d->merchant_reference1, "order-");
    else {
        line *l = &d->lines[rng_below(g, (unsigned)d->n_lines)];
        make_long(g, l->name, sizeof l->name, "Extra long name ");
    }
}

static bench_mistake break_document(rng *g, document *d)
{
    bench_mistake m;

    if (!rng_chance(g, 10))
        return BENCH_VALID;
    m = (bench_mistake)rng_range(g, BENCH_LINE_TAX, BENCH_MISTAKE_COUNT_ - 1);
    switch (m) {
    case BENCH_LINE_TAX:
        break_line_tax(g, d);
        break;
    case BENCH_ORDER_AMOUNT:
        break_order_amount(g, d);
        break;
    case BENCH_MISSING:
        break_missing(g, d);
        break;
    case BENCH_CURRENCY:
        break_currency(g, d);
        break;
    default:
        break_length(g, d);
        break;
    }
    return m;
}

/* ---- the text: compact JSON, as a shop's serializer writes it ------------ */

typedef struct writer {
    bench_text *out;
    int need_comma;
} writer;

void bench_text_append(bench_text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        t->data = realloc(t->data, cap);
        if (!t->data)
            bench_die("out of memory");
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

void bench_text_free(bench_text *t)
{
    free(t->data);
    t->data = NULL;
    t->len = t->cap = 0;
}

static void put(writer *w, const char *s) { bench_text_append(w->out, s, strlen(s)); }

/* The generator's strings need no escapes but quotes and backslashes, which
 * none of them holds; escape those anyway rather than write bad JSON. */
static void put_string(writer *w, const char *s)
{
    const char *run = s;

    put(w, "\"");
    for (; *s; s++) {
        if (*s != '"' && *s != '\\')
            continue;
        bench_text_append(w->out, run, (size_t)(s - run));
        bench_text_append(w->out, "\\", 1);
        run = s;
    }
    bench_text_append(w->out, run, (size_t)(s - run));
    put(w, "\"");
}

static void put_key(writer *w, const char *key)
{
    if (w->need_comma)
        put(w, ",");
    put_string(w, key);
    put(w, ":");
    w->need_comma = 1;
}

static void open_value(writer *w, const char *key, const char *bracket)
{
    if (key)
        put_key(w, key);
    else if (w->need_comma)
        put(w, ",");
    put(w, bracket);
    w->need_comma = 0;
}

static void close_value(writer *w, const char *bracket)
{
    put(w, bracket);
    w->need_comma = 1;
}

static void put_key_string(writer *w, const char *key, const char *value)
{
    put_key(w, key);
    put_string(w, value);
}

/* Without printf: a million documents are made for the memory runs, and
 * formatting is most of a document's making. */
static void put_key_int(writer *w, const char *key, long long value)
{
    char digits[24], *p = digits + sizeof digits;
    unsigned long long v =
        value < 0 ? 0 - (unsigned long long)value : (unsigned long long)value;

    put_key(w, key);
    *--p = '\0';
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    if (value < 0)
        *--p = '-';
    put(w, p);
}

static void write_line(writer *w, const line *l)
{
    char url[96];

    open_value(w, NULL, "{");
    put_key_string(w, "type", l->type);
    put_key_string(w, "reference", l->reference);
    if (!(l->omit & OMIT_NAME))
        put_key_string(w, "name", l->name);
    if (!(l->omit & OMIT_QUANTITY))
        put_key_int(w, "quantity", l->quantity);
    if (l->with_quantity_unit)
        put_key_string(w, "quantity_unit", "pcs");
    if (!(l->omit & OMIT_UNIT_PRICE))
        put_key_int(w, "unit_price", l->unit_price);
    put_key_int(w, "tax_rate", l->tax_rate);
    if (!(l->omit & OMIT_TOTAL_AMOUNT))
        put_key_int(w, "total_amount", l->total_amount);
    put_key_int(w, "total_discount_amount", l->total_discount_amount);
    put_key_int(w, "total_tax_amount", l->total_tax_amount);
    if (l->with_product_url) {
        snprintf(url, sizeof url, "https://shop.example.com/p/%s", l->reference);
        put_key_string(w, "product_url", url);
    }
    close_value(w, "}");
}

static void write_address(writer *w, const document *d)
{
    char email[64];

    snprintf(email, sizeof email, "customer%u@example.com", d->customer);
    open_value(w, "billing_address", "{");
    put_key_string(w, "given_name", d->given_name);
    put_key_string(w, "family_name", d->family_name);
    put_key_string(w, "email", email);
    put_key_string(w, "street_address", d->m->street);
    put_key_string(w, "postal_code", d->m->postal_code);
    put_key_string(w, "city", d->m->city);
    if (is_us(d))
        put_key_string(w, "region", "CA");
    put_key_string(w, "phone", d->m->phone);
    put_key_string(w, "country", d->m->country);
    close_value(w, "}");
}

static void write_urls(writer *w, const document *d)
{
    char url[LONG_TEXT + 64];

    open_value(w, "merchant_urls", "{");
    snprintf(url, sizeof url, "https://shop.example.com/confirmation?order=%s",
             d->merchant_reference1);
    put_key_string(w, "confirmation", url);
    put_key_string(w, "notification", "https://shop.example.com/klarna/notification");
    put_key_string(w, "push", "https://shop.example.com/klarna/push?id={session.id}");
    close_value(w, "}");
}

static void write_document(writer *w, const document *d)
{
    size_t i;

    open_value(w, NULL, "{");
    if (!(d->omit & OMIT_COUNTRY))
        put_key_string(w, "purchase_country", d->m->country);
    if (!(d->omit & OMIT_CURRENCY))
        put_key_string(w, "purchase_currency", d->currency);
    put_key_string(w, "locale", d->locale);
    if (d->with_intent)
        put_key_string(w, "intent", "buy");
    if (!(d->omit & OMIT_ORDER_AMOUNT))
        put_key_int(w, "order_amount", d->order_amount);
    put_key_int(w, "order_tax_amount", d->order_tax_amount);
    open_value(w, "order_lines", "[");
    for (i = 0; i < d->n_lines; i++)
        write_line(w, &d->lines[i]);
    close_value(w, "]");
    put_key_string(w, "merchant_reference1", d->merchant_reference1);
    if (d->with_address)
        write_address(w, d);
    if (d->with_urls)
        write_urls(w, d);
    close_value(w, "}");
}

/* ---- the public part ----------------------------------------------------- */

const char *bench_mistake_name(bench_mistake m)
{
    static const char *const names[BENCH_MISTAKE_COUNT_] = {
        "valid", "line tax", "order_amount", "missing field", "currency", "too long"};

    return m < BENCH_MISTAKE_COUNT_ ? names[m] : "?";
}

bench_mistake bench_generate(bench_text *out, uint64_t seed, size_t index, size_t *lines)
{
    /* a state per document: the index spread by an odd constant */
    rng g = {seed ^ ((uint64_t)index * 0xd1b54a32d192ed03u)};
    writer w = {out, 0};
    document d;
    bench_mistake m;

    rng_next(&g);
    make_document(&g, &d);
    m = break_document(&g, &d);
    write_document(&w, &d);
    *lines = d.n_lines;
    return m;
}

void bench_corpus_build(bench_corpus *c, uint64_t seed, size_t count)
{
    size_t i, lines;

    memset(c, 0, sizeof *c);
    c->start = malloc(count * sizeof *c->start);
    c->length = malloc(count * sizeof *c->length);
    c->mistake = malloc(count);
    if (!c->start || !c->length || !c->mistake)
        bench_die("out of memory");
    for (i = 0; i < count; i++) {
        c->start[i] = c->text.len;
        c->mistake[i] = (unsigned char)bench_generate(&c->text, seed, i, &lines);
        c->length[i] = c->text.len - c->start[i];
        c->lines += lines;
        bench_text_append(&c->text, "\n", 1);
    }
    c->count = count;
}

void bench_corpus_free(bench_corpus *c)
{
    bench_text_free(&c->text);
    free(c->start);
    free(c->length);
    free(c->mistake);
    memset(c, 0, sizeof *c);
}

double bench_wall_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_die(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("bench_corpus: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}
