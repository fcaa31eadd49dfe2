"""caselib.py: the machinery of the corpus generator (gen_cases.py).

Nothing here runs orderlint. An expectation is written from the spec
(CONTRACT.md, facts.md): each case lists the findings it must produce, with
messages built from the rule templates of rules/*.rules and numbers computed
here, in exact integers and fractions. This module only turns such a list into
the canonical dump (document order, places in the text, the Klarna answer),
following the rules the dump is defined by:

  - findings in document order: by the position of their pointer in the tree
    (member order of the text, array order; a pointer that leaves the tree
    sorts at its deepest existing ancestor, before that ancestor's children),
    ties broken by the order of checking (events of the reader first, then
    rules in table order);
  - LINE:COL is where the value starts, 1-based, columns in characters (a
    byte-order mark is a character); for an absent field, its nearest existing
    ancestor; for an event, where the reader says;
  - the answer, in Klarna's order of checking: NOT_FOUND 404 (then any other
    404), BAD_REQUEST 400, any other 400 (BAD_VALUE), the 403 codes (Order
    Management's CAPTURE_NOT_ALLOWED, ...), then 409; among findings of the
    same rank the first in document order answers; its messages are those of
    its code and status, in finding order, without repeats.

A case may have a context (session.json, authorized.json, order.json, a
context file). An update checked with its session is checked as the merged
session (merge() below, CONTRACT.md section 6): the findings are in the
document order of the merged session (the session's members in its order,
the members only the update has after them, in the update's order), and are
placed in the update's text (input.json), a pointer that is not in the update
at its deepest ancestor that is.
"""
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
TOP = os.path.dirname(CORPUS)


# ---- the order of checking ---------------------------------------------------

def rule_order():
    """Rule ids in table order: the files of rules/ in name order, the rules of
    each file in the order they are written."""
    ids = []
    for path in sorted(glob.glob(os.path.join(TOP, "rules", "*.rules"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                t = line.split()
                if len(t) >= 2 and t[0] == "rule":
                    ids.append(t[1])
    return {rid: i for i, rid in enumerate(ids)}


RULES = rule_order()


# ---- JSON text with places ---------------------------------------------------

class Scan:
    """A small JSON reader that keeps, for every value, where it starts (a
    character index in the text) and, for objects, the order of their keys.
    With a repeated key the later value and its place win, the member keeps
    the first key's position in the order (as jansson does)."""

    def __init__(self, text):
        self.t = text
        self.i = 0
        self.places = {}      # pointer -> character index of the value
        # (pointer, index of the key, index of its first occurrence) for
        # repeated keys
        self.key_places = []
        start = 1 if text.startswith("\ufeff") else 0
        self.i = start
        self.ws()
        self.root = self.value("")
        self.ws()
        assert self.i == len(text), "trailing text at %d" % self.i

    def ws(self):
        while self.i < len(self.t) and self.t[self.i] in " \t\r\n":
            self.i += 1

    def value(self, ptr):
        self.places[ptr] = self.i
        c = self.t[self.i]
        if c == "{":
            self.i += 1
            obj = Obj()
            firsts = {}
            self.ws()
            if self.t[self.i] == "}":
                self.i += 1
                return obj
            while True:
                self.ws()
                kstart = self.i
                key = self.string()
                self.ws()
                assert self.t[self.i] == ":"
                self.i += 1
                self.ws()
                child = ptr + "/" + key.replace("~", "~0").replace("/", "~1")
                if key in obj.d:
                    self.key_places.append((child, kstart, firsts[key]))
                else:
                    firsts[key] = kstart
                v = self.value(child)
                obj.set(key, v)
                self.ws()
                if self.t[self.i] == ",":
                    self.i += 1
                    continue
                assert self.t[self.i] == "}"
                self.i += 1
                return obj
        if c == "[":
            self.i += 1
            arr = []
            self.ws()
            if self.t[self.i] == "]":
                self.i += 1
                return arr
            while True:
                self.ws()
                arr.append(self.value(ptr + "/" + str(len(arr))))
                self.ws()
                if self.t[self.i] == ",":
                    self.i += 1
                    continue
                assert self.t[self.i] == "]"
                self.i += 1
                return arr
        if c == '"':
            return self.string()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.t.startswith(word, self.i):
                self.i += len(word)
                return val
        j = self.i
        while j < len(self.t) and self.t[j] in "+-0123456789.eE":
            j += 1
        tok = self.t[self.i:j]
        self.i = j
        if any(ch in tok for ch in ".eE"):
            return float(tok)
        return int(tok)

    def string(self):
        assert self.t[self.i] == '"'
        j = self.i + 1
        while self.t[j] != '"':
            j += 2 if self.t[j] == "\\" else 1
        s = json.loads(self.t[self.i:j + 1])
        self.i = j + 1
        return s

    def line_col(self, index):
        line = self.t.count("\n", 0, index) + 1
        col = index - (self.t.rfind("\n", 0, index) + 1) + 1
        return line, col


class Obj:
    """An object that keeps the order of its keys (first occurrence)."""

    def __init__(self):
        self.d = {}

    def set(self, k, v):
        self.d[k] = v

    def get(self, k):
        return self.d.get(k)

    def keys(self):
        return list(self.d.keys())


def walk(scan, ptr):
    """(rank vector, deepest existing pointer) of a pointer in the tree."""
    node = scan.root
    rank = []
    here = ""
    if ptr == "":
        return rank, here
    for seg in ptr.split("/")[1:]:
        key = seg.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Obj) and key in node.d:
            rank.append(node.keys().index(key))
            node = node.d[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            rank.append(int(key))
            node = node[int(key)]
        else:
            break
        here = here + "/" + seg
    return rank, here


# ---- findings ------------------------------------------------------------------

def kpath(ptr):
    """Klarna's path of a pointer: order_lines[2].total_tax_amount."""
    out = ""
    for seg in ptr.split("/")[1:]:
        seg = seg.replace("~1", "/").replace("~0", "~")
        if seg.isdigit():
            out += "[%s]" % seg
        else:
            out += ("." if out else "") + seg
    return out


class F:
    def __init__(self, sev, rule, ptr, detail, klarna=None, code="BAD_VALUE", http=400,
                 event=False, at=None):
        assert event or rule in RULES, "unknown rule %s" % rule
        self.sev, self.rule, self.ptr, self.detail = sev, rule, ptr, detail
        self.klarna = klarna if klarna is not None else "Bad value: " + kpath(ptr)
        self.code, self.http, self.event, self.at = code, http, event, at


def E(rule, ptr, detail, klarna=None, **kw):
    return F("error", rule, ptr, detail, klarna, **kw)


def W(rule, ptr, detail, klarna=None, **kw):
    return F("warning", rule, ptr, detail, klarna, **kw)


def answer_rank(code, http):
    """Klarna's order of checking (CONTRACT.md section 3): the lower answers."""
    if http == 404:
        return 0 if code == "NOT_FOUND" else 1
    if http == 400:
        return 2 if code == "BAD_REQUEST" else 3
    return {403: 4, 409: 5}.get(http, 6)


MERGE_FIELDS = ("billing_address", "shipping_address")


def merge(session, update):
    """The session after the update (CONTRACT.md section 6; `merge fields` in
    rules/90-session.rules): a field of the update replaces the session's,
    keeping its place; the address objects are merged member by member; a
    field only the update has comes after the session's."""
    merged = json.loads(json.dumps(session))
    for k, v in update.items():
        old = merged.get(k)
        if k in MERGE_FIELDS and isinstance(old, dict) and isinstance(v, dict):
            for mk, mv in v.items():
                old[mk] = json.loads(json.dumps(mv))
        else:
            merged[k] = json.loads(json.dumps(v))
    return merged


def rank_in(doc, ptr):
    """The rank vector of a pointer in a plain (dict/list) document: as
    walk(), for the merged session."""
    node, rank = doc, []
    if ptr == "":
        return rank
    for seg in ptr.split("/")[1:]:
        key = seg.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            rank.append(list(node.keys()).index(key))
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            rank.append(int(key))
            node = node[int(key)]
        else:
            break
    return rank


def dump(text, findings, merged=None):
    """The canonical dump for a text and the findings it must produce. A
    finding whose place is given as (line, column) is an event of a text that
    is not read as an object; any other is placed by reading the text. With
    merged (the merged session an update is checked as), findings are in its
    document order and placed in the text of the update."""
    scan = None
    rows = []
    readable = None
    for n, f in enumerate(findings or []):
        if readable is None and not isinstance(f.at, tuple):
            readable = _is_object(text)
        if isinstance(f.at, tuple):
            rank = []
            line, col = f.at
        elif readable is False:
            # A finding about the request on a body that cannot be read: at
            # the root value when the text is JSON, else at its start.
            rank = []
            line, col = root_place(text)
        else:
            if scan is None:
                scan = Scan(text)
            rank, here = walk(scan, f.ptr)
            if merged is not None and not f.event:
                rank = rank_in(merged, f.ptr)
            index = f.at if f.at is not None else scan.places[here]
            line, col = scan.line_col(index)
        key = (rank, 0 if f.event else 1, n if f.event else RULES[f.rule], n)
        rows.append((key, f, line, col))
    rows.sort(key=lambda r: r[0])
    errors = [f for _, f, _, _ in rows if f.sev == "error"]
    out = ["valid %s" % ("false" if errors else "true")]
    if errors:
        best = min(answer_rank(f.code, f.http) for f in errors)
        first = [f for f in errors if answer_rank(f.code, f.http) == best][0]
        code, http = first.code, first.http
        out.append("answer %s %d" % (code, http))
        seen = []
        for f in errors:
            if (f.code, f.http) == (code, http) and f.klarna not in seen:
                seen.append(f.klarna)
        out += ["message " + m for m in seen]
    else:
        out.append("answer none")
    for _, f, line, col in rows:
        out.append("finding %s %s %s %d:%d %s" % (f.sev, f.rule, f.ptr if f.ptr else '""',
                                                  line, col, f.klarna))
        out.append("  detail " + f.detail)
    return "\n".join(out) + "\n"


def root_place(text):
    body = text.lstrip("\ufeff")
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return 1, 1
    lead = body[:len(body) - len(body.lstrip(" \t\r\n"))]
    return lead.count("\n") + 1, len(lead.rsplit("\n", 1)[-1]) + 1


def _is_object(text):
    try:
        v = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return False
    return isinstance(v, dict)


# ---- values as the messages show them --------------------------------------------

def jtype(v):
    if isinstance(v, bool):
        return "boolean"
    if v is None:
        return "null"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "real"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "object"
    return "array"


def real_text(v):
    """A real as the message shows it: the shortest text that reads back as
    the same number, with a decimal point."""
    s = repr(v)
    if "." not in s and "e" not in s and "inf" not in s and "nan" not in s:
        s += ".0"
    return s


def jtext(v):
    """Compact JSON text of a value (messages' json())."""
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, float):
        return real_text(v)
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + jtext(x)
                              for k, x in v.items()) + "}"
    return "[" + ",".join(jtext(x) for x in v) + "]"


def floordiv(a, b):
    return a // b


def ceildiv(a, b):
    return -((-a) // b)


# ---- writing cases ---------------------------------------------------------------

def pretty(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


CONTEXT_DOCS = ("session", "authorized", "order")


def context_text(lines):
    """The context file: (key, value) pairs; a string value that a line cannot
    show plainly (empty, a leading double quote, a space at either end, a
    control character) is written as a JSON string."""
    out = []
    for k, v in lines:
        if isinstance(v, str) and (v == "" or v.startswith('"') or v != v.strip(" ")
                                   or any(ord(c) < 32 for c in v)):
            v = json.dumps(v, ensure_ascii=False)
        out.append("%s %s" % (k, v))
    return "\n".join(out) + "\n"


def write_rules(d, rules):
    """A case's own rule files ({name: text}), named by "rules NAME" lines of
    its options file. The options file of a case that has no rule files is
    left alone, unless it names only rule files (it is then stale)."""
    op = os.path.join(d, "options")
    if os.path.exists(op) and not rules:
        with open(op) as f:
            lines = f.read().split()
        if lines and all(w == "rules" or i % 2 for i, w in enumerate(lines)):
            for name in lines[1::2]:
                if os.path.exists(os.path.join(d, name)):
                    os.remove(os.path.join(d, name))
            os.remove(op)
    if not rules:
        return
    for name, text in rules.items():
        with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    with open(op, "w") as f:
        f.write("".join("rules %s\n" % name for name in rules))


def write_case(suite, name, text, findings, kind=None, why=None, write_input=True, ctx=None):
    """Write a case. ctx: {"session": obj, "authorized": obj, "order": obj,
    "context": [(key, value), ...], "rules": {name: text}}, each optional;
    files of a context the case no longer has are removed."""
    d = os.path.join(CORPUS, suite, name)
    os.makedirs(d, exist_ok=True)
    ctx = ctx or {}
    if write_input:
        with open(os.path.join(d, "input.json"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    for doc in CONTEXT_DOCS:
        dp = os.path.join(d, doc + ".json")
        if doc in ctx:
            with open(dp, "w", encoding="utf-8", newline="") as f:
                f.write(pretty(ctx[doc]))
        elif os.path.exists(dp):
            os.remove(dp)
    cp = os.path.join(d, "context")
    if ctx.get("context"):
        with open(cp, "w", encoding="utf-8", newline="") as f:
            f.write(context_text(ctx["context"]))
    elif os.path.exists(cp):
        os.remove(cp)
    write_rules(d, ctx.get("rules"))
    merged = None
    if "session" in ctx and kind in ("update-session", "load", "authorize", "reauthorize", "finalize"):
        merged = merge(ctx["session"], json.loads(text.lstrip("\ufeff")))
    kp = os.path.join(d, "kind")
    if kind:
        with open(kp, "w") as f:
            f.write(kind + "\n")
    elif os.path.exists(kp):
        os.remove(kp)
    wp = os.path.join(d, "why")
    if why:
        with open(wp, "w", encoding="utf-8") as f:
            f.write(why.strip() + "\n")
    elif os.path.exists(wp):
        os.remove(wp)
    with open(os.path.join(d, "expected"), "w", encoding="utf-8") as f:
        f.write(dump(text, findings, merged))
