/*
 * webhook_receiver._speedups: the compiled fast path of a request's verification and events.
 *
 * Optional, as markupsafe's speedups are: built when a C compiler is at hand, the
 * pure-Python code otherwise (webhook_receiver/_accel.py decides). It serves the
 * three schemes the timestamped providers use (KeyedListSignature: Stripe, Courier,
 * Paddle, Calendly; HmacSignature without signed headers: GitHub, Slack, Customer.io,
 * Shopify and others; StandardWebhooksSignature) and BearerToken, the receiver's
 * precheck, event times, event construction (RecordMaker, EventBuilder), the check
 * before orjson decodes a body (json_fits) and, without orjson, the JSON decoder; and
 * like the verifier described here, each only ever *accepts*.
 *
 * A Verifier reads the request's headers, parses them, checks the timestamp and the
 * MAC, and returns the same Verified the Python scheme would. Whenever anything is
 * unusual (a missing, repeated, non-ASCII or malformed header, a timestamp out of
 * tolerance, no matching signature, a header container or a clock value of another
 * type), it does not decide: it calls the Python scheme's verify(), which raises the
 * precise error. So there is one source of every error and every message, and the
 * compiled code only needs one property, which tests/test_speedups.py checks against
 * the Python schemes: whatever it accepts, Python accepts, with an equal Verified.
 *
 * The MAC is the Python scheme's: the same padded-key hashlib states copied per
 * request, compared with hmac.compare_digest, called from here instead of from
 * bytecode. What this file saves is the interpreter around them.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <stddef.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_EXTENSIONS_PATH 1
#endif

#define MAX_SIGNATURES 64      /* _schemes.MAX_SIGNATURES */
#define MAX_TIMESTAMP_DIGITS 16 /* _events.MAX_TIMESTAMP_DIGITS */
#define MAX_NAME 64             /* longest header name or label a Verifier takes */
#define MAX_DIGEST 64           /* SHA-512 */
#define MAX_GAPS 8              /* headers signed on either side of the body, timestamp included */
#define EXACT_DOUBLE 9007199254740992.0 /* 2**53: integers below it are exact doubles */

enum { KIND_KEYED = 1, KIND_SINGLE = 2, KIND_STANDARD = 3, KIND_TOKEN = 4 };

/* Result of a step: go on, or leave the decision to Python (no exception set). */
#define DECIDE_IN_PYTHON 0
#define GO_ON 1
/* A step failed with a Python exception set (MemoryError and the like). */
#define FAILED (-1)

typedef struct {
    char text[MAX_NAME + 1];
    Py_ssize_t len;
} Name;

/* The header names a scan looks for, lower-case ASCII. */
typedef struct {
    Name names[6];
    int count;
} NameSet;

/* A header value (or part of one): ASCII, borrowed from an object that outlives it. */
typedef struct {
    const char *data;
    Py_ssize_t len;
    PyObject *owner; /* the str or bytes the data lies in */
} Text;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    int kind;
    /* the header names read; KIND_STANDARD: webhook-{id,timestamp,signature} then
       svix-{id,timestamp,signature} */
    NameSet wanted;
    /* KIND_KEYED */
    Name timestamp_label;
    Name entry_label;
    char entry_separator;
    PyObject *separator; /* bytes signed between the timestamp and the body */
    /* KIND_SINGLE; KIND_TOKEN: the scheme word ("bearer") */
    Name prefix; /* lower-case ASCII, may be empty */
    int base64;
    int has_timestamp;
    /* wanted: the signature header, the timestamp header (if any), then the other
       signed headers; every one of them must be sent */
    PyObject *before_parts; /* tuple of bytes; between two parts, a header's value: */
    PyObject *after_parts;
    int before_slots[MAX_GAPS]; /* the index in wanted of the header between parts i and i + 1 */
    int after_slots[MAX_GAPS];
    int message_id_slot; /* the header whose value is Verified.message_id, or -1 */
    /* all */
    PyObject *pads;    /* tuple of (inner, outer) hashlib states; KIND_TOKEN: of token bytes */
    double *expires;   /* one per pad, or NULL when no secret expires */
    Py_ssize_t pad_count;
    Py_ssize_t digest_size;
    double tolerance;
    double seconds_below;
    PyObject *verified_type;
    PyObject *nothing_signed;
    PyObject *headers_type;
    PyObject *compare_digest;
    PyObject *fallback;
} Verifier;

static PyObject *str_copy, *str_update, *str_digest, *str_pairs;
static PyObject *str_timestamp, *str_signed_at, *str_message_id, *empty_bytes;

/*
 * Whether a compiled callable was cleared by the garbage collector (tp_clear drops its
 * fallback): then a RuntimeError is set and the caller returns NULL.
 */
static int
was_cleared(const PyObject *fallback, const char *type_name)
{
    if (fallback != NULL) {
        return 0;
    }
    PyErr_Format(PyExc_RuntimeError, "this %s was cleared", type_name);
    return 1;
}

/* ------------------------------------------------------------------ text helpers */

static int
is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static Text
trim(Text t)
{
    while (t.len > 0 && is_ows(t.data[0])) {
        t.data++;
        t.len--;
    }
    while (t.len > 0 && is_ows(t.data[t.len - 1])) {
        t.len--;
    }
    return t;
}

static int
all_ascii(const char *data, Py_ssize_t len)
{
    for (Py_ssize_t i = 0; i < len; i++) {
        if ((unsigned char)data[i] >= 0x80) {
            return 0;
        }
    }
    return 1;
}

/* The ASCII text of an exact str or bytes; 0 for anything else (or not ASCII). */
static int
ascii_text(PyObject *obj, Text *out)
{
    if (PyUnicode_CheckExact(obj)) {
        if (!PyUnicode_IS_ASCII(obj)) {
            return 0;
        }
        out->data = (const char *)PyUnicode_1BYTE_DATA(obj);
        out->len = PyUnicode_GET_LENGTH(obj);
    }
    else if (PyBytes_CheckExact(obj)) {
        out->data = PyBytes_AS_STRING(obj);
        out->len = PyBytes_GET_SIZE(obj);
        if (!all_ascii(out->data, out->len)) {
            return 0;
        }
    }
    else {
        return 0;
    }
    out->owner = obj;
    return 1;
}

static int
equal_lower(const char *data, Py_ssize_t len, const Name *name)
{
    if (len != name->len) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c + ('a' - 'A'));
        }
        if (c != (unsigned char)name->text[i]) {
            return 0;
        }
    }
    return 1;
}

static int
equal_exact(Text t, const Name *name)
{
    return t.len == name->len && memcmp(t.data, name->text, (size_t)t.len) == 0;
}

/* A str for text: the owner itself when it is a str and all of it, else a new str. */
static PyObject *
text_str(Text t)
{
    if (PyUnicode_CheckExact(t.owner) && t.len == PyUnicode_GET_LENGTH(t.owner)) {
        Py_INCREF(t.owner);
        return t.owner;
    }
    return PyUnicode_DecodeASCII(t.data, t.len, NULL);
}

/* -------------------------------------------------------------- reading headers */

/*
 * Which of the wanted names a header name is: its index, -1 for none, -2 to leave
 * the request to Python (a name of another type, or a non-ASCII name as long as a
 * wanted one: Python lower-cases Unicode, and "\u212a" lower-cases to "k").
 */
static int
which_name(const Name *wanted, Py_ssize_t count, PyObject *name)
{
    Text t;
    if (PyUnicode_CheckExact(name)) {
        t.len = PyUnicode_GET_LENGTH(name);
        if (!PyUnicode_IS_ASCII(name)) {
            for (Py_ssize_t i = 0; i < count; i++) {
                if (wanted[i].len == t.len) {
                    return -2;
                }
            }
            return -1;
        }
        t.data = (const char *)PyUnicode_1BYTE_DATA(name);
    }
    else if (PyBytes_CheckExact(name)) {
        t.data = PyBytes_AS_STRING(name);
        t.len = PyBytes_GET_SIZE(name);
    }
    else {
        return -2;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        if (wanted[i].len == t.len) { /* another length: skipped unread, as Python skips it */
            if (!all_ascii(t.data, t.len)) {
                return -2;
            }
            if (equal_lower(t.data, t.len, &wanted[i])) {
                return (int)i;
            }
        }
    }
    return -1;
}

/*
 * What a walk over header pairs does with one (name, value): GO_ON, DECIDE_IN_PYTHON
 * to leave the whole request or lookup to Python, FAILED with an exception set.
 */
typedef int (*PairVisitor)(PyObject *name, PyObject *value, void *context);

/* Visit each (name, value) of a dict: GO_ON, or the first other answer. */
static int
visit_dict(PyObject *dict, PairVisitor visit, void *context)
{
    Py_ssize_t position = 0;
    PyObject *name, *value;
    int looked = GO_ON;
    while (looked == GO_ON && PyDict_Next(dict, &position, &name, &value)) {
        looked = visit(name, value, context);
    }
    return looked;
}

/*
 * Visit each pair of a list or tuple of (name, value) tuples, or of a dict's items
 * (read from the dict itself where its layout is public, without an item tuple per
 * pair): GO_ON when every pair was visited; DECIDE_IN_PYTHON for another container,
 * a pair that is not a 2-tuple, or the visitor's; FAILED. The visitors run no Python
 * code, so a list cannot change under the walk.
 */
static int
visit_pairs(PyObject *pairs, PairVisitor visit, void *context)
{
    int looked = GO_ON;
    if (PyList_CheckExact(pairs) || PyTuple_CheckExact(pairs)) {
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(pairs) && looked == GO_ON; i++) {
            PyObject *pair = PySequence_Fast_GET_ITEM(pairs, i);
            if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2) {
                return DECIDE_IN_PYTHON;
            }
            looked = visit(PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1), context);
        }
        return looked;
    }
    if (!Py_IS_TYPE(pairs, &PyDictItems_Type)) {
        return DECIDE_IN_PYTHON;
    }
#if PY_VERSION_HEX < 0x030D0000
    return visit_dict((PyObject *)((_PyDictViewObject *)pairs)->dv_dict, visit, context);
#else
    /* The view's dict is private from 3.13 on: iterate. The values stay alive in the
       dict, which the view holds, after each item tuple is released. */
    PyObject *iterator = PyObject_GetIter(pairs), *pair;
    if (iterator == NULL) {
        return FAILED;
    }
    while (looked == GO_ON && (pair = PyIter_Next(iterator)) != NULL) {
        looked = visit(PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1), context);
        Py_DECREF(pair);
    }
    Py_DECREF(iterator);
    if (looked == GO_ON && PyErr_Occurred()) {
        looked = FAILED;
    }
    return looked;
#endif
}

/* What scan_headers fills: the wanted names' values, found[i] for wanted->names[i]. */
typedef struct {
    const NameSet *wanted;
    Text *found;
} Scan;

/* Record one (name, value) pair; DECIDE_IN_PYTHON on a repeat or an unusual value. */
static int
take_pair(PyObject *name, PyObject *value, void *context)
{
    Scan *scan = context;
    int index = which_name(scan->wanted->names, scan->wanted->count, name);
    if (index == -1) {
        return GO_ON;
    }
    if (index == -2 || scan->found[index].owner != NULL) {
        return DECIDE_IN_PYTHON; /* a repeated header is malformed: Python says so */
    }
    Text t;
    if (!ascii_text(value, &t)) {
        return DECIDE_IN_PYTHON;
    }
    scan->found[index] = trim(t);
    return GO_ON;
}

/*
 * Find the wanted headers in a dict, a list or tuple of pairs, or a Headers over one
 * of those (or over a dict's items). found[i].owner stays NULL for an absent name.
 */
static void
clear_found(const NameSet *wanted, Text *found)
{
    for (int i = 0; i < wanted->count; i++) {
        found[i].owner = NULL;
        found[i].data = NULL;
        found[i].len = 0;
    }
}

/* The pairs of a dict, list or tuple, or of its items view: GO_ON, or not read. */
static int
scan_pairs(const NameSet *wanted, PyObject *pairs, Text *found)
{
    Scan scan = {wanted, found};
    return PyDict_CheckExact(pairs) ? visit_dict(pairs, take_pair, &scan) : visit_pairs(pairs, take_pair, &scan);
}

/*
 * Find the wanted headers in a dict, a list or tuple of pairs, or a Headers over one
 * of those (or over a dict's items). found[i].owner stays NULL for an absent name.
 */
static int
scan_headers(const NameSet *wanted, PyObject *headers_type, PyObject *headers, Text *found)
{
    clear_found(wanted, found);
    if ((PyObject *)Py_TYPE(headers) != headers_type) {
        return Py_IS_TYPE(headers, &PyDictItems_Type) ? DECIDE_IN_PYTHON : scan_pairs(wanted, headers, found);
    }
    /* The Headers keeps its pairs alive as long as the request. */
    PyObject *pairs = PyObject_GetAttr(headers, str_pairs);
    if (pairs == NULL) {
        return FAILED;
    }
    int result = scan_pairs(wanted, pairs, found);
    Py_DECREF(pairs);
    return result;
}

/* ------------------------------------------------------------ decoding signatures */

static int
hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* binascii.a2b_hex: the decoded length, or -1 when it is not hex. */
static Py_ssize_t
decode_hex(Text t, unsigned char *out, Py_ssize_t room)
{
    if (t.len % 2 != 0 || t.len / 2 > room) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < t.len; i += 2) {
        int high = hex_value((unsigned char)t.data[i]);
        int low = hex_value((unsigned char)t.data[i + 1]);
        if (high < 0 || low < 0) {
            return -1;
        }
        out[i / 2] = (unsigned char)(high << 4 | low);
    }
    return t.len / 2;
}

static int
base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

/*
 * Canonical base64 only: whole quanta, the alphabet, one or two '=' at the very end,
 * unused bits zero. Stricter than binascii.a2b_base64(strict_mode=True), so whatever
 * it reads, binascii reads the same; the rest goes to Python. -1 when not read.
 */
static Py_ssize_t
decode_base64(Text t, unsigned char *out, Py_ssize_t room)
{
    if (t.len == 0 || t.len % 4 != 0) {
        return -1;
    }
    Py_ssize_t padding = 0;
    if (t.data[t.len - 1] == '=') {
        padding = t.data[t.len - 2] == '=' ? 2 : 1;
    }
    Py_ssize_t size = t.len / 4 * 3 - padding;
    if (size > room) {
        return -1;
    }
    Py_ssize_t written = 0;
    for (Py_ssize_t i = 0; i < t.len; i += 4) {
        int v[4];
        int last = i + 4 == t.len;
        for (int j = 0; j < 4; j++) {
            unsigned char c = (unsigned char)t.data[i + j];
            if (c == '=' && last && j >= 4 - padding) {
                v[j] = 0;
            }
            else if ((v[j] = base64_value(c)) < 0) {
                return -1;
            }
        }
        unsigned long quantum = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12
                                | (unsigned long)v[2] << 6 | (unsigned long)v[3];
        unsigned char bytes[3] = {(unsigned char)(quantum >> 16), (unsigned char)(quantum >> 8),
                                  (unsigned char)quantum};
        int take = last ? 3 - (int)padding : 3;
        /* non-zero unused bits are not canonical */
        if (last && padding == 1 && (quantum & 0xFF) != 0) {
            return -1;
        }
        if (last && padding == 2 && (quantum & 0xFFFF) != 0) {
            return -1;
        }
        memcpy(out + written, bytes, (size_t)take);
        written += take;
    }
    return written;
}

/* --------------------------------------------------------------- time and MACs */

/*
 * 1 to max_digits ASCII digits (max_digits at most 19, which a 64-bit value holds) as
 * their value: GO_ON, or DECIDE_IN_PYTHON for anything else.
 */
static int
read_digits(Text t, Py_ssize_t max_digits, unsigned long long *value)
{
    if (t.len < 1 || t.len > max_digits) {
        return DECIDE_IN_PYTHON;
    }
    unsigned long long digits = 0;
    for (Py_ssize_t i = 0; i < t.len; i++) {
        unsigned char c = (unsigned char)t.data[i];
        if (c < '0' || c > '9') {
            return DECIDE_IN_PYTHON;
        }
        digits = digits * 10 + (unsigned long long)(c - '0');
    }
    *value = digits;
    return GO_ON;
}

/* The value of exactly `count` ASCII digits at `data`, or -1. */
static long
fixed_digits(const char *data, int count)
{
    long value = 0;
    for (int i = 0; i < count; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c < '0' || c > '9') {
            return -1;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

/* Days from 1970-01-01 to a valid proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long long
days_since_epoch(long year, long month, long day)
{
    year -= month <= 2;
    long era = year / 400; /* year >= 1970 here: no negative division */
    long year_of_era = year - era * 400;
    long day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return (long long)era * 146097 + day_of_era - 719468;
}

/*
 * The usual form of an RFC 3339 date-time, "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" from 1970
 * on: its whole unix seconds and its microseconds (the fraction's first six digits;
 * later ones are dropped, not rounded, as _events.rfc3339_seconds drops them).
 * Anything else (a lower-case t or z, an offset, a date or time that does not exist,
 * a leap second) is for Python to read.
 */
static int
rfc3339_parts(Text t, long long *whole, long *micro)
{
    const char *d = t.data;
    if (t.len < 20 || t.len > 30 || d[4] != '-' || d[7] != '-' || d[10] != 'T' || d[13] != ':' || d[16] != ':'
        || d[t.len - 1] != 'Z') {
        return DECIDE_IN_PYTHON;
    }
    long year = fixed_digits(d, 4), month = fixed_digits(d + 5, 2), day = fixed_digits(d + 8, 2);
    long hour = fixed_digits(d + 11, 2), minute = fixed_digits(d + 14, 2), second = fixed_digits(d + 17, 2);
    if (year < 1970 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59) {
        return DECIDE_IN_PYTHON;
    }
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > month_days[month - 1] + (month == 2 && leap)) {
        return DECIDE_IN_PYTHON;
    }
    long microseconds = 0;
    Py_ssize_t fraction = t.len - 21; /* the digits after the '.', if any */
    if (fraction != -1) {
        if (fraction < 1 || d[19] != '.') {
            return DECIDE_IN_PYTHON;
        }
        long digits = fixed_digits(d + 20, (int)fraction);
        if (digits < 0) {
            return DECIDE_IN_PYTHON;
        }
        /* the first six digits, padded with zeros: later ones are dropped, not rounded */
        microseconds = fixed_digits(d + 20, fraction < 6 ? (int)fraction : 6);
        for (Py_ssize_t i = fraction; i < 6; i++) {
            microseconds *= 10;
        }
    }
    *whole = days_since_epoch(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    *micro = microseconds;
    return GO_ON;
}

/*
 * _events.rfc3339_seconds for the usual form, with the value Python computes: the
 * whole count of microseconds divided by 10**6, which Python rounds once, as here,
 * while the count is below 2**53 (until the year 2255).
 */
static int
read_rfc3339(Text t, double *seconds)
{
    long long whole;
    long micro;
    if (rfc3339_parts(t, &whole, &micro) != GO_ON) {
        return DECIDE_IN_PYTHON;
    }
    long long total = whole * 1000000 + micro;
    if ((double)total >= EXACT_DOUBLE) {
        return DECIDE_IN_PYTHON;
    }
    *seconds = (double)total / 1000000.0;
    return GO_ON;
}

/* Python's check(): ASCII digits (or RFC 3339), the unit, the two-sided tolerance. */
static int
check_timestamp(const Verifier *self, Text t, double now, double *signed_at)
{
    if (self->seconds_below < 0) {
        if (read_rfc3339(t, signed_at) != GO_ON) {
            return DECIDE_IN_PYTHON;
        }
    }
    else {
        unsigned long long digits;
        if (read_digits(t, MAX_TIMESTAMP_DIGITS, &digits) != GO_ON) {
            return DECIDE_IN_PYTHON;
        }
        double value = (double)digits;
        if (value >= EXACT_DOUBLE) {
            return DECIDE_IN_PYTHON;
        }
        /* float(value) or value / 1000, both correctly rounded, as Python computes them */
        *signed_at = value < self->seconds_below ? value : value / 1000.0;
    }
    double age = now - *signed_at;
    if (!(-self->tolerance <= age && age <= self->tolerance)) {
        return DECIDE_IN_PYTHON;
    }
    return GO_ON;
}

/* The request's clock value as a double, when it is exactly one (else Python decides). */
static int
read_now(PyObject *now, double *out)
{
    if (PyFloat_CheckExact(now)) {
        *out = PyFloat_AS_DOUBLE(now);
        return GO_ON;
    }
    if (PyLong_CheckExact(now)) {
        int overflow;
        long long value = PyLong_AsLongLongAndOverflow(now, &overflow);
        if (overflow || (value == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return DECIDE_IN_PYTHON;
        }
        if (value >= (long long)EXACT_DOUBLE || value <= -(long long)EXACT_DOUBLE) {
            return DECIDE_IN_PYTHON;
        }
        *out = (double)value;
        return GO_ON;
    }
    return DECIDE_IN_PYTHON;
}

static PyObject *
call_method(PyObject *obj, PyObject *name, PyObject *arg)
{
    PyObject *args[2] = {obj, arg};
    return PyObject_VectorcallMethod(name, args, (arg == NULL ? 1 : 2) | PY_VECTORCALL_ARGUMENTS_OFFSET,
                                     NULL);
}

static int
feed(PyObject *state, PyObject *data)
{
    PyObject *result = call_method(state, str_update, data);
    if (result == NULL) {
        return FAILED;
    }
    Py_DECREF(result);
    return GO_ON;
}

/* ------------------------------------------------------------ HMAC-SHA256 */

/*
 * HMAC-SHA256 from the padded key's two midstates, without hashlib. Through hashlib
 * each HMAC allocates, copies and frees four OpenSSL digest contexts (the states are
 * copied, and each digest() copies again), and in a server, where every request runs
 * with cold caches, that bookkeeping costs more than hashing a 1 KiB body (RESULTS.md,
 * issue 18, sixth part). Here the two midstates are 32 bytes each and a request's MAC
 * allocates nothing. The compression runs on the CPU's SHA extensions (x86-64,
 * checked with cpuid when the module loads); without them (other CPUs, and valgrind,
 * which does not offer them) OpenSSL's own code is faster than portable C would be, so
 * Sha256Key is not offered (sha256_available()) and the hashlib states are used as
 * before. Keyring makes a Sha256Key per sha256 secret (the key block RFC 2104 pads,
 * prepared by Python), and the Verifier uses it where it would copy the hashlib
 * states; tests/test_speedups_hmac.py holds it to hmac (RFC 4231's vectors, random
 * keys, every length across the block boundaries).
 */
static const uint32_t SHA256_IV[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#ifdef HAVE_SHA_EXTENSIONS_PATH
static const uint32_t SHA256_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* SHA-256's compression with the SHA extensions: the state kept as (A,B,E,F) and
   (C,D,G,H), two rounds per sha256rnds2, the message schedule four words at a time
   (sha256msg1 and sha256msg2). */
__attribute__((target("sha,sse4.1,ssse3"))) static void
sha256_blocks_extensions(uint32_t state[8], const unsigned char *data, size_t blocks)
{
    const __m128i big_endian = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
/* Four rounds on a group of four schedule words, and the next group from the last
   four (oldest first): w[t] = s1(w[t-2]) + w[t-7] + s0(w[t-15]) + w[t-16]. */
#define SHA256_ROUNDS4(words, group)                                                                  \
    do {                                                                                              \
        __m128i message = _mm_add_epi32((words), _mm_loadu_si128((const __m128i *)&SHA256_K[4 * (group)])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, message);                                             \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(message, 0x0E));                    \
    } while (0)
#define SHA256_NEXT_WORDS(oldest, older, newer, newest)                                                \
    (oldest) = _mm_sha256msg2_epu32(                                                                   \
        _mm_add_epi32(_mm_sha256msg1_epu32((oldest), (older)), _mm_alignr_epi8((newest), (newer), 4)), (newest))
    for (; blocks > 0; blocks--, data += 64) {
        __m128i abef_before = abef, cdgh_before = cdgh;
        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)data), big_endian);
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), big_endian);
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), big_endian);
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), big_endian);
        SHA256_ROUNDS4(w0, 0);
        SHA256_ROUNDS4(w1, 1);
        SHA256_ROUNDS4(w2, 2);
        SHA256_ROUNDS4(w3, 3);
        for (int group = 4; group < 16; group += 4) {
            SHA256_NEXT_WORDS(w0, w1, w2, w3);
            SHA256_ROUNDS4(w0, group);
            SHA256_NEXT_WORDS(w1, w2, w3, w0);
            SHA256_ROUNDS4(w1, group + 1);
            SHA256_NEXT_WORDS(w2, w3, w0, w1);
            SHA256_ROUNDS4(w2, group + 2);
            SHA256_NEXT_WORDS(w3, w0, w1, w2);
            SHA256_ROUNDS4(w3, group + 3);
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }
#undef SHA256_ROUNDS4
#undef SHA256_NEXT_WORDS
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

static int
cpu_has_sha_extensions(void)
{
    unsigned int eax, ebx, ecx, edx;
    /* SSSE3 and SSE4.1 (leaf 1, ECX bits 9 and 19), then SHA (leaf 7, EBX bit 29) */
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 9)) || !(ecx & (1u << 19))) {
        return 0;
    }
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    return (ebx >> 29) & 1u;
}
#endif

static void (*sha256_blocks)(uint32_t state[8], const unsigned char *data, size_t blocks) = NULL;

typedef struct {
    uint32_t state[8];
    uint64_t length; /* bytes fed, the key block included */
    unsigned char buffer[64];
    size_t used;
} Sha256;

static void
sha256_feed(Sha256 *hash, const unsigned char *data, size_t len)
{
    hash->length += len;
    if (hash->used > 0) {
        size_t take = 64 - hash->used < len ? 64 - hash->used : len;
        memcpy(hash->buffer + hash->used, data, take);
        hash->used += take;
        data += take;
        len -= take;
        if (hash->used < 64) {
            return;
        }
        sha256_blocks(hash->state, hash->buffer, 1);
        hash->used = 0;
    }
    if (len >= 64) {
        sha256_blocks(hash->state, data, len / 64);
        data += len - len % 64;
        len %= 64;
    }
    if (len > 0) {
        memcpy(hash->buffer, data, len);
        hash->used = len;
    }
}

static void
sha256_finish(Sha256 *hash, unsigned char digest[32])
{
    uint64_t bits = hash->length * 8;
    unsigned char tail[72] = {0x80}; /* 0x80, zeros to 56 bytes past a block, the length */
    size_t zeros = (hash->used < 56 ? 56 : 120) - hash->used;
    for (int i = 0; i < 8; i++) {
        tail[zeros + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    }
    sha256_feed(hash, tail, zeros + 8);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (unsigned char)(hash->state[i] >> 24);
        digest[4 * i + 1] = (unsigned char)(hash->state[i] >> 16);
        digest[4 * i + 2] = (unsigned char)(hash->state[i] >> 8);
        digest[4 * i + 3] = (unsigned char)hash->state[i];
    }
}

/* Zeroes memory that held secret-derived state, in a way the compiler keeps. */
static void
wipe(void *memory, size_t len)
{
    volatile unsigned char *bytes = (volatile unsigned char *)memory;
    while (len--) {
        *bytes++ = 0;
    }
}

typedef struct {
    PyObject_HEAD
    uint32_t inner[8]; /* SHA-256's state after the key block ^ 0x36 */
    uint32_t outer[8]; /* and after the key block ^ 0x5c */
} Sha256Key;

#define MAX_MAC_PARTS 3
#define HASH_WITHOUT_GIL 2048 /* hashlib's threshold too */

/* HMAC over parts[0..count) (data, length) under key: 32 bytes into mac. */
static void
sha256_key_mac(const Sha256Key *key, const unsigned char *const *parts, const size_t *lengths, int count,
               unsigned char mac[32])
{
    Sha256 hash;
    unsigned char inner_digest[32];
    memcpy(hash.state, key->inner, sizeof hash.state);
    hash.length = 64;
    hash.used = 0;
    for (int i = 0; i < count; i++) {
        sha256_feed(&hash, parts[i], lengths[i]);
    }
    sha256_finish(&hash, inner_digest);
    memcpy(hash.state, key->outer, sizeof hash.state);
    hash.length = 64;
    hash.used = 0;
    sha256_feed(&hash, inner_digest, sizeof inner_digest);
    sha256_finish(&hash, mac);
    wipe(&hash, sizeof hash);
    wipe(inner_digest, sizeof inner_digest);
}

/* HMAC(key, each buffer of parts in turn): a new bytes, or NULL with the exception set. */
static PyObject *
sha256_key_mac_of(const Sha256Key *key, PyObject *const *parts, int count)
{
    Py_buffer views[MAX_MAC_PARTS];
    const unsigned char *data[MAX_MAC_PARTS];
    size_t lengths[MAX_MAC_PARTS], total = 0;
    int held = 0;
    for (; held < count; held++) {
        if (PyObject_GetBuffer(parts[held], &views[held], PyBUF_SIMPLE) < 0) {
            break;
        }
        data[held] = (const unsigned char *)views[held].buf;
        lengths[held] = (size_t)views[held].len;
        total += lengths[held];
    }
    PyObject *result = NULL;
    if (held == count) {
        unsigned char mac[32];
        if (total >= HASH_WITHOUT_GIL) {
            Py_BEGIN_ALLOW_THREADS
            sha256_key_mac(key, data, lengths, count, mac);
            Py_END_ALLOW_THREADS
        } else {
            sha256_key_mac(key, data, lengths, count, mac);
        }
        result = PyBytes_FromStringAndSize((const char *)mac, sizeof mac);
    }
    for (int i = 0; i < held; i++) {
        PyBuffer_Release(&views[i]);
    }
    return result;
}

static PyObject *
sha256_key_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"block", NULL};
    Py_buffer block;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*:Sha256Key", keywords, &block)) {
        return NULL;
    }
    if (sha256_blocks == NULL) {
        PyBuffer_Release(&block);
        PyErr_SetString(PyExc_RuntimeError, "this CPU has no SHA extensions: HMAC-SHA256 goes through hashlib");
        return NULL;
    }
    if (block.len != 64) {
        PyBuffer_Release(&block);
        PyErr_SetString(PyExc_ValueError, "a Sha256Key is made from the 64-byte padded key block (RFC 2104)");
        return NULL;
    }
    Sha256Key *self = (Sha256Key *)type->tp_alloc(type, 0);
    if (self != NULL) {
        unsigned char padded[64];
        const unsigned char *key = (const unsigned char *)block.buf;
        for (int i = 0; i < 64; i++) {
            padded[i] = key[i] ^ 0x36;
        }
        memcpy(self->inner, SHA256_IV, sizeof self->inner);
        sha256_blocks(self->inner, padded, 1);
        for (int i = 0; i < 64; i++) {
            padded[i] = key[i] ^ 0x5c;
        }
        memcpy(self->outer, SHA256_IV, sizeof self->outer);
        sha256_blocks(self->outer, padded, 1);
        wipe(padded, sizeof padded);
    }
    PyBuffer_Release(&block);
    return (PyObject *)self;
}

static void
sha256_key_dealloc(Sha256Key *self)
{
    wipe(self->inner, sizeof self->inner);
    wipe(self->outer, sizeof self->outer);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
sha256_key_mac_method(Sha256Key *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > MAX_MAC_PARTS) {
        PyErr_SetString(PyExc_TypeError, "mac(*parts): one to three bytes-like parts");
        return NULL;
    }
    return sha256_key_mac_of(self, args, (int)nargs);
}

static PyObject *
sha256_key_reduce(PyObject *self, PyObject *unused)
{
    PyErr_SetString(PyExc_TypeError, "a Sha256Key holds a secret and cannot be pickled");
    return NULL;
}

static PyMethodDef sha256_key_methods[] = {
    {"mac", (PyCFunction)(void (*)(void))sha256_key_mac_method, METH_FASTCALL,
     "mac(*parts): HMAC-SHA256 of the parts, one after the other, under this key (32 bytes)."},
    {"__reduce__", sha256_key_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject Sha256KeyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "webhook_receiver._speedups.Sha256Key",
    .tp_doc = "Sha256Key(block): an HMAC-SHA256 secret as its two padded-key midstates "
              "(block: the key, hashed if longer than 64 bytes, padded with zeros to 64).",
    .tp_basicsize = sizeof(Sha256Key),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = sha256_key_new,
    .tp_dealloc = (destructor)sha256_key_dealloc,
    .tp_methods = sha256_key_methods,
};

/* sha256_available(): whether Sha256Key can be made (the CPU has the SHA extensions). */
static PyObject *
sha256_available(PyObject *module, PyObject *unused)
{
    return PyBool_FromLong(sha256_blocks != NULL);
}

/* HMAC(pad, prefix + body + suffix), as Keyring.mac(): a new bytes, or NULL. */
static PyObject *
mac(PyObject *pad, PyObject *prefix, PyObject *body, PyObject *suffix)
{
    if (Py_IS_TYPE(pad, &Sha256KeyType)) {
        PyObject *parts[3] = {prefix, body, suffix};
        return sha256_key_mac_of((const Sha256Key *)pad, parts, 3);
    }
    PyObject *inner = call_method(PyTuple_GET_ITEM(pad, 0), str_copy, NULL);
    if (inner == NULL) {
        return NULL;
    }
    PyObject *outer = NULL, *inner_digest = NULL, *result = NULL;
    if ((PyBytes_GET_SIZE(prefix) && feed(inner, prefix) != GO_ON) || feed(inner, body) != GO_ON
        || (PyBytes_GET_SIZE(suffix) && feed(inner, suffix) != GO_ON)) {
        goto done;
    }
    if ((inner_digest = call_method(inner, str_digest, NULL)) == NULL) {
        goto done;
    }
    if ((outer = call_method(PyTuple_GET_ITEM(pad, 1), str_copy, NULL)) == NULL) {
        goto done;
    }
    if (feed(outer, inner_digest) != GO_ON) {
        goto done;
    }
    result = call_method(outer, str_digest, NULL);
done:
    Py_XDECREF(outer);
    Py_XDECREF(inner_digest);
    Py_DECREF(inner);
    return result;
}

/*
 * GO_ON when a live secret's MAC over prefix + body + suffix equals one of the
 * candidates (hmac.compare_digest), DECIDE_IN_PYTHON when none does, FAILED on error.
 */
static int
any_mac_matches(const Verifier *self, PyObject *prefix, PyObject *body, PyObject *suffix,
                PyObject **candidates, int candidate_count, double now)
{
    for (Py_ssize_t i = 0; i < self->pad_count; i++) {
        if (self->expires != NULL && !(now <= self->expires[i])) {
            continue;
        }
        PyObject *expected = mac(PyTuple_GET_ITEM(self->pads, i), prefix, body, suffix);
        if (expected == NULL) {
            return FAILED;
        }
        for (int j = 0; j < candidate_count; j++) {
            PyObject *args[2] = {expected, candidates[j]};
            PyObject *same = PyObject_Vectorcall(self->compare_digest, args, 2, NULL);
            if (same == NULL) {
                Py_DECREF(expected);
                return FAILED;
            }
            int matched = same == Py_True;
            Py_DECREF(same);
            if (matched) {
                Py_DECREF(expected);
                return GO_ON;
            }
        }
        Py_DECREF(expected);
    }
    return DECIDE_IN_PYTHON;
}

/* A candidate signature as bytes; wrong-sized ones are dropped (they cannot match). */
static int
add_candidate(const Verifier *self, const unsigned char *data, Py_ssize_t len, PyObject **candidates,
              int *count)
{
    if (len != self->digest_size || *count >= MAX_SIGNATURES + 1) {
        return GO_ON;
    }
    PyObject *candidate = PyBytes_FromStringAndSize((const char *)data, len);
    if (candidate == NULL) {
        return FAILED;
    }
    candidates[(*count)++] = candidate;
    return GO_ON;
}

/* A Verified(timestamp, signed_at, message_id), made as object.__setattr__ would;
   without a timestamp (NULL), its time is None too. */
static PyObject *
make_verified(const Verifier *self, PyObject *stamp, double signed_at, PyObject *message_id)
{
    PyTypeObject *type = (PyTypeObject *)self->verified_type;
    PyObject *made = type->tp_alloc(type, 0);
    if (made == NULL) {
        return NULL;
    }
    PyObject *when = stamp == NULL ? Py_NewRef(Py_None) : PyFloat_FromDouble(signed_at);
    if (stamp == NULL) {
        stamp = Py_None;
    }
    if (when == NULL || PyObject_GenericSetAttr(made, str_timestamp, stamp) < 0
        || PyObject_GenericSetAttr(made, str_signed_at, when) < 0
        || PyObject_GenericSetAttr(made, str_message_id, message_id) < 0) {
        Py_CLEAR(made);
    }
    Py_XDECREF(when);
    return made;
}

/* ---------------------------------------------------------------- the schemes */

/*
 * The MAC check and the result, once the headers are read: the texts the result
 * holds become str objects first, because hashing a large body lets other threads
 * run, and one of them could change the headers the texts point into.
 */
static PyObject *
match_and_verify(const Verifier *self, PyObject *prefix, PyObject *body, PyObject *suffix,
                 PyObject **candidates, int count, double now, const Text *stamp, double signed_at,
                 const Text *message_id)
{
    PyObject *stamp_text = NULL, *id_text = NULL, *result = NULL;
    if (stamp != NULL && (stamp_text = text_str(*stamp)) == NULL) {
        return NULL;
    }
    if (message_id != NULL && (id_text = text_str(*message_id)) == NULL) {
        goto done;
    }
    int matched = any_mac_matches(self, prefix, body, suffix, candidates, count, now);
    if (matched == GO_ON) {
        result = stamp == NULL && message_id == NULL
                     ? Py_NewRef(self->nothing_signed)
                     : make_verified(self, stamp_text, signed_at, id_text == NULL ? Py_None : id_text);
    }
    else if (matched == DECIDE_IN_PYTHON) {
        result = Py_NewRef(Py_None);
    }
done:
    Py_XDECREF(stamp_text);
    Py_XDECREF(id_text);
    return result;
}

static void
release(PyObject **candidates, int count)
{
    for (int j = 0; j < count; j++) {
        Py_DECREF(candidates[j]);
    }
}

/* KeyedListSignature: "t=<digits>,<label>=<hex>[,...]" in one header. */
static PyObject *
verify_keyed(Verifier *self, PyObject *headers, PyObject *body, double now)
{
    Text found[1];
    int scanned = scan_headers(&self->wanted, self->headers_type, headers, found);
    if (scanned != GO_ON) {
        return scanned == FAILED ? NULL : Py_NewRef(Py_None);
    }
    Text value = found[0];
    if (value.owner == NULL || value.len == 0) {
        Py_RETURN_NONE;
    }
    /* Py_ssize_t, and no further than the limit: an int wrapped negative past
       INT_MAX separators, under the limit (tests/test_speedups.py) */
    Py_ssize_t entries = 1;
    for (Py_ssize_t i = 0; i < value.len && entries <= MAX_SIGNATURES + 1; i++) {
        entries += value.data[i] == self->entry_separator;
    }
    if (entries > MAX_SIGNATURES + 1) {
        Py_RETURN_NONE;
    }
    PyObject *candidates[MAX_SIGNATURES + 1];
    int count = 0;
    Text timestamp = {NULL, 0, NULL};
    Py_ssize_t start = 0;
    while (start <= value.len) {
        Py_ssize_t end = start;
        while (end < value.len && value.data[end] != self->entry_separator) {
            end++;
        }
        Text entry = {value.data + start, end - start, value.owner};
        start = end + 1;
        const char *equals = memchr(entry.data, '=', (size_t)entry.len);
        if (equals == NULL) {
            if (trim(entry).len == 0) {
                continue; /* a stray separator */
            }
            release(candidates, count);
            Py_RETURN_NONE; /* not key=value: malformed */
        }
        Text key = trim((Text){entry.data, equals - entry.data, value.owner});
        Text item = trim((Text){equals + 1, entry.data + entry.len - equals - 1, value.owner});
        if (equal_exact(key, &self->timestamp_label)) {
            if (timestamp.owner != NULL) {
                release(candidates, count);
                Py_RETURN_NONE; /* two timestamps: malformed */
            }
            timestamp = item;
        }
        else if (equal_exact(key, &self->entry_label)) {
            unsigned char decoded[MAX_DIGEST];
            Py_ssize_t len = decode_hex(item, decoded, MAX_DIGEST);
            if (len >= 0 && add_candidate(self, decoded, len, candidates, &count) != GO_ON) {
                release(candidates, count);
                return NULL;
            }
        }
    }
    double signed_at;
    if (timestamp.owner == NULL || count == 0 || check_timestamp(self, timestamp, now, &signed_at) != GO_ON) {
        release(candidates, count);
        Py_RETURN_NONE;
    }
    /* "<timestamp><separator>" */
    Py_ssize_t separator_len = PyBytes_GET_SIZE(self->separator);
    PyObject *prefix = PyBytes_FromStringAndSize(NULL, timestamp.len + separator_len);
    PyObject *result = NULL;
    if (prefix != NULL) {
        memcpy(PyBytes_AS_STRING(prefix), timestamp.data, (size_t)timestamp.len);
        memcpy(PyBytes_AS_STRING(prefix) + timestamp.len, PyBytes_AS_STRING(self->separator),
               (size_t)separator_len);
        result = match_and_verify(self, prefix, body, empty_bytes, candidates, count, now, &timestamp,
                                  signed_at, NULL);
        Py_DECREF(prefix);
    }
    release(candidates, count);
    return result;
}

/* parts[0] + found[slots[0]] + parts[1] + found[slots[1]] + ... as bytes. */
static PyObject *
join_parts(PyObject *parts, const int *slots, const Text *found)
{
    Py_ssize_t n = PyTuple_GET_SIZE(parts);
    if (n == 1) {
        return Py_NewRef(PyTuple_GET_ITEM(parts, 0));
    }
    Py_ssize_t size = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        size += PyBytes_GET_SIZE(PyTuple_GET_ITEM(parts, i)) + (i > 0 ? found[slots[i - 1]].len : 0);
    }
    PyObject *joined = PyBytes_FromStringAndSize(NULL, size);
    if (joined == NULL) {
        return NULL;
    }
    char *out = PyBytes_AS_STRING(joined);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *part = PyTuple_GET_ITEM(parts, i);
        if (i > 0) {
            Text value = found[slots[i - 1]];
            memcpy(out, value.data, (size_t)value.len);
            out += value.len;
        }
        memcpy(out, PyBytes_AS_STRING(part), (size_t)PyBytes_GET_SIZE(part));
        out += PyBytes_GET_SIZE(part);
    }
    return joined;
}

/* HmacSignature: "<prefix><hex or base64>", maybe a timestamp and other signed headers. */
static PyObject *
verify_single(Verifier *self, PyObject *headers, PyObject *body, double now)
{
    Text found[6];
    int scanned = scan_headers(&self->wanted, self->headers_type, headers, found);
    if (scanned != GO_ON) {
        return scanned == FAILED ? NULL : Py_NewRef(Py_None);
    }
    for (int i = 0; i < self->wanted.count; i++) {
        if (found[i].owner == NULL || found[i].len == 0) {
            Py_RETURN_NONE; /* missing or blank: Python says which */
        }
    }
    Text value = found[0];
    if (value.len < self->prefix.len || !equal_lower(value.data, self->prefix.len, &self->prefix)) {
        Py_RETURN_NONE;
    }
    value.data += self->prefix.len;
    value.len -= self->prefix.len;
    unsigned char decoded[MAX_DIGEST];
    Py_ssize_t len = self->base64 ? decode_base64(value, decoded, MAX_DIGEST) : decode_hex(value, decoded, MAX_DIGEST);
    if (len != self->digest_size) {
        Py_RETURN_NONE;
    }
    double signed_at = 0;
    if (self->has_timestamp && check_timestamp(self, found[1], now, &signed_at) != GO_ON) {
        Py_RETURN_NONE;
    }
    PyObject *candidate = PyBytes_FromStringAndSize((const char *)decoded, len);
    PyObject *prefix = candidate == NULL ? NULL : join_parts(self->before_parts, self->before_slots, found);
    PyObject *suffix = prefix == NULL ? NULL : join_parts(self->after_parts, self->after_slots, found);
    PyObject *result = NULL;
    if (suffix != NULL) {
        result = match_and_verify(self, prefix, body, suffix, &candidate, 1, now,
                                  self->has_timestamp ? &found[1] : NULL, signed_at,
                                  self->message_id_slot >= 0 ? &found[self->message_id_slot] : NULL);
    }
    Py_XDECREF(candidate);
    Py_XDECREF(prefix);
    Py_XDECREF(suffix);
    return result;
}

/* StandardWebhooksSignature: webhook-id, -timestamp, -signature (or svix-). */
static PyObject *
verify_standard(Verifier *self, PyObject *headers, PyObject *body, double now)
{
    Text found[6];
    int scanned = scan_headers(&self->wanted, self->headers_type, headers, found);
    if (scanned != GO_ON) {
        return scanned == FAILED ? NULL : Py_NewRef(Py_None);
    }
    /* webhook- names unless only svix-signature was sent (standard_headers()) */
    Text *sent = found[2].owner == NULL && found[5].owner != NULL ? found + 3 : found;
    Text id = sent[0], stamp = sent[1], signature = sent[2];
    if (id.owner == NULL || stamp.owner == NULL || signature.owner == NULL || id.len == 0 || stamp.len == 0
        || signature.len == 0) {
        Py_RETURN_NONE;
    }
    Py_ssize_t entries = 1; /* as in verify_keyed: no int to wrap, counted up to the limit */
    for (Py_ssize_t i = 0; i < signature.len && entries <= MAX_SIGNATURES; i++) {
        entries += is_ows(signature.data[i]);
    }
    double signed_at;
    if (entries > MAX_SIGNATURES || check_timestamp(self, stamp, now, &signed_at) != GO_ON) {
        Py_RETURN_NONE;
    }
    PyObject *candidates[MAX_SIGNATURES + 1];
    int count = 0;
    Py_ssize_t start = 0;
    while (start <= signature.len) {
        Py_ssize_t end = start;
        while (end < signature.len && !is_ows(signature.data[end])) {
            end++;
        }
        Text entry = {signature.data + start, end - start, signature.owner};
        start = end + 1;
        if (entry.len > 3 && memcmp(entry.data, "v1,", 3) == 0) {
            unsigned char decoded[MAX_DIGEST];
            Py_ssize_t len = decode_base64((Text){entry.data + 3, entry.len - 3, entry.owner}, decoded, MAX_DIGEST);
            if (len >= 0 && add_candidate(self, decoded, len, candidates, &count) != GO_ON) {
                release(candidates, count);
                return NULL;
            }
        }
    }
    if (count == 0) {
        Py_RETURN_NONE;
    }
    /* "<id>.<timestamp>." */
    PyObject *prefix = PyBytes_FromStringAndSize(NULL, id.len + stamp.len + 2);
    PyObject *result = NULL;
    if (prefix != NULL) {
        char *out = PyBytes_AS_STRING(prefix);
        memcpy(out, id.data, (size_t)id.len);
        out[id.len] = '.';
        memcpy(out + id.len + 1, stamp.data, (size_t)stamp.len);
        out[id.len + 1 + stamp.len] = '.';
        result = match_and_verify(self, prefix, body, empty_bytes, candidates, count, now, &stamp, signed_at,
                                  &id);
        Py_DECREF(prefix);
    }
    release(candidates, count);
    return result;
}

/*
 * BearerToken: "<word> <token>" in one header (the word case-insensitive, the token
 * trimmed of OWS), equal to a live configured token. Every live token is compared,
 * without stopping at a match, as the Python scheme does.
 */
static PyObject *
verify_token(Verifier *self, PyObject *headers, double now)
{
    Text found[1];
    int scanned = scan_headers(&self->wanted, self->headers_type, headers, found);
    if (scanned != GO_ON) {
        return scanned == FAILED ? NULL : Py_NewRef(Py_None);
    }
    Text value = found[0];
    if (value.owner == NULL) {
        Py_RETURN_NONE;
    }
    Text token = value; /* without a scheme word, the whole value (trimmed) is the key */
    if (self->prefix.len > 0) {
        Py_ssize_t space = 0;
        while (space < value.len && value.data[space] != ' ') {
            space++;
        }
        if (space == value.len || !equal_lower(value.data, space, &self->prefix)) {
            Py_RETURN_NONE;
        }
        token = trim((Text){value.data + space + 1, value.len - space - 1, value.owner});
    }
    if (token.len == 0) {
        Py_RETURN_NONE;
    }
    PyObject *given = PyBytes_FromStringAndSize(token.data, token.len);
    if (given == NULL) {
        return NULL;
    }
    int matched = 0;
    for (Py_ssize_t i = 0; i < self->pad_count; i++) {
        if (self->expires != NULL && !(now <= self->expires[i])) {
            continue;
        }
        PyObject *args[2] = {given, PyTuple_GET_ITEM(self->pads, i)};
        PyObject *same = PyObject_Vectorcall(self->compare_digest, args, 2, NULL);
        if (same == NULL) {
            Py_DECREF(given);
            return NULL;
        }
        matched |= same == Py_True;
        Py_DECREF(same);
    }
    Py_DECREF(given);
    return Py_NewRef(matched ? self->nothing_signed : Py_None);
}

/* The fast path alone: a Verified, or None to leave the request to Python. */
static PyObject *
try_fast(Verifier *self, PyObject *headers, PyObject *body, PyObject *now_obj)
{
    double now;
    if (read_now(now_obj, &now) != GO_ON) {
        Py_RETURN_NONE;
    }
    switch (self->kind) {
    case KIND_KEYED:
        return verify_keyed(self, headers, body, now);
    case KIND_SINGLE:
        return verify_single(self, headers, body, now);
    case KIND_TOKEN:
        return verify_token(self, headers, now);
    default:
        return verify_standard(self, headers, body, now);
    }
}

static PyObject *
verifier_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Verifier *self = (Verifier *)callable;
    if (was_cleared(self->fallback, "Verifier")) {
        return NULL;
    }
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs != 3 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
        return PyObject_Vectorcall(self->fallback, args, nargsf, kwnames);
    }
    PyObject *result = try_fast(self, args[0], args[1], args[2]);
    if (result != Py_None) {
        return result;
    }
    Py_DECREF(result);
    return PyObject_Vectorcall(self->fallback, args, nargsf, kwnames);
}

static PyObject *
verifier_try_fast(Verifier *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "try_fast(headers, body, now)");
        return NULL;
    }
    if (was_cleared(self->fallback, "Verifier")) {
        return NULL;
    }
    return try_fast(self, args[0], args[1], args[2]);
}

/* ------------------------------------------------------------ the Verifier type */

static int
copy_name(Name *name, PyObject *text, const char *what)
{
    if (!PyUnicode_Check(text) || !PyUnicode_IS_ASCII(text) || PyUnicode_GET_LENGTH(text) > MAX_NAME) {
        PyErr_Format(PyExc_ValueError, "%s must be ASCII text of at most %d characters", what, MAX_NAME);
        return -1;
    }
    name->len = PyUnicode_GET_LENGTH(text);
    memcpy(name->text, PyUnicode_1BYTE_DATA(text), (size_t)name->len);
    name->text[name->len] = '\0';
    return 0;
}

static int
copy_lower_name(Name *name, PyObject *text, const char *what)
{
    if (copy_name(name, text, what) < 0) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < name->len; i++) {
        if (name->text[i] >= 'A' && name->text[i] <= 'Z') {
            name->text[i] = (char)(name->text[i] + ('a' - 'A'));
        }
    }
    return 0;
}

static int
bytes_tuple(PyObject *obj, const char *what)
{
    if (!PyTuple_CheckExact(obj) || PyTuple_GET_SIZE(obj) < 1) {
        PyErr_Format(PyExc_TypeError, "%s must be a non-empty tuple of bytes", what);
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(obj); i++) {
        if (!PyBytes_CheckExact(PyTuple_GET_ITEM(obj, i))) {
            PyErr_Format(PyExc_TypeError, "%s must be a non-empty tuple of bytes", what);
            return -1;
        }
    }
    return 0;
}

/*
 * Which header fills each gap between `parts`: from `given` (a tuple of indexes into the
 * headers read), or, when it is None, the timestamp header (slot 1) for every gap.
 */
static int
read_slots(int *slots, PyObject *given, PyObject *parts, const Verifier *self)
{
    Py_ssize_t gaps = PyTuple_GET_SIZE(parts) - 1;
    if (gaps > MAX_GAPS || (given != Py_None && (!PyTuple_CheckExact(given) || PyTuple_GET_SIZE(given) != gaps))) {
        PyErr_Format(PyExc_ValueError, "the slots must be a tuple of one index per gap between parts (at most %d)",
                     MAX_GAPS);
        return -1;
    }
    for (Py_ssize_t i = 0; i < gaps; i++) {
        long slot = 1;
        if (given != Py_None) {
            slot = PyLong_AsLong(PyTuple_GET_ITEM(given, i));
            if (slot == -1 && PyErr_Occurred()) {
                return -1;
            }
        }
        if (slot < 1 || slot >= self->wanted.count) {
            PyErr_SetString(PyExc_ValueError,
                            self->has_timestamp || given != Py_None
                                ? "a slot must be the index of a signed header other than the signature"
                                : "without a timestamp or signed headers, the parts are one piece each");
            return -1;
        }
        slots[i] = (int)slot;
    }
    return 0;
}

static PyObject *
verifier_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"kind", "fallback", "pads", "expires", "digest_size", "tolerance",
                               "seconds_below", "verified_type", "nothing_signed", "headers_type",
                               "compare_digest", "header", "timestamp_header", "timestamp_label",
                               "entry_label", "entry_separator", "separator", "prefix", "base64",
                               "before_parts", "after_parts", "field_headers", "before_slots",
                               "after_slots", "message_id_slot", NULL};
    int kind, base64 = 0, message_id_slot = -1;
    Py_ssize_t digest_size;
    double tolerance, seconds_below;
    PyObject *fallback, *pads, *expires, *verified_type, *nothing_signed, *headers_type, *compare_digest;
    PyObject *header = Py_None, *timestamp_header = Py_None, *timestamp_label = Py_None,
             *entry_label = Py_None, *entry_separator = Py_None, *separator = Py_None, *prefix = Py_None,
             *before_parts = Py_None, *after_parts = Py_None, *field_headers = Py_None,
             *before_slots = Py_None, *after_slots = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "iOOOnddOOOO|OOOOOOOpOOOOOi:Verifier", keywords, &kind,
                                     &fallback, &pads, &expires, &digest_size, &tolerance, &seconds_below,
                                     &verified_type, &nothing_signed, &headers_type, &compare_digest,
                                     &header, &timestamp_header, &timestamp_label, &entry_label,
                                     &entry_separator, &separator, &prefix, &base64, &before_parts,
                                     &after_parts, &field_headers, &before_slots, &after_slots,
                                     &message_id_slot)) {
        return NULL;
    }
    if (kind < KIND_KEYED || kind > KIND_TOKEN) {
        PyErr_SetString(PyExc_ValueError, "kind must be 1 (keyed list), 2 (single), 3 (standard) or 4 (token)");
        return NULL;
    }
    if (!PyCallable_Check(fallback) || !PyCallable_Check(compare_digest)) {
        PyErr_SetString(PyExc_TypeError, "fallback and compare_digest must be callable");
        return NULL;
    }
    if (!PyType_Check(verified_type) || !PyType_Check(headers_type)) {
        PyErr_SetString(PyExc_TypeError, "verified_type and headers_type must be classes");
        return NULL;
    }
    if (digest_size < 1 || digest_size > MAX_DIGEST) {
        PyErr_SetString(PyExc_ValueError, "digest_size must be 1-64");
        return NULL;
    }
    if (!PyTuple_CheckExact(pads) || PyTuple_GET_SIZE(pads) < 1) {
        PyErr_SetString(PyExc_TypeError, "pads must be a non-empty tuple of (inner, outer) pairs");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(pads); i++) {
        PyObject *pad = PyTuple_GET_ITEM(pads, i);
        int usable = kind == KIND_TOKEN ? PyBytes_CheckExact(pad)
                                        : Py_IS_TYPE(pad, &Sha256KeyType)
                                              || (PyTuple_CheckExact(pad) && PyTuple_GET_SIZE(pad) == 2);
        if (!usable) {
            PyErr_SetString(PyExc_TypeError, kind == KIND_TOKEN
                                                 ? "pads must be a non-empty tuple of token bytes"
                                                 : "pads must be a non-empty tuple of (inner, outer) pairs "
                                                   "or Sha256Keys");
            return NULL;
        }
    }
    if (expires != Py_None
        && (!PyTuple_CheckExact(expires) || PyTuple_GET_SIZE(expires) != PyTuple_GET_SIZE(pads))) {
        PyErr_SetString(PyExc_TypeError, "expires must be None or a tuple of floats, one per pad");
        return NULL;
    }
    Verifier *self = (Verifier *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->vectorcall = verifier_vectorcall;
    self->kind = kind;
    self->pad_count = PyTuple_GET_SIZE(pads);
    self->digest_size = digest_size;
    self->tolerance = tolerance;
    self->seconds_below = seconds_below;
    self->pads = Py_NewRef(pads);
    self->fallback = Py_NewRef(fallback);
    self->verified_type = Py_NewRef(verified_type);
    self->nothing_signed = Py_NewRef(nothing_signed);
    self->headers_type = Py_NewRef(headers_type);
    self->compare_digest = Py_NewRef(compare_digest);
    if (expires != Py_None) {
        self->expires = PyMem_Calloc((size_t)self->pad_count, sizeof(double));
        if (self->expires == NULL) {
            PyErr_NoMemory();
            goto error;
        }
        for (Py_ssize_t i = 0; i < self->pad_count; i++) {
            self->expires[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(expires, i));
            if (self->expires[i] == -1.0 && PyErr_Occurred()) {
                goto error;
            }
        }
    }
    if (kind == KIND_STANDARD) {
        const char *names[6] = {"webhook-id", "webhook-timestamp", "webhook-signature",
                                "svix-id", "svix-timestamp", "svix-signature"};
        for (int i = 0; i < 6; i++) {
            self->wanted.names[i].len = (Py_ssize_t)strlen(names[i]);
            memcpy(self->wanted.names[i].text, names[i], (size_t)self->wanted.names[i].len + 1);
        }
        self->wanted.count = 6;
        return (PyObject *)self;
    }
    if (copy_lower_name(&self->wanted.names[0], header, "header") < 0) {
        goto error;
    }
    self->wanted.count = 1;
    if (kind == KIND_TOKEN) {
        /* the scheme word ("bearer"), or "" for a header whose whole value is the key */
        if (copy_lower_name(&self->prefix, prefix, "prefix") < 0) {
            goto error;
        }
        return (PyObject *)self;
    }
    if (kind == KIND_KEYED) {
        Name entry_separator_name;
        if (copy_name(&self->timestamp_label, timestamp_label, "timestamp_label") < 0
            || copy_name(&self->entry_label, entry_label, "entry_label") < 0
            || copy_name(&entry_separator_name, entry_separator, "entry_separator") < 0) {
            goto error;
        }
        if (entry_separator_name.len != 1 || !PyBytes_CheckExact(separator)) {
            PyErr_SetString(PyExc_ValueError, "entry_separator must be one character, separator bytes");
            goto error;
        }
        self->entry_separator = entry_separator_name.text[0];
        self->separator = Py_NewRef(separator);
        return (PyObject *)self;
    }
    if (copy_lower_name(&self->prefix, prefix, "prefix") < 0 || bytes_tuple(before_parts, "before_parts") < 0
        || bytes_tuple(after_parts, "after_parts") < 0) {
        goto error;
    }
    self->base64 = base64;
    self->before_parts = Py_NewRef(before_parts);
    self->after_parts = Py_NewRef(after_parts);
    if (timestamp_header != Py_None) {
        if (copy_lower_name(&self->wanted.names[1], timestamp_header, "timestamp_header") < 0) {
            goto error;
        }
        self->wanted.count = 2;
        self->has_timestamp = 1;
    }
    if (field_headers != Py_None) {
        if (!PyTuple_CheckExact(field_headers) || PyTuple_GET_SIZE(field_headers) > 6 - self->wanted.count) {
            PyErr_SetString(PyExc_ValueError, "field_headers must be a tuple of at most 4 names");
            goto error;
        }
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(field_headers); i++) {
            if (copy_lower_name(&self->wanted.names[self->wanted.count], PyTuple_GET_ITEM(field_headers, i),
                                "field_headers") < 0) {
                goto error;
            }
            self->wanted.count++;
        }
    }
    for (int i = 1; i < self->wanted.count; i++) {
        for (int j = 0; j < i; j++) {
            if (self->wanted.names[i].len == self->wanted.names[j].len
                && memcmp(self->wanted.names[i].text, self->wanted.names[j].text, (size_t)self->wanted.names[i].len)
                       == 0) {
                PyErr_SetString(PyExc_ValueError, "the header names must be distinct");
                goto error;
            }
        }
    }
    if (read_slots(self->before_slots, before_slots, before_parts, self) < 0
        || read_slots(self->after_slots, after_slots, after_parts, self) < 0) {
        goto error;
    }
    if (message_id_slot < -1 || message_id_slot >= self->wanted.count) {
        PyErr_SetString(PyExc_ValueError, "message_id_slot must be -1 or the index of a header read");
        goto error;
    }
    self->message_id_slot = message_id_slot;
    return (PyObject *)self;
error:
    Py_DECREF(self);
    return NULL;
}

static int
verifier_traverse(Verifier *self, visitproc visit, void *arg)
{
    Py_VISIT(self->pads);
    Py_VISIT(self->fallback);
    Py_VISIT(self->verified_type);
    Py_VISIT(self->nothing_signed);
    Py_VISIT(self->headers_type);
    Py_VISIT(self->compare_digest);
    Py_VISIT(self->separator);
    Py_VISIT(self->before_parts);
    Py_VISIT(self->after_parts);
    return 0;
}

static int
verifier_clear(Verifier *self)
{
    Py_CLEAR(self->pads);
    Py_CLEAR(self->fallback);
    Py_CLEAR(self->verified_type);
    Py_CLEAR(self->nothing_signed);
    Py_CLEAR(self->headers_type);
    Py_CLEAR(self->compare_digest);
    Py_CLEAR(self->separator);
    Py_CLEAR(self->before_parts);
    Py_CLEAR(self->after_parts);
    return 0;
}

static void
verifier_dealloc(Verifier *self)
{
    PyObject_GC_UnTrack(self);
    verifier_clear(self);
    PyMem_Free(self->expires);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
verifier_repr(Verifier *self)
{
    /* counts only: the pads are secrets */
    static const char *kinds[] = {"", "keyed list", "single", "standard", "token"};
    return PyUnicode_FromFormat("<webhook_receiver._speedups.Verifier %s, %zd secret(s)>", kinds[self->kind],
                                self->pad_count);
}

static PyMethodDef verifier_methods[] = {
    {"try_fast", (PyCFunction)(void (*)(void))verifier_try_fast, METH_FASTCALL,
     "try_fast(headers, body, now): the Verified the fast path accepts, or None (Python decides)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject VerifierType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "webhook_receiver._speedups.Verifier",
    .tp_doc = "A scheme's verify(headers, body, now), compiled for the usual request; "
              "anything else goes to the scheme's own verify.",
    .tp_basicsize = sizeof(Verifier),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = verifier_new,
    .tp_dealloc = (destructor)verifier_dealloc,
    .tp_traverse = (traverseproc)verifier_traverse,
    .tp_clear = (inquiry)verifier_clear,
    .tp_repr = (reprfunc)verifier_repr,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Verifier, vectorcall),
    .tp_methods = verifier_methods,
};

/* ------------------------------------------------------------ the Prechecker type */

/*
 * Receiver.precheck for the usual request: a method the receiver takes, one
 * Content-Length of ASCII digits within the limit, one Content-Type exactly as
 * accepted (or none). It returns the checked Headers view, as the Python precheck
 * builds it; anything else is None, and the Python precheck decides (and raises).
 */
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *receiver;
    PyObject *methods;  /* tuple of str */
    PyObject *accepted; /* frozenset of str, or None: every content type */
    PyObject *headers_type;
    unsigned long long max_body_size;
} Prechecker;

static PyObject *str_items, *str_checked_by, *str_content_length;

static const NameSet PRECHECKED = {{{"content-length", 14}, {"content-type", 12}}, 2};

static PyObject *
prechecked_view(Prechecker *self, PyObject *pairs, PyObject *length)
{
    PyTypeObject *type = (PyTypeObject *)self->headers_type;
    PyObject *view = type->tp_alloc(type, 0);
    if (view == NULL) {
        return NULL;
    }
    if (PyObject_GenericSetAttr(view, str_pairs, pairs) < 0
        || PyObject_GenericSetAttr(view, str_checked_by, self->receiver) < 0
        || PyObject_GenericSetAttr(view, str_content_length, length) < 0) {
        Py_CLEAR(view);
    }
    return view;
}

static PyObject *
precheck_fast(Prechecker *self, PyObject *method, PyObject *headers)
{
    if (!PyUnicode_CheckExact(method)) {
        Py_RETURN_NONE;
    }
    int known = PySequence_Contains(self->methods, method);
    if (known <= 0) {
        return known < 0 ? NULL : Py_NewRef(Py_None);
    }
    PyObject *pairs;
    if (PyDict_CheckExact(headers)) {
        pairs = PyObject_CallMethodNoArgs(headers, str_items); /* Headers(dict) keeps dict.items() */
        if (pairs == NULL) {
            return NULL;
        }
    }
    else if (PyList_CheckExact(headers) || PyTuple_CheckExact(headers)) {
        pairs = Py_NewRef(headers);
    }
    else if ((PyObject *)Py_TYPE(headers) == self->headers_type) {
        /* already checked by this receiver: handle() after the adapter's precheck() */
        PyObject *by = PyObject_GetAttr(headers, str_checked_by);
        if (by == NULL) {
            return NULL;
        }
        int same = by == self->receiver;
        Py_DECREF(by);
        return Py_NewRef(same ? headers : Py_None);
    }
    else {
        Py_RETURN_NONE;
    }
    Text found[2];
    clear_found(&PRECHECKED, found);
    PyObject *length = NULL, *media = NULL, *result = NULL;
    int scanned = scan_pairs(&PRECHECKED, PyDict_CheckExact(headers) ? headers : pairs, found);
    if (scanned != GO_ON) {
        result = scanned == FAILED ? NULL : Py_NewRef(Py_None);
        goto done;
    }
    if (found[0].owner != NULL) {
        unsigned long long value;
        if (read_digits(found[0], 19, &value) != GO_ON || value > self->max_body_size) {
            goto decline;
        }
        if ((length = PyLong_FromUnsignedLongLong(value)) == NULL) {
            goto done;
        }
    }
    if (found[1].owner != NULL && self->accepted != Py_None) {
        if ((media = text_str(found[1])) == NULL) {
            goto done;
        }
        int accepted = PySet_Contains(self->accepted, media);
        if (accepted < 0) {
            goto done;
        }
        if (!accepted) {
            goto decline;
        }
    }
    result = prechecked_view(self, pairs, length == NULL ? Py_None : length);
    goto done;
decline:
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(length);
    Py_XDECREF(media);
    Py_DECREF(pairs);
    return result;
}

static PyObject *
prechecker_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (PyVectorcall_NARGS(nargsf) != 2 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
        PyErr_SetString(PyExc_TypeError, "Prechecker(method, headers)");
        return NULL;
    }
    Prechecker *self = (Prechecker *)callable;
    if (self->receiver == NULL) { /* cleared by the garbage collector (tp_clear) */
        Py_RETURN_NONE;
    }
    return precheck_fast(self, args[0], args[1]);
}

static PyObject *
prechecker_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"receiver", "methods", "accepted", "max_body_size", "headers_type", NULL};
    PyObject *receiver, *methods, *accepted, *headers_type;
    unsigned long long max_body_size;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOKO:Prechecker", keywords, &receiver, &methods,
                                     &accepted, &max_body_size, &headers_type)) {
        return NULL;
    }
    if (!PyTuple_CheckExact(methods) || (accepted != Py_None && !PyFrozenSet_CheckExact(accepted))
        || !PyType_Check(headers_type)) {
        PyErr_SetString(PyExc_TypeError, "methods: a tuple; accepted: a frozenset or None; headers_type: a class");
        return NULL;
    }
    Prechecker *self = (Prechecker *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->vectorcall = prechecker_vectorcall;
    self->receiver = Py_NewRef(receiver);
    self->methods = Py_NewRef(methods);
    self->accepted = Py_NewRef(accepted);
    self->headers_type = Py_NewRef(headers_type);
    self->max_body_size = max_body_size;
    return (PyObject *)self;
}

static int
prechecker_traverse(Prechecker *self, visitproc visit, void *arg)
{
    Py_VISIT(self->receiver);
    Py_VISIT(self->methods);
    Py_VISIT(self->accepted);
    Py_VISIT(self->headers_type);
    return 0;
}

static int
prechecker_clear(Prechecker *self)
{
    Py_CLEAR(self->receiver);
    Py_CLEAR(self->methods);
    Py_CLEAR(self->accepted);
    Py_CLEAR(self->headers_type);
    return 0;
}

static void
prechecker_dealloc(Prechecker *self)
{
    PyObject_GC_UnTrack(self);
    prechecker_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject PrecheckerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "webhook_receiver._speedups.Prechecker",
    .tp_doc = "Receiver.precheck(method, headers) for the usual request: the checked Headers, "
              "or None to leave the request to the Python precheck.",
    .tp_basicsize = sizeof(Prechecker),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = prechecker_new,
    .tp_dealloc = (destructor)prechecker_dealloc,
    .tp_traverse = (traverseproc)prechecker_traverse,
    .tp_clear = (inquiry)prechecker_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Prechecker, vectorcall),
};

/* ------------------------------------------------------------- the TimeConverter type */

/*
 * _events.to_datetime (and _time_from_number) for the usual event time: ISO 8601 text
 * in UTC (from_iso_text), or an exact int, unix seconds below 10**11 or milliseconds
 * from there, in the years 1970-2106. The
 * datetime is built from its fields, as datetime.fromtimestamp(value or value / 1000,
 * UTC) would make it: in that range a millisecond's float division is within 0.24 µs
 * of the exact value, so fromtimestamp's rounding to the microsecond gives the exact
 * milliseconds. to_datetime's None (an absent field, often read) is None, as the
 * Python function answers. Anything else (floats, other text, negative or later
 * times, bools) goes to the Python function given.
 */
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *fallback;
    int read_text; /* ISO 8601 text too (to_datetime), or ints only (_time_from_number) */
    int rfc3339;   /* only RFC 3339 text, its usual form (_events.rfc3339_time) */
} TimeConverter;

#define MILLISECONDS_FROM 100000000000LL        /* _events.MILLISECONDS_FROM */
#define LAST_MILLISECOND 4294967295999LL         /* 2**32 seconds, in ms, less one */

static PyObject *
utc_datetime(long long seconds, int microseconds)
{
    /* days to a civil date (proleptic Gregorian; Howard Hinnant's days_from_civil inverse) */
    long long days = seconds / 86400, rest = seconds % 86400;
    long long z = days + 719468;
    long long era = z / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    int day = (int)(doy - (153 * mp + 2) / 5 + 1);
    int month = (int)(mp < 10 ? mp + 3 : mp - 9);
    int year = (int)(yoe + era * 400 + (month <= 2));
    return PyDateTimeAPI->DateTime_FromDateAndTime(year, month, day, (int)(rest / 3600), (int)(rest % 3600 / 60),
                                                   (int)(rest % 60), microseconds, PyDateTime_TimeZone_UTC,
                                                   PyDateTimeAPI->DateTimeType);
}

static PyObject *from_iso_format; /* datetime.fromisoformat */

static int
is_json_space(Py_UCS1 c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * _time_from_text's usual case: ISO 8601 text with nothing around it, which
 * datetime.fromisoformat reads as a UTC time ("...Z", "...+00:00"): that very
 * datetime. NULL (no exception set) for anything else, which the Python code reads:
 * other offsets, no offset, digits, text it refuses, JSON whitespace around it.
 */
static PyObject *
from_iso_text(PyObject *text)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    if (!PyUnicode_IS_ASCII(text) || len < 1) {
        return NULL;
    }
    const Py_UCS1 *data = PyUnicode_1BYTE_DATA(text);
    if (is_json_space(data[0]) || is_json_space(data[len - 1])) {
        return NULL;
    }
    int digits = 1;
    for (Py_ssize_t i = 0; i < len && digits; i++) {
        digits = data[i] >= '0' && data[i] <= '9';
    }
    if (digits) {
        return NULL; /* a unix time as text: the Python code's number path */
    }
    PyObject *parsed = PyObject_Vectorcall(from_iso_format, &text, 1, NULL);
    if (parsed == NULL) {
        PyErr_Clear(); /* the Python code raises or answers None, as it decides */
        return NULL;
    }
    if (!PyDateTime_CheckExact(parsed) || PyDateTime_DATE_GET_TZINFO(parsed) != PyDateTime_TimeZone_UTC) {
        Py_DECREF(parsed);
        return NULL;
    }
    return parsed;
}

/* The datetime for the usual value, or NULL: with an exception set, or none (Python decides). */
static PyObject *
fast_time(PyObject *value, int read_text)
{
    if (read_text && PyUnicode_CheckExact(value)) {
        return from_iso_text(value);
    }
    if (!PyLong_CheckExact(value)) {
        return NULL;
    }
    int overflow;
    long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (number == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (overflow || number < 0 || number > LAST_MILLISECOND) {
        return NULL;
    }
    if (number < MILLISECONDS_FROM) {
        return utc_datetime(number, 0);
    }
    return utc_datetime(number / 1000, (int)(number % 1000) * 1000);
}

/*
 * _events.rfc3339_time for the usual form (rfc3339_parts) until 2**32 seconds (2106):
 * the datetime fromtimestamp makes of rfc3339_seconds' float, since there the float is
 * within 0.24 µs of the exact time and fromtimestamp rounds it to the microsecond.
 */
static PyObject *
rfc3339_time(PyObject *value)
{
    Text t;
    long long whole;
    long micro;
    if (!PyUnicode_CheckExact(value) || !PyUnicode_IS_ASCII(value)) {
        return NULL;
    }
    t.data = (const char *)PyUnicode_1BYTE_DATA(value);
    t.len = PyUnicode_GET_LENGTH(value);
    t.owner = value;
    if (rfc3339_parts(t, &whole, &micro) != GO_ON || whole > LAST_MILLISECOND / 1000) {
        return NULL;
    }
    return utc_datetime(whole, (int)micro);
}

static PyObject *
time_converter_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    TimeConverter *self = (TimeConverter *)callable;
    if (was_cleared(self->fallback, "TimeConverter")) {
        return NULL;
    }
    if (PyVectorcall_NARGS(nargsf) == 1 && kwnames == NULL && self->rfc3339) {
        PyObject *made = rfc3339_time(args[0]);
        if (made != NULL || PyErr_Occurred()) {
            return made;
        }
    }
    else if (PyVectorcall_NARGS(nargsf) == 1 && kwnames == NULL) {
        if (self->read_text && args[0] == Py_None) {
            Py_RETURN_NONE;
        }
        PyObject *made = fast_time(args[0], self->read_text);
        if (made != NULL || PyErr_Occurred()) {
            return made;
        }
    }
    return PyObject_Vectorcall(self->fallback, args, nargsf, kwnames);
}

static PyObject *
time_converter_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"fallback", "read_text", "rfc3339", NULL};
    PyObject *fallback;
    int read_text = 0, rfc3339 = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|pp:TimeConverter", keywords, &fallback, &read_text,
                                     &rfc3339)) {
        return NULL;
    }
    if (read_text && rfc3339) {
        PyErr_SetString(PyExc_ValueError, "a TimeConverter reads ISO 8601 text or RFC 3339 text, not both");
        return NULL;
    }
    if (!PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "fallback must be callable");
        return NULL;
    }
    TimeConverter *self = (TimeConverter *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->vectorcall = time_converter_vectorcall;
    self->fallback = Py_NewRef(fallback);
    self->read_text = read_text;
    self->rfc3339 = rfc3339;
    return (PyObject *)self;
}

static int
time_converter_traverse(TimeConverter *self, visitproc visit, void *arg)
{
    Py_VISIT(self->fallback);
    return 0;
}

static int
time_converter_clear(TimeConverter *self)
{
    Py_CLEAR(self->fallback);
    return 0;
}

static void
time_converter_dealloc(TimeConverter *self)
{
    PyObject_GC_UnTrack(self);
    time_converter_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject TimeConverterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "webhook_receiver._speedups.TimeConverter",
    .tp_doc = "fallback(value) for any value; an exact int of unix seconds or milliseconds in "
              "1970-2106 made into its UTC datetime here.",
    .tp_basicsize = sizeof(TimeConverter),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = time_converter_new,
    .tp_dealloc = (destructor)time_converter_dealloc,
    .tp_traverse = (traverseproc)time_converter_traverse,
    .tp_clear = (inquiry)time_converter_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(TimeConverter, vectorcall),
};

/* ----------------------------------------------------------- records: a class's slots */

/*
 * A frozen, slotted dataclass as the compiled makers fill it (RecordMaker, and each of an
 * EventBuilder's shapes): each field one object slot, the instance allocated as
 * object.__new__ allocates it and each slot stored once, as _records.constructor does.
 */
#define MAX_FIELDS 32

typedef struct {
    PyTypeObject *cls;
    Py_ssize_t count; /* fields added so far */
    Py_ssize_t offsets[MAX_FIELDS];
} Layout;

/* The slot offset of cls's field `name`: a writable object slot of the class's own layout. */
static Py_ssize_t
slot_offset(PyTypeObject *cls, PyObject *name)
{
    PyObject *descriptor = PyObject_GetAttr((PyObject *)cls, name);
    if (descriptor == NULL) {
        return -1;
    }
    Py_ssize_t offset = -1;
    if (Py_IS_TYPE(descriptor, &PyMemberDescr_Type)) {
        PyMemberDescrObject *member = (PyMemberDescrObject *)descriptor;
        if (member->d_member->type == T_OBJECT_EX && !(member->d_member->flags & READONLY)
            && PyType_IsSubtype(cls, PyDescr_TYPE(member)) && member->d_member->offset > 0
            && member->d_member->offset <= cls->tp_basicsize - (Py_ssize_t)sizeof(PyObject *)) {
            offset = member->d_member->offset;
        }
    }
    Py_DECREF(descriptor);
    if (offset < 0) {
        PyErr_Format(PyExc_TypeError, "%R is not an object slot of %s", name, cls->tp_name);
    }
    return offset;
}

/* Start a layout of cls for `count` fields: -1 (an exception set) unless cls is made by
   object.__new__ and its instance is exactly `count` object slots, no more. */
static int
layout_init(Layout *layout, PyTypeObject *cls, Py_ssize_t count)
{
    if (cls->tp_new != PyBaseObject_Type.tp_new || cls->tp_alloc == NULL || cls->tp_dictoffset != 0
        || cls->tp_weaklistoffset != 0 || cls->tp_itemsize != 0 || count > MAX_FIELDS
        || (Py_ssize_t)(sizeof(PyObject) + (size_t)count * sizeof(PyObject *)) != cls->tp_basicsize) {
        PyErr_Format(PyExc_TypeError,
                     "%s must be a slotted class made by object.__new__, its %zd fields its slots (at most %d)",
                     cls->tp_name, count, MAX_FIELDS);
        return -1;
    }
    layout->cls = (PyTypeObject *)Py_NewRef(cls);
    layout->count = 0;
    return 0;
}

/* Add the next field, `name`: its own slot, not one already added (-1, an exception set). */
static int
layout_add(Layout *layout, PyObject *name)
{
    Py_ssize_t offset = slot_offset(layout->cls, name);
    if (offset < 0) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < layout->count; i++) {
        if (layout->offsets[i] == offset) {
            PyErr_Format(PyExc_TypeError, "%R is given twice", name);
            return -1;
        }
    }
    layout->offsets[layout->count++] = offset;
    return 0;
}

/* A new instance with field i's slot set to values[i], for every field: the values are
   new references, stolen (released if the instance cannot be made). */
static PyObject *
layout_new(const Layout *layout, PyObject **values)
{
    PyObject *made = layout->cls->tp_alloc(layout->cls, 0);
    for (Py_ssize_t i = 0; i < layout->count; i++) {
        if (made == NULL) {
            Py_DECREF(values[i]);
        }
        else {
            *(PyObject **)((char *)made + layout->offsets[i]) = values[i];
        }
    }
    return made;
}

/* --------------------------------------------------------- the EventBuilder type */

/*
 * A provider's typed-event function (kourier_event, customerio_event) for the usual
 * payload: a JSON object whose event-type field is a non-empty string naming a shape
 * (or any other type, when there is a default shape), every field the shape reads
 * being the usual case: a string, an object, a time _events.to_datetime reads here,
 * a known member of an OpenEnum, or absent. The instance is made as
 * _records.constructor makes it (allocated, each slot stored once, no __init__).
 * Anything else, every error included, goes to the Python function given, which
 * reads it again and says what is wrong: the compiled code only accepts.
 */
enum {
    TAKE_FIXED = 0,         /* a constant: the provider's name, a field's default */
    TAKE_KIND = 1,          /* the event-type string */
    TAKE_PAYLOAD = 2,       /* the payload itself */
    TAKE_TEXT = 3,          /* str, or None when absent or null */
    TAKE_REQUIRED_TEXT = 4, /* a non-empty str */
    TAKE_MAPPING = 5,       /* dict, or a new empty dict when absent or null */
    TAKE_TIME = 6,          /* to_datetime's value, or None when absent or null */
    TAKE_MEMBER = 7,        /* a known member for a non-empty str, or None when absent or null */
    TAKE_REQUIRED_MEMBER = 8,
};

typedef struct {
    int how;
    PyObject *key;         /* the payload's key; TAKE_FIXED: the value */
    PyObject *members;     /* TAKE_*MEMBER: the enum's value -> member dict */
    Py_ssize_t key_index;  /* a payload key's place in the builder's keys */
} Take;

/* An event class and how each of its fields is taken (takes[i] fills layout field i). */
typedef struct {
    Layout layout;
    Take takes[MAX_FIELDS];
} Shape;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *fallback;
    PyObject *kind_key;
    PyObject *index_of; /* dict: event type -> index into shapes */
    Py_ssize_t default_index;
    Py_ssize_t shape_count;
    Shape *shapes;
    /* Every payload key the shapes read, each once, the event-type key first: what
       each() swaps for the batch's own key objects (see there). */
    Py_ssize_t key_count;
    PyObject **keys;
} EventBuilder;

/* The value one take reads from the payload: a new reference, or NULL (an exception
   set: FAILED; none: DECIDE_IN_PYTHON). */
static PyObject *
take_value(const Take *take, PyObject *payload, PyObject *kind, PyObject *const *keys)
{
    switch (take->how) {
    case TAKE_FIXED:
        return Py_NewRef(take->key);
    case TAKE_KIND:
        return Py_NewRef(kind);
    case TAKE_PAYLOAD:
        return Py_NewRef(payload);
    default:
        break;
    }
    PyObject *value = PyDict_GetItemWithError(payload, keys[take->key_index]);
    if (value == NULL && PyErr_Occurred()) {
        return NULL;
    }
    int absent = value == NULL || value == Py_None;
    switch (take->how) {
    case TAKE_TEXT:
        if (absent) {
            return Py_NewRef(Py_None);
        }
        return PyUnicode_CheckExact(value) ? Py_NewRef(value) : NULL;
    case TAKE_REQUIRED_TEXT:
        return !absent && PyUnicode_CheckExact(value) && PyUnicode_GET_LENGTH(value) > 0 ? Py_NewRef(value) : NULL;
    case TAKE_MAPPING:
        if (absent) {
            return PyDict_New();
        }
        return PyDict_CheckExact(value) ? Py_NewRef(value) : NULL;
    case TAKE_TIME:
        return absent ? Py_NewRef(Py_None) : fast_time(value, 1);
    case TAKE_MEMBER:
    case TAKE_REQUIRED_MEMBER: {
        if (absent) {
            return take->how == TAKE_MEMBER ? Py_NewRef(Py_None) : NULL;
        }
        if (!PyUnicode_CheckExact(value) || PyUnicode_GET_LENGTH(value) == 0) {
            return NULL;
        }
        PyObject *member = PyDict_GetItemWithError(take->members, value);
        return member == NULL ? NULL : Py_NewRef(member);
    }
    default:
        return NULL;
    }
}

/* The event, or NULL: with an exception set (FAILED), or none (Python decides). The
   payload's fields are looked up by keys[take->key_index]: the builder's keys, or
   equal ones (each() passes the batch's own). *shape_index is set to the shape read,
   once it is known. */
static PyObject *
build_fast(EventBuilder *self, PyObject *payload, PyObject *const *keys, Py_ssize_t *shape_index)
{
    if (!PyDict_CheckExact(payload)) {
        return NULL;
    }
    PyObject *kind = PyDict_GetItemWithError(payload, keys[0]);
    if (kind == NULL || !PyUnicode_CheckExact(kind) || PyUnicode_GET_LENGTH(kind) == 0) {
        return NULL;
    }
    Py_INCREF(kind); /* held while the other fields are read */
    Py_ssize_t index = self->default_index;
    PyObject *found = PyDict_GetItemWithError(self->index_of, kind);
    if (found != NULL) {
        index = PyLong_AsSsize_t(found);
    }
    if (PyErr_Occurred() || index < 0) {
        Py_DECREF(kind);
        return NULL;
    }
    *shape_index = index;
    const Shape *shape = &self->shapes[index];
    PyObject *values[MAX_FIELDS];
    Py_ssize_t taken = 0;
    for (; taken < shape->layout.count; taken++) {
        values[taken] = take_value(&shape->takes[taken], payload, kind, keys);
        if (values[taken] == NULL) {
            break;
        }
    }
    Py_DECREF(kind);
    if (taken < shape->layout.count) {
        for (Py_ssize_t i = 0; i < taken; i++) {
            Py_DECREF(values[i]);
        }
        return NULL;
    }
    return layout_new(&shape->layout, values);
}

static PyObject *
event_builder_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    EventBuilder *self = (EventBuilder *)callable;
    if (was_cleared(self->fallback, "EventBuilder")) {
        return NULL;
    }
    if (PyVectorcall_NARGS(nargsf) >= 1) {
        Py_ssize_t shape_index;
        PyObject *made = build_fast(self, args[0], self->keys, &shape_index);
        if (made != NULL || PyErr_Occurred()) {
            return made;
        }
    }
    return PyObject_Vectorcall(self->fallback, args, nargsf, kwnames);
}

static PyObject *
event_builder_try_fast(EventBuilder *self, PyObject *payload)
{
    if (was_cleared(self->fallback, "EventBuilder")) {
        return NULL;
    }
    Py_ssize_t shape_index;
    PyObject *made = build_fast(self, payload, self->keys, &shape_index);
    if (made != NULL || PyErr_Occurred()) {
        return made;
    }
    Py_RETURN_NONE;
}

/*
 * each() reads a batch's fields with the batch's own keys. The standard decoder makes
 * one str per distinct key of a document, shared by all its objects, and a dict finds
 * the very object it holds by its address, without comparing the text. So each()
 * starts from a copy of the builder's keys (a new reference each) and, from the first
 * object of each shape it builds, puts in place of every key not yet swapped the equal
 * key that object holds (alias_keys). An equal key finds the same value either way;
 * this only spares the comparisons.
 */
static PyObject **
copy_keys(const EventBuilder *self)
{
    PyObject **keys = PyMem_New(PyObject *, (size_t)self->key_count);
    if (keys == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t k = 0; k < self->key_count; k++) {
        keys[k] = Py_NewRef(self->keys[k]);
    }
    return keys;
}

static void
alias_keys(const EventBuilder *self, PyObject **keys, PyObject *item)
{
    Py_ssize_t pos = 0;
    PyObject *held, *value;
    while (PyDict_CheckExact(item) && PyDict_Next(item, &pos, &held, &value)) {
        if (!PyUnicode_CheckExact(held)) {
            continue;
        }
        for (Py_ssize_t k = 0; k < self->key_count; k++) {
            if (keys[k] == self->keys[k] && held != keys[k]
                && PyUnicode_GET_LENGTH(held) == PyUnicode_GET_LENGTH(keys[k])
                && PyUnicode_Compare(held, keys[k]) == 0) {
                Py_SETREF(keys[k], Py_NewRef(held));
                break;
            }
        }
    }
}

static void
release_keys(PyObject **keys, Py_ssize_t count)
{
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_DECREF(keys[k]);
    }
    PyMem_Free(keys);
}

/* each(items, where): [self(item, where, index) for index, item in enumerate(items)]. */
static PyObject *
event_builder_each(EventBuilder *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "each(items: list, where: str)");
        return NULL;
    }
    if (was_cleared(self->fallback, "EventBuilder")) {
        return NULL;
    }
    PyObject *items = args[0];
    Py_ssize_t key_count = self->key_count;
    PyObject **keys = copy_keys(self);
    if (keys == NULL) {
        return NULL;
    }
    PyObject *events = PyList_New(0);
    if (events == NULL) {
        release_keys(keys, key_count);
        return NULL;
    }
    unsigned long long aliased_shapes = 0; /* bit i: keys swapped from shape i's first object */
    /* The list's length is read again each time: a fallback is Python code. */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
        PyObject *item = Py_NewRef(PyList_GET_ITEM(items, i));
        Py_ssize_t shape_index = -1;
        PyObject *made = build_fast(self, item, keys, &shape_index);
        if (made != NULL && shape_index < 64 && !(aliased_shapes >> shape_index & 1)) {
            aliased_shapes |= 1ULL << shape_index;
            alias_keys(self, keys, item);
        }
        if (made == NULL && !PyErr_Occurred()) {
            PyObject *index = PyLong_FromSsize_t(i);
            if (index != NULL) {
                PyObject *call[3] = {item, args[1], index};
                made = PyObject_Vectorcall(self->fallback, call, 3, NULL);
                Py_DECREF(index);
            }
        }
        Py_DECREF(item);
        if (made == NULL || PyList_Append(events, made) < 0) {
            Py_XDECREF(made);
            Py_DECREF(events);
            release_keys(keys, key_count);
            return NULL;
        }
        Py_DECREF(made);
    }
    release_keys(keys, key_count);
    return events;
}

/* The place of `key` in the builder's keys, added there if no equal key is (room was
   made for every take's). */
static Py_ssize_t
key_index_of(EventBuilder *self, PyObject *key)
{
    for (Py_ssize_t k = 0; k < self->key_count; k++) {
        if (PyUnicode_Compare(self->keys[k], key) == 0) {
            return k;
        }
    }
    self->keys[self->key_count] = Py_NewRef(key);
    return self->key_count++;
}

/* One shape from (cls, ((field, how, key, members), ...)); every slot of cls once. */
static int
read_shape(EventBuilder *self, Shape *shape, PyObject *spec)
{
    if (!PyTuple_CheckExact(spec) || PyTuple_GET_SIZE(spec) != 2 || !PyType_Check(PyTuple_GET_ITEM(spec, 0))
        || !PyTuple_CheckExact(PyTuple_GET_ITEM(spec, 1))) {
        PyErr_SetString(PyExc_TypeError, "a shape is (class, tuple of takes)");
        return -1;
    }
    PyObject *takes = PyTuple_GET_ITEM(spec, 1);
    Py_ssize_t count = PyTuple_GET_SIZE(takes);
    if (layout_init(&shape->layout, (PyTypeObject *)PyTuple_GET_ITEM(spec, 0), count) < 0) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *take = PyTuple_GET_ITEM(takes, i);
        Take *out = &shape->takes[i];
        if (!PyTuple_CheckExact(take) || PyTuple_GET_SIZE(take) != 4 || !PyUnicode_Check(PyTuple_GET_ITEM(take, 0))
            || !PyLong_CheckExact(PyTuple_GET_ITEM(take, 1))) {
            PyErr_SetString(PyExc_TypeError, "a take is (field, how, key or value, members or None)");
            return -1;
        }
        long how = PyLong_AsLong(PyTuple_GET_ITEM(take, 1));
        PyObject *key = PyTuple_GET_ITEM(take, 2), *members = PyTuple_GET_ITEM(take, 3);
        if (how < TAKE_FIXED || how > TAKE_REQUIRED_MEMBER) {
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError, "unknown take");
            return -1;
        }
        if (how > TAKE_PAYLOAD && !PyUnicode_CheckExact(key)) {
            PyErr_SetString(PyExc_TypeError, "a payload key must be a str");
            return -1;
        }
        if ((how == TAKE_MEMBER || how == TAKE_REQUIRED_MEMBER) != (members != Py_None)
            || (members != Py_None && !PyDict_CheckExact(members))) {
            PyErr_SetString(PyExc_TypeError, "members is a dict for a member take, None otherwise");
            return -1;
        }
        if (layout_add(&shape->layout, PyTuple_GET_ITEM(take, 0)) < 0) {
            return -1;
        }
        out->how = (int)how;
        out->key = Py_NewRef(key);
        out->members = Py_XNewRef(members == Py_None ? NULL : members);
        out->key_index = how > TAKE_PAYLOAD ? key_index_of(self, key) : 0;
    }
    return 0;
}

static PyObject *
event_builder_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"fallback", "kind_key", "shapes", "default", NULL};
    PyObject *fallback, *kind_key, *shapes, *default_shape = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OUO!|O:EventBuilder", keywords, &fallback, &kind_key,
                                     &PyDict_Type, &shapes, &default_shape)) {
        return NULL;
    }
    if (!PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "fallback must be callable");
        return NULL;
    }
    EventBuilder *self = (EventBuilder *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->vectorcall = event_builder_vectorcall;
    self->fallback = Py_NewRef(fallback);
    self->kind_key = Py_NewRef(kind_key);
    self->default_index = -1;
    Py_ssize_t total = PyDict_GET_SIZE(shapes) + (default_shape != Py_None);
    self->shapes = PyMem_Calloc((size_t)(total > 0 ? total : 1), sizeof(Shape));
    self->keys = PyMem_Calloc((size_t)(1 + total * MAX_FIELDS), sizeof(PyObject *));
    self->index_of = PyDict_New();
    if (self->shapes == NULL || self->keys == NULL || self->index_of == NULL) {
        if (self->index_of != NULL) {
            PyErr_NoMemory();
        }
        goto error;
    }
    self->keys[self->key_count++] = Py_NewRef(kind_key);
    Py_ssize_t pos = 0;
    PyObject *kind, *spec;
    while (PyDict_Next(shapes, &pos, &kind, &spec)) {
        if (!PyUnicode_CheckExact(kind)) {
            PyErr_SetString(PyExc_TypeError, "event types must be str");
            goto error;
        }
        PyObject *index = PyLong_FromSsize_t(self->shape_count);
        int stored = index == NULL ? -1 : PyDict_SetItem(self->index_of, kind, index);
        Py_XDECREF(index);
        if (stored < 0) {
            goto error;
        }
        if (read_shape(self, &self->shapes[self->shape_count++], spec) < 0) {
            goto error;
        }
    }
    if (default_shape != Py_None) {
        self->default_index = self->shape_count;
        if (read_shape(self, &self->shapes[self->shape_count++], default_shape) < 0) {
            goto error;
        }
    }
    return (PyObject *)self;
error:
    Py_DECREF(self);
    return NULL;
}

static int
event_builder_traverse(EventBuilder *self, visitproc visit, void *arg)
{
    Py_VISIT(self->fallback);
    Py_VISIT(self->kind_key);
    Py_VISIT(self->index_of);
    for (Py_ssize_t k = 0; k < self->key_count; k++) {
        Py_VISIT(self->keys[k]);
    }
    for (Py_ssize_t i = 0; self->shapes != NULL && i < self->shape_count; i++) {
        Py_VISIT(self->shapes[i].layout.cls);
        for (Py_ssize_t j = 0; j < self->shapes[i].layout.count; j++) {
            Py_VISIT(self->shapes[i].takes[j].key);
            Py_VISIT(self->shapes[i].takes[j].members);
        }
    }
    return 0;
}

static int
event_builder_clear(EventBuilder *self)
{
    Py_CLEAR(self->fallback);
    Py_CLEAR(self->kind_key);
    Py_CLEAR(self->index_of);
    for (Py_ssize_t k = 0; k < self->key_count; k++) {
        Py_CLEAR(self->keys[k]);
    }
    self->key_count = 0;
    for (Py_ssize_t i = 0; self->shapes != NULL && i < self->shape_count; i++) {
        for (Py_ssize_t j = 0; j < self->shapes[i].layout.count; j++) {
            Py_CLEAR(self->shapes[i].takes[j].key);
            Py_CLEAR(self->shapes[i].takes[j].members);
        }
        Py_CLEAR(self->shapes[i].layout.cls);
        self->shapes[i].layout.count = 0;
    }
    self->shape_count = 0;
    return 0;
}

static void
event_builder_dealloc(EventBuilder *self)
{
    PyObject_GC_UnTrack(self);
    event_builder_clear(self);
    PyMem_Free(self->shapes);
    PyMem_Free(self->keys);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef event_builder_methods[] = {
    {"try_fast", (PyCFunction)event_builder_try_fast, METH_O,
     "try_fast(payload): the event the fast path builds, or None (the Python function decides)."},
    {"each", (PyCFunction)(void (*)(void))event_builder_each, METH_FASTCALL,
     "each(items, where): one event per item of a list, as self(item, where, index) makes it."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject EventBuilderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "webhook_receiver._speedups.EventBuilder",
    .tp_doc = "A provider's typed-event function, compiled for the usual payload; "
              "anything else goes to the function itself.",
    .tp_basicsize = sizeof(EventBuilder),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = event_builder_new,
    .tp_dealloc = (destructor)event_builder_dealloc,
    .tp_traverse = (traverseproc)event_builder_traverse,
    .tp_clear = (inquiry)event_builder_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(EventBuilder, vectorcall),
    .tp_methods = event_builder_methods,
};

/* --------------------------------------------------------- the RecordMaker type */

/*
 * _records.constructor(cls), compiled: cls(...) for a frozen, slotted dataclass,
 * without __init__ (each slot stored once). It binds the call's arguments as the
 * dataclass's __init__ would (positional fields in order, any field by keyword,
 * defaults, default factories called per instance); a call it cannot bind (a missing,
 * unknown or repeated argument, too many positional ones) goes to the Python
 * constructor given, which raises the TypeError cls(...) would.
 */
enum { FIELD_REQUIRED = 0, FIELD_DEFAULT = 1, FIELD_FACTORY = 2 };

typedef struct {
    PyObject *name;
    PyObject *value; /* the default, or the factory */
    int kw_only;
    int how;
} RecordField;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *fallback;
    Py_ssize_t positional; /* how many fields come first and may be given positionally */
    Layout layout;         /* fields[i] fills layout field i */
    RecordField fields[MAX_FIELDS];
} RecordMaker;

static Py_ssize_t
field_index(const RecordMaker *self, PyObject *name)
{
    for (Py_ssize_t i = 0; i < self->layout.count; i++) { /* names are interned: usually the same object */
        if (self->fields[i].name == name) {
            return i;
        }
    }
    for (Py_ssize_t i = 0; i < self->layout.count; i++) {
        if (PyUnicode_CheckExact(name) && PyUnicode_Compare(self->fields[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

static PyObject *
record_maker_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    RecordMaker *self = (RecordMaker *)callable;
    if (was_cleared(self->fallback, "RecordMaker")) {
        return NULL;
    }
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    Py_ssize_t keywords = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    PyObject *values[MAX_FIELDS] = {NULL};
    int bound = nargs <= self->positional;
    for (Py_ssize_t i = 0; bound && i < nargs; i++) {
        values[i] = args[i];
    }
    for (Py_ssize_t k = 0; bound && k < keywords; k++) {
        Py_ssize_t i = field_index(self, PyTuple_GET_ITEM(kwnames, k));
        bound = i >= 0 && values[i] == NULL;
        if (bound) {
            values[i] = args[nargs + k];
        }
    }
    for (Py_ssize_t i = 0; bound && i < self->layout.count; i++) {
        bound = values[i] != NULL || self->fields[i].how != FIELD_REQUIRED;
    }
    if (!bound) {
        return PyObject_Vectorcall(self->fallback, args, nargsf, kwnames);
    }
    /* every value is now a new reference: the factories' results, the others held */
    for (Py_ssize_t i = 0; i < self->layout.count; i++) {
        const RecordField *field = &self->fields[i];
        if (values[i] != NULL) {
            Py_INCREF(values[i]);
        }
        else if (field->how == FIELD_DEFAULT) {
            values[i] = Py_NewRef(field->value);
        }
        else if ((values[i] = PyObject_CallNoArgs(field->value)) == NULL) {
            for (Py_ssize_t j = 0; j < i; j++) {
                Py_DECREF(values[j]);
            }
            return NULL;
        }
    }
    return layout_new(&self->layout, values);
}

static PyObject *
record_maker_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"cls", "fields", "fallback", NULL};
    PyObject *cls, *fields, *fallback;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!O:RecordMaker", keywords, &PyType_Type, &cls, &PyTuple_Type,
                                     &fields, &fallback)) {
        return NULL;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(fields);
    if (!PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "fallback must be callable");
        return NULL;
    }
    RecordMaker *self = (RecordMaker *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->vectorcall = record_maker_vectorcall;
    self->fallback = Py_NewRef(fallback);
    if (layout_init(&self->layout, (PyTypeObject *)cls, count) < 0) {
        goto error;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *spec = PyTuple_GET_ITEM(fields, i);
        RecordField *field = &self->fields[i];
        if (!PyTuple_CheckExact(spec) || PyTuple_GET_SIZE(spec) != 4 || !PyUnicode_CheckExact(PyTuple_GET_ITEM(spec, 0))
            || !PyBool_Check(PyTuple_GET_ITEM(spec, 1)) || !PyLong_CheckExact(PyTuple_GET_ITEM(spec, 2))) {
            PyErr_SetString(PyExc_TypeError, "a field is (name, kw_only, how, default or factory)");
            goto error;
        }
        long how = PyLong_AsLong(PyTuple_GET_ITEM(spec, 2));
        if (how < FIELD_REQUIRED || how > FIELD_FACTORY
            || (how == FIELD_FACTORY && !PyCallable_Check(PyTuple_GET_ITEM(spec, 3)))) {
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError, "how is 0 (required), 1 (a default) or 2 (a factory)");
            goto error;
        }
        field->kw_only = PyTuple_GET_ITEM(spec, 1) == Py_True;
        if (!field->kw_only) {
            if (self->positional != i) {
                PyErr_SetString(PyExc_ValueError, "positional fields come first");
                goto error;
            }
            self->positional = i + 1;
        }
        if (layout_add(&self->layout, PyTuple_GET_ITEM(spec, 0)) < 0) {
            goto error;
        }
        field->how = (int)how;
        field->name = Py_NewRef(PyTuple_GET_ITEM(spec, 0));
        PyUnicode_InternInPlace(&field->name);
        field->value = Py_NewRef(PyTuple_GET_ITEM(spec, 3));
    }
    return (PyObject *)self;
error:
    Py_DECREF(self);
    return NULL;
}

static int
record_maker_traverse(RecordMaker *self, visitproc visit, void *arg)
{
    Py_VISIT(self->layout.cls);
    Py_VISIT(self->fallback);
    for (Py_ssize_t i = 0; i < self->layout.count; i++) {
        Py_VISIT(self->fields[i].name);
        Py_VISIT(self->fields[i].value);
    }
    return 0;
}

static int
record_maker_clear(RecordMaker *self)
{
    Py_CLEAR(self->fallback);
    for (Py_ssize_t i = 0; i < self->layout.count; i++) {
        Py_CLEAR(self->fields[i].name);
        Py_CLEAR(self->fields[i].value);
    }
    Py_CLEAR(self->layout.cls);
    self->layout.count = 0;
    return 0;
}

static void
record_maker_dealloc(RecordMaker *self)
{
    PyObject_GC_UnTrack(self);
    record_maker_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject RecordMakerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "webhook_receiver._speedups.RecordMaker",
    .tp_doc = "cls(...) for a frozen, slotted dataclass, without __init__; a call it cannot "
              "bind goes to the Python constructor given.",
    .tp_basicsize = sizeof(RecordMaker),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = record_maker_new,
    .tp_dealloc = (destructor)record_maker_dealloc,
    .tp_traverse = (traverseproc)record_maker_traverse,
    .tp_clear = (inquiry)record_maker_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(RecordMaker, vectorcall),
};

/* ------------------------------------------------------------- scanning JSON bodies */

/*
 * json_fits(body, depth, digits): whether body, read as JSON, nests its arrays and
 * objects at most `depth` deep, and holds no run of `digits` ASCII digits anywhere
 * (in strings too): _events._decode_fast's check before orjson may decode a body.
 * Brackets inside strings do not nest; a backslash in a string escapes the byte after
 * it. For JSON the nesting is exact; for a body that is not JSON the answer means
 * nothing, because orjson refuses such a body and the standard decoder says why.
 * (The pure-Python check counts the brackets instead, inside strings too: an upper
 * bound of the nesting, so it hands over more bodies, and all above 64 KiB.)
 */
typedef struct {
    Py_ssize_t depth;  /* arrays and objects open */
    Py_ssize_t run;    /* ASCII digits in a row, up to here */
    Py_ssize_t escaped; /* the index of the byte a backslash escaped, or -1 */
    int in_string;
} JsonScan;

/* The structure after one of the bytes `"`, `\`, `[`, `{`, `]`, `}` at index i (any other
   byte changes nothing): 0 when the nesting goes over `limit`. */
static inline int
scan_special(JsonScan *scan, unsigned char c, Py_ssize_t i, Py_ssize_t limit)
{
    if (i == scan->escaped) {
        return 1;
    }
    if (scan->in_string) {
        if (c == '\\') {
            scan->escaped = i + 1;
        }
        else if (c == '"') {
            scan->in_string = 0;
        }
        return 1;
    }
    if (c == '"') {
        scan->in_string = 1;
    }
    else if (c == '[' || c == '{') {
        return ++scan->depth <= limit;
    }
    else if (c == ']' || c == '}') {
        scan->depth--;
    }
    return 1;
}

/* json_fits over data[from:len], a byte at a time. */
static int
fits_from(const unsigned char *data, Py_ssize_t from, Py_ssize_t len, JsonScan *scan, Py_ssize_t limit,
          Py_ssize_t digits)
{
    for (Py_ssize_t i = from; i < len; i++) {
        unsigned char c = data[i];
        if ((unsigned char)(c - '0') < 10) {
            if (++scan->run >= digits) {
                return 0;
            }
            continue;
        }
        scan->run = 0;
        if (!scan_special(scan, c, i, limit)) {
            return 0;
        }
    }
    return 1;
}

/* json_fits's answer for a bytes body, limit >= 0 and digits >= 1. */
static int
body_fits(PyObject *body, Py_ssize_t limit, Py_ssize_t digits)
{
    const unsigned char *data = (const unsigned char *)PyBytes_AS_STRING(body);
    Py_ssize_t len = PyBytes_GET_SIZE(body), i = 0;
    JsonScan scan = {0, 0, -1, 0};
#if defined(__SSE2__)
    /* 16 bytes at a time. The digits: a mask of them; a run of more than 16 (the
       checks ask for 19) can only end in a block after it began, so a block carries
       the digits it ends with to the next one, and a run inside a block, shorter than
       16, cannot reach `digits`. The structure: a block without a quote, a backslash
       or a bracket changes nothing; one with brackets only, outside a string, opens
       (or closes) them all at once; any other is read special byte by special byte. */
    if (digits > 16) {
        const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
        const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
        const __m128i square = _mm_set1_epi8('['), curly = _mm_set1_epi8('{');
        const __m128i square_end = _mm_set1_epi8(']'), curly_end = _mm_set1_epi8('}');
        for (; i + 16 <= len; i += 16) {
            __m128i block = _mm_loadu_si128((const __m128i *)(data + i));
            __m128i offset = _mm_sub_epi8(block, zero);
            unsigned digit_mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(offset, nine), offset));
            unsigned opens = (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(block, square), _mm_cmpeq_epi8(block, curly)));
            unsigned closes = (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(block, square_end), _mm_cmpeq_epi8(block, curly_end)));
            unsigned strings = (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)));
            if (strings == 0 && (scan.in_string || opens == 0 || closes == 0)) {
                if (!scan.in_string) {
                    scan.depth += __builtin_popcount(opens) - __builtin_popcount(closes);
                    if (scan.depth > limit) {
                        return 0;
                    }
                }
            }
            else {
                for (unsigned special = strings | opens | closes; special != 0; special &= special - 1) {
                    Py_ssize_t at = i + __builtin_ctz(special);
                    if (!scan_special(&scan, data[at], at, limit)) {
                        return 0;
                    }
                }
            }
            if (digit_mask == 0xFFFF) {
                scan.run += 16;
            } else {
                scan.run += __builtin_ctz(~digit_mask); /* the digits the block begins with */
                if (scan.run >= digits) {
                    return 0;
                }
                scan.run = __builtin_clz(~digit_mask << 16); /* and those it ends with */
            }
            if (scan.run >= digits) {
                return 0;
            }
        }
    }
#endif
    if (!fits_from(data, i, len, &scan, limit, digits)) {
        return 0;
    }
    return 1;
}


static PyObject *
json_fits(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyBytes_CheckExact(args[0]) || !PyLong_CheckExact(args[1]) || !PyLong_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError, "json_fits(body: bytes, depth: int, digits: int)");
        return NULL;
    }
    Py_ssize_t limit = PyLong_AsSsize_t(args[1]), digits = PyLong_AsSsize_t(args[2]);
    if ((limit == -1 || digits == -1) && PyErr_Occurred()) {
        return NULL;
    }
    if (limit < 0 || digits < 1) {
        /* No nesting is below 0, and every body holds a run of 0 digits: the check
           would refuse them all, which no caller asks. */
        PyErr_SetString(PyExc_ValueError, "json_fits: depth must be >= 0 and digits >= 1");
        return NULL;
    }
    return PyBool_FromLong(body_fits(args[0], limit, digits));
}

/* ------------------------------------------------------------- decoding JSON bodies */

/*
 * The compiled decoder (JsonDecoder without `loads`): _events._decode_standard's value
 * for the usual body, built straight from its UTF-8 bytes, or no answer at all. Like
 * the verifier, it only ever accepts: it answers only where the standard decoder
 * returns an equal value (RFC 8259's grammar; nesting at most `depth` deep; strings of
 * valid UTF-8 without raw control characters, whose escapes make no lone surrogate;
 * finite numbers), and declines everything else, every error included, so that the
 * standard decoder, called next, decides and says why. It calls no Python code.
 *
 * The values are the standard decoder's to the bit: integers exact (PyLong_FromString
 * above 18 digits, and its digit limit declined), floats by PyOS_string_to_double (what
 * float() of the same text calls), a repeated key's last value at its first place, as
 * PyDict_SetItem leaves it in both.
 */
typedef struct {
    const unsigned char *at;
    const unsigned char *end;
    Py_ssize_t depth_left;
} JsonReader;

#define SHORT_TEXT 256  /* strings with escapes and numbers this long are read on the stack */

/* Keys seen before, shared between bodies: a JSON object's keys repeat from one
   request to the next, and a cached str costs no allocation and has its hash. Short
   ASCII keys only; an entry is replaced by the next key of the same slot. Without a
   GIL (a free-threaded build) there is no cache. */
#define KEY_CACHE_SLOTS 1024
#define KEY_CACHE_LONGEST 32
#ifndef Py_GIL_DISABLED
static PyObject *key_cache[KEY_CACHE_SLOTS];
#endif

static inline const unsigned char *
skip_json_space(const unsigned char *at, const unsigned char *end)
{
    while (at < end && (*at == ' ' || *at == '\n' || *at == '\r' || *at == '\t')) {
        at++;
    }
    return at;
}

/* NULL with an exception set when that exception is `declined` (cleared: no answer), or
   with any other (MemoryError) as it is. */
static PyObject *
decline_on(PyObject *declined)
{
    if (PyErr_ExceptionMatches(declined)) {
        PyErr_Clear();
    }
    return NULL;
}

static PyObject *
json_ascii_text(const unsigned char *start, Py_ssize_t length, int is_key)
{
    PyObject **slot = NULL; /* the key's place in the cache, if it has one */
#ifndef Py_GIL_DISABLED
    if (is_key && length <= KEY_CACHE_LONGEST) {
        uint32_t hash = 2166136261u; /* FNV-1a */
        for (Py_ssize_t i = 0; i < length; i++) {
            hash = (hash ^ start[i]) * 16777619u;
        }
        slot = &key_cache[(hash ^ (uint32_t)length) & (KEY_CACHE_SLOTS - 1)];
        PyObject *cached = *slot;
        if (cached != NULL && PyUnicode_GET_LENGTH(cached) == length
            && memcmp(PyUnicode_1BYTE_DATA(cached), start, (size_t)length) == 0) {
            return Py_NewRef(cached);
        }
    }
#endif
    PyObject *text = PyUnicode_New(length, 127);
    if (text == NULL) {
        return NULL;
    }
    memcpy(PyUnicode_1BYTE_DATA(text), start, (size_t)length);
    if (slot != NULL) {
        Py_XSETREF(*slot, Py_NewRef(text));
    }
    return text;
}

static inline int
hex_digit(unsigned char c)
{
    if ((unsigned char)(c - '0') < 10) {
        return c - '0';
    }
    c |= 0x20;
    if ((unsigned char)(c - 'a') < 6) {
        return c - 'a' + 10;
    }
    return -1;
}

/* The four hex digits at `at` (which has them), or -1. */
static long
hex4(const unsigned char *at)
{
    long value = 0;
    for (int i = 0; i < 4; i++) {
        int digit = hex_digit(at[i]);
        if (digit < 0) {
            return -1;
        }
        value = value * 16 + digit;
    }
    return value;
}

/* A string with escapes, from just after its opening quote to `close` (its closing
   quote): decoded into UTF-8, never longer than its source, then read as UTF-8. */
static PyObject *
escaped_text(const unsigned char *at, const unsigned char *close)
{
    unsigned char small[SHORT_TEXT];
    Py_ssize_t size = close - at;
    unsigned char *buffer = size <= SHORT_TEXT ? small : PyMem_Malloc((size_t)size);
    if (buffer == NULL) {
        return PyErr_NoMemory();
    }
    unsigned char *out = buffer;
    PyObject *text = NULL;
    while (at < close) {
        unsigned char c = *at++;
        if (c != '\\') {
            *out++ = c;
            continue;
        }
        c = *at++; /* the closing quote is not escaped, so this is before it */
        switch (c) {
        case '"': case '\\': case '/': *out++ = c; continue;
        case 'b': *out++ = '\b'; continue;
        case 'f': *out++ = '\f'; continue;
        case 'n': *out++ = '\n'; continue;
        case 'r': *out++ = '\r'; continue;
        case 't': *out++ = '\t'; continue;
        case 'u': break;
        default: goto done; /* not an escape JSON has */
        }
        if (close - at < 4) {
            goto done;
        }
        long code = hex4(at);
        if (code < 0) {
            goto done;
        }
        at += 4;
        /* A surrogate alone is declined here (its UTF-8 reading below would refuse it too). */
        if (code >= 0xDC00 && code <= 0xDFFF) {
            goto done; /* a low surrogate alone */
        }
        if (code >= 0xD800 && code <= 0xDBFF) {
            long low = close - at >= 6 && at[0] == '\\' && at[1] == 'u' ? hex4(at + 2) : -1;
            if (low < 0xDC00 || low > 0xDFFF) {
                goto done; /* a high surrogate alone */
            }
            at += 6;
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        if (code < 0x80) {
            *out++ = (unsigned char)code;
        } else if (code < 0x800) {
            *out++ = (unsigned char)(0xC0 | (code >> 6));
            *out++ = (unsigned char)(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            *out++ = (unsigned char)(0xE0 | (code >> 12));
            *out++ = (unsigned char)(0x80 | ((code >> 6) & 0x3F));
            *out++ = (unsigned char)(0x80 | (code & 0x3F));
        } else {
            *out++ = (unsigned char)(0xF0 | (code >> 18));
            *out++ = (unsigned char)(0x80 | ((code >> 12) & 0x3F));
            *out++ = (unsigned char)(0x80 | ((code >> 6) & 0x3F));
            *out++ = (unsigned char)(0x80 | (code & 0x3F));
        }
    }
    text = PyUnicode_DecodeUTF8((const char *)buffer, out - buffer, NULL);
    if (text == NULL) {
        decline_on(PyExc_UnicodeDecodeError);
    }
done:
    if (buffer != small) {
        PyMem_Free(buffer);
    }
    return text;
}

/* The string whose opening quote is just before reader->at. */
static PyObject *
read_json_string(JsonReader *reader, int is_key)
{
    const unsigned char *start = reader->at, *at = start, *end = reader->end;
    unsigned char seen = 0; /* the bits of every byte: 0x80 set if any is not ASCII */
    int escapes = 0;
    for (;;) {
        if (at >= end) {
            return NULL; /* no closing quote */
        }
        unsigned char c = *at;
        if (c == '"') {
            break;
        }
        if (c < 0x20) {
            return NULL; /* a raw control character, which the standard decoder refuses */
        }
        if (c == '\\') {
            escapes = 1;
            at += 2; /* the escaped byte cannot close the string */
            continue;
        }
        seen |= c;
        at++;
    }
    reader->at = at + 1;
    if (escapes) {
        return escaped_text(start, at);
    }
    if (seen < 0x80) {
        return json_ascii_text(start, at - start, is_key);
    }
    PyObject *text = PyUnicode_DecodeUTF8((const char *)start, at - start, NULL);
    return text != NULL ? text : decline_on(PyExc_UnicodeDecodeError);
}

static inline int
is_digit(const unsigned char *at, const unsigned char *end)
{
    return at < end && (unsigned char)(*at - '0') < 10;
}

/* The number starting at reader->at (a '-' or a digit). */
static PyObject *
read_json_number(JsonReader *reader)
{
    const unsigned char *start = reader->at, *at = start, *end = reader->end;
    int negative = *at == '-';
    at += negative;
    if (!is_digit(at, end)) {
        return NULL;
    }
    if (*at == '0') {
        at++;
    } else {
        while (is_digit(at, end)) {
            at++;
        }
    }
    const unsigned char *integer_end = at;
    if (at < end && *at == '.') {
        at++;
        if (!is_digit(at, end)) {
            return NULL;
        }
        while (is_digit(at, end)) {
            at++;
        }
    }
    if (at < end && (*at == 'e' || *at == 'E')) {
        at++;
        if (at < end && (*at == '+' || *at == '-')) {
            at++;
        }
        if (!is_digit(at, end)) {
            return NULL;
        }
        while (is_digit(at, end)) {
            at++;
        }
    }
    reader->at = at;
    Py_ssize_t length = at - start;
    if (at == integer_end && length - negative <= 18) {
        long long value = 0;
        for (const unsigned char *digit = start + negative; digit < at; digit++) {
            value = value * 10 + (*digit - '0');
        }
        return PyLong_FromLongLong(negative ? -value : value);
    }
    char small[SHORT_TEXT];
    char *text = length < SHORT_TEXT ? small : PyMem_Malloc((size_t)length + 1);
    if (text == NULL) {
        return PyErr_NoMemory();
    }
    memcpy(text, start, (size_t)length);
    text[length] = '\0';
    PyObject *value = NULL;
    if (at == integer_end) {
        /* Past int()'s digit limit (sys.set_int_max_str_digits) this raises ValueError,
           as the standard decoder does: declined. */
        value = PyLong_FromString(text, NULL, 10);
        if (value == NULL) {
            decline_on(PyExc_ValueError);
        }
    } else {
        char *parsed_end;
        double number = PyOS_string_to_double(text, &parsed_end, NULL);
        if (number == -1.0 && PyErr_Occurred()) {
            decline_on(PyExc_ValueError);
        } else if (parsed_end == text + length && isfinite(number)) {
            value = PyFloat_FromDouble(number); /* not finite: refused by the standard decoder */
        }
    }
    if (text != small) {
        PyMem_Free(text);
    }
    return value;
}

static PyObject *read_json_value(JsonReader *reader);

/* After an array's item or an object's member: 1 at the closing bracket, 0 at a comma
   (either read), -1 at anything else. */
static int
next_member(JsonReader *reader, unsigned char closing)
{
    reader->at = skip_json_space(reader->at, reader->end);
    if (reader->at >= reader->end) {
        return -1;
    }
    unsigned char c = *reader->at++;
    return c == closing ? 1 : c == ',' ? 0 : -1;
}

static PyObject *
read_json_array(JsonReader *reader)
{
    PyObject *list = PyList_New(0);
    if (list == NULL) {
        return NULL;
    }
    reader->at = skip_json_space(reader->at, reader->end);
    if (reader->at < reader->end && *reader->at == ']') {
        reader->at++;
        return list;
    }
    for (;;) {
        PyObject *item = read_json_value(reader);
        if (item == NULL) {
            goto failed;
        }
        int appended = PyList_Append(list, item);
        Py_DECREF(item);
        if (appended < 0) {
            goto failed;
        }
        int next = next_member(reader, ']');
        if (next > 0) {
            return list;
        }
        if (next < 0) {
            goto failed;
        }
    }
failed:
    Py_DECREF(list);
    return NULL;
}

static PyObject *
read_json_object(JsonReader *reader)
{
    PyObject *dict = PyDict_New();
    if (dict == NULL) {
        return NULL;
    }
    const unsigned char *end = reader->end;
    reader->at = skip_json_space(reader->at, end);
    if (reader->at < end && *reader->at == '}') {
        reader->at++;
        return dict;
    }
    for (;;) {
        if (reader->at >= end || *reader->at != '"') {
            goto failed;
        }
        reader->at++;
        PyObject *key = read_json_string(reader, 1);
        if (key == NULL) {
            goto failed;
        }
        reader->at = skip_json_space(reader->at, end);
        if (reader->at >= end || *reader->at != ':') {
            Py_DECREF(key);
            goto failed;
        }
        reader->at++;
        PyObject *value = read_json_value(reader);
        if (value == NULL) {
            Py_DECREF(key);
            goto failed;
        }
        int stored = PyDict_SetItem(dict, key, value);
        Py_DECREF(key);
        Py_DECREF(value);
        if (stored < 0) {
            goto failed;
        }
        int next = next_member(reader, '}');
        if (next > 0) {
            return dict;
        }
        if (next < 0) {
            goto failed;
        }
        reader->at = skip_json_space(reader->at, end);
    }
failed:
    Py_DECREF(dict);
    return NULL;
}

static int
literal(JsonReader *reader, const char *word, Py_ssize_t length)
{
    if (reader->end - reader->at < length || memcmp(reader->at, word, (size_t)length) != 0) {
        return 0;
    }
    reader->at += length;
    return 1;
}

/* The value after any whitespace at reader->at; NULL without an exception: declined. */
static PyObject *
read_json_value(JsonReader *reader)
{
    reader->at = skip_json_space(reader->at, reader->end);
    if (reader->at >= reader->end) {
        return NULL;
    }
    PyObject *value;
    switch (*reader->at) {
    case '"':
        reader->at++;
        return read_json_string(reader, 0);
    case '{':
    case '[':
        if (reader->depth_left == 0) {
            return NULL; /* deeper than the standard decoder surely reaches */
        }
        reader->depth_left--;
        value = *reader->at++ == '{' ? read_json_object(reader) : read_json_array(reader);
        reader->depth_left++;
        return value;
    case 't':
        return literal(reader, "true", 4) ? Py_NewRef(Py_True) : NULL;
    case 'f':
        return literal(reader, "false", 5) ? Py_NewRef(Py_False) : NULL;
    case 'n':
        return literal(reader, "null", 4) ? Py_NewRef(Py_None) : NULL;
    default:
        if (*reader->at == '-' || (unsigned char)(*reader->at - '0') < 10) {
            return read_json_number(reader);
        }
        return NULL; /* NaN, Infinity and anything that is not JSON */
    }
}

/* The decoded body, or NULL: with an exception (MemoryError) set, or without one when
   declined. */
static PyObject *
decode_usual_json(PyObject *body, Py_ssize_t depth)
{
    const unsigned char *data = (const unsigned char *)PyBytes_AS_STRING(body);
    JsonReader reader = {data, data + PyBytes_GET_SIZE(body), depth};
    PyObject *value = read_json_value(&reader);
    if (value != NULL && skip_json_space(reader.at, reader.end) != reader.end) {
        Py_CLEAR(value); /* data after the document */
    }
    return value;
}

/*
 * JsonDecoder(loads, fallback, depth, digits, largest): _events.decode_json in one call.
 * With orjson: a bytes body of 1 to `largest` bytes that json_fits(body, depth, digits)
 * is decoded by `loads` (orjson.loads); one `loads` refuses (any Exception) goes to
 * `fallback` (the standard decoder), which decides and says why: what
 * _events._decode_with_orjson and _decode_fast do in Python, without their frames. Any
 * other bytes body (every body when `loads` is None: no orjson) is decoded by the
 * compiled decoder above (nesting at most `depth` deep, at any size), and what it
 * declines goes to `fallback`.
 */
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *loads;
    PyObject *fallback;
    Py_ssize_t depth;
    Py_ssize_t digits;
    Py_ssize_t largest;
} JsonDecoder;

static PyObject *
json_decoder_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    JsonDecoder *self = (JsonDecoder *)callable;
    if (was_cleared(self->fallback, "JsonDecoder")) {
        return NULL;
    }
    if (PyVectorcall_NARGS(nargsf) == 1 && kwnames == NULL && PyBytes_CheckExact(args[0])) {
        Py_ssize_t size = PyBytes_GET_SIZE(args[0]);
        if (self->loads != Py_None && size >= 1 && size <= self->largest
            && body_fits(args[0], self->depth, self->digits)) {
            PyObject *value = PyObject_Vectorcall(self->loads, args, 1, NULL);
            if (value != NULL) {
                return value;
            }
            if (!PyErr_ExceptionMatches(PyExc_Exception)) {
                return NULL; /* KeyboardInterrupt and the like go on */
            }
            PyErr_Clear(); /* refused: the standard decoder says why */
        }
        else {
            /* No orjson, or a body it is not given (a run of digits it might read
               otherwise, nesting past `depth`, a size past `largest`): the compiled
               decoder, at any size. */
            PyObject *value = decode_usual_json(args[0], self->depth);
            if (value != NULL || PyErr_Occurred()) {
                return value;
            }
        }
    }
    return PyObject_Vectorcall(self->fallback, args, nargsf, kwnames);
}

static PyObject *
json_decoder_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"loads", "fallback", "depth", "digits", "largest", NULL};
    PyObject *loads, *fallback;
    Py_ssize_t depth, digits, largest;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOnnn:JsonDecoder", keywords, &loads, &fallback, &depth,
                                     &digits, &largest)) {
        return NULL;
    }
    if ((loads != Py_None && !PyCallable_Check(loads)) || !PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "loads must be callable or None, and fallback callable");
        return NULL;
    }
    if (depth < 0 || digits < 1 || largest < 0) {
        PyErr_SetString(PyExc_ValueError, "JsonDecoder: depth and largest must be >= 0, digits >= 1");
        return NULL;
    }
    JsonDecoder *self = (JsonDecoder *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->vectorcall = json_decoder_vectorcall;
    self->loads = Py_NewRef(loads);
    self->fallback = Py_NewRef(fallback);
    self->depth = depth;
    self->digits = digits;
    self->largest = largest;
    return (PyObject *)self;
}

static int
json_decoder_traverse(JsonDecoder *self, visitproc visit, void *arg)
{
    Py_VISIT(self->loads);
    Py_VISIT(self->fallback);
    return 0;
}

static int
json_decoder_clear(JsonDecoder *self)
{
    Py_CLEAR(self->loads);
    Py_CLEAR(self->fallback);
    return 0;
}

static void
json_decoder_dealloc(JsonDecoder *self)
{
    PyObject_GC_UnTrack(self);
    json_decoder_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject JsonDecoderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "webhook_receiver._speedups.JsonDecoder",
    .tp_doc = "decode_json in one call: orjson for the bodies json_fits passes, the compiled decoder for "
              "the others, the standard decoder given for what either refuses.",
    .tp_basicsize = sizeof(JsonDecoder),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = json_decoder_new,
    .tp_dealloc = (destructor)json_decoder_dealloc,
    .tp_traverse = (traverseproc)json_decoder_traverse,
    .tp_clear = (inquiry)json_decoder_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(JsonDecoder, vectorcall),
};

/*
 * environ_pairs(environ, plan) and environ_dict(environ, plan): the headers of a WSGI
 * environ (or Django's META) whose header keys `plan` names, a tuple of (key, name)
 * (adapters._environ.HeaderPlans): Flask's pairs, by werkzeug's rules (a str value,
 * and not empty unless the key is an HTTP_ one), or Django's dict. The comprehensions
 * of adapters._environ in one call; a key missing from the environ raises KeyError,
 * as environ[key] does there.
 */
static int
plan_entry(PyObject *plan, Py_ssize_t i, PyObject **key, PyObject **name)
{
    PyObject *entry = PyTuple_GET_ITEM(plan, i);
    if (!PyTuple_CheckExact(entry) || PyTuple_GET_SIZE(entry) != 2 ||
        !PyUnicode_CheckExact(PyTuple_GET_ITEM(entry, 0)) || PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(entry, 0)) == 0) {
        PyErr_SetString(PyExc_TypeError, "a plan is a tuple of (key, name) pairs with non-empty str keys");
        return -1;
    }
    *key = PyTuple_GET_ITEM(entry, 0);
    *name = PyTuple_GET_ITEM(entry, 1);
    return 0;
}

/* environ[key]: a new reference, or NULL with the exception set. */
static PyObject *
environ_value(PyObject *environ, PyObject *key)
{
    if (!PyDict_CheckExact(environ)) {
        return PyObject_GetItem(environ, key);
    }
    PyObject *value = PyDict_GetItemWithError(environ, key);
    if (value == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetObject(PyExc_KeyError, key);
        }
        return NULL;
    }
    return Py_NewRef(value);
}

/* Werkzeug's rule for one value: 1 kept, 0 not, -1 on error. */
static int
werkzeug_keeps(PyObject *key, PyObject *value)
{
    int keep = 0;
    if (PyUnicode_CheckExact(value)) {
        keep = PyUnicode_GET_LENGTH(value) > 0;
    } else if (PyUnicode_Check(value)) {
        keep = PyObject_IsTrue(value); /* a subclass may define its own truth */
    } else {
        return 0;
    }
    return keep != 0 ? keep : PyUnicode_READ_CHAR(key, 0) == 'H';
}

/* environ_pairs (a list, werkzeug's rules) or environ_dict (a dict of every entry). */
static PyObject *
environ_headers(PyObject *const *args, Py_ssize_t nargs, int as_dict)
{
    if (nargs != 2 || !PyTuple_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, as_dict ? "environ_dict(environ, plan: tuple)"
                                                 : "environ_pairs(environ, plan: tuple)");
        return NULL;
    }
    PyObject *plan = args[1], *found = as_dict ? PyDict_New() : PyList_New(0);
    if (found == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(plan); i++) {
        PyObject *key, *name;
        if (plan_entry(plan, i, &key, &name) < 0) {
            goto fail;
        }
        PyObject *value = environ_value(args[0], key);
        if (value == NULL) {
            goto fail;
        }
        int failed;
        if (as_dict) {
            failed = PyDict_SetItem(found, name, value) < 0;
        } else {
            int keep = werkzeug_keeps(key, value);
            failed = keep < 0;
            if (keep > 0) {
                PyObject *pair = PyTuple_Pack(2, name, value);
                failed = pair == NULL || PyList_Append(found, pair) < 0;
                Py_XDECREF(pair);
            }
        }
        Py_DECREF(value);
        if (failed) {
            goto fail;
        }
    }
    return found;
fail:
    Py_DECREF(found);
    return NULL;
}

static PyObject *
environ_pairs(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    return environ_headers(args, nargs, 0);
}

static PyObject *
environ_dict(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    return environ_headers(args, nargs, 1);
}

/*
 * header_values(pairs, name): Headers.getlist(name) over a Headers' pairs (a list or
 * tuple of (name, value) tuples, or a dict's items) where every step is the plain
 * case: an ASCII name asked, str or bytes names and values, each name of the asked
 * length ASCII. Returns the values trimmed of spaces and tabs, latin-1 bytes decoded,
 * or None to leave the whole lookup to the Python code.
 */
static PyObject *
trimmed_value(PyObject *value)
{
    PyObject *text;
    if (PyUnicode_CheckExact(value)) {
        text = Py_NewRef(value);
    } else if (PyBytes_CheckExact(value)) {
        text = PyUnicode_DecodeLatin1(PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value), NULL);
        if (text == NULL) {
            return NULL;
        }
    } else {
        return Py_NewRef(Py_None);
    }
    Py_ssize_t start = 0, end = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    while (start < end && (PyUnicode_READ(kind, data, start) == ' ' || PyUnicode_READ(kind, data, start) == '\t')) {
        start++;
    }
    while (end > start && (PyUnicode_READ(kind, data, end - 1) == ' ' || PyUnicode_READ(kind, data, end - 1) == '\t')) {
        end--;
    }
    if (start == 0 && end == PyUnicode_GET_LENGTH(text)) {
        return text;
    }
    PyObject *part = PyUnicode_Substring(text, start, end);
    Py_DECREF(text);
    return part;
}

typedef struct {
    const Name *wanted;
    Py_ssize_t count;
    PyObject *names; /* header_selection: the names as given; header_values: NULL */
    PyObject *found; /* the list the values (or (name, value) tuples) are appended to */
} Lookup;

static int
take_header_value(PyObject *header, PyObject *value, void *context)
{
    Lookup *lookup = context;
    int index = which_name(lookup->wanted, lookup->count, header);
    if (index < 0) {
        return index == -1 ? GO_ON : DECIDE_IN_PYTHON;
    }
    PyObject *text = trimmed_value(value);
    if (text == NULL) {
        return FAILED;
    }
    if (text == Py_None) {
        Py_DECREF(text);
        return DECIDE_IN_PYTHON;
    }
    PyObject *entry = text;
    if (lookup->names != NULL) {
        entry = PyTuple_Pack(2, PyTuple_GET_ITEM(lookup->names, index), text);
        Py_DECREF(text);
        if (entry == NULL) {
            return FAILED;
        }
    }
    int failed = PyList_Append(lookup->found, entry) < 0;
    Py_DECREF(entry);
    return failed ? FAILED : GO_ON;
}

/* The values found (a list), None for Python, or NULL with an exception set. */
static PyObject *
look_up(PyObject *pairs, const Name *wanted, Py_ssize_t count, PyObject *names)
{
    Lookup lookup = {wanted, count, names, PyList_New(0)};
    if (lookup.found == NULL) {
        return NULL;
    }
    int looked = visit_pairs(pairs, take_header_value, &lookup);
    if (looked == GO_ON) {
        return lookup.found;
    }
    Py_DECREF(lookup.found);
    return looked == FAILED ? NULL : Py_NewRef(Py_None);
}

static PyObject *
header_values(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "header_values(pairs, name: str)");
        return NULL;
    }
    PyObject *name = args[1];
    if (!PyUnicode_CheckExact(name) || !PyUnicode_IS_ASCII(name) || PyUnicode_GET_LENGTH(name) > MAX_NAME) {
        Py_RETURN_NONE;
    }
    Name asked;
    if (copy_lower_name(&asked, name, "a header name") < 0) {
        return NULL;
    }
    return look_up(args[0], &asked, 1, NULL);
}

/*
 * header_selection(pairs, names): Headers.select(names) over the same plain pairs as
 * header_values, for up to 8 ASCII names that differ case-insensitively: a tuple of
 * (the name as given, the value trimmed) for each header named, in the order received;
 * or None to leave the whole selection to Python.
 */
#define MAX_SELECTED 8

static PyObject *
header_selection(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyTuple_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "header_selection(pairs, names: tuple)");
        return NULL;
    }
    PyObject *names = args[1];
    Py_ssize_t count = PyTuple_GET_SIZE(names);
    if (!PyTuple_CheckExact(names) || count > MAX_SELECTED) {
        Py_RETURN_NONE;
    }
    Name wanted[MAX_SELECTED];
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i);
        if (!PyUnicode_CheckExact(name) || !PyUnicode_IS_ASCII(name) || PyUnicode_GET_LENGTH(name) > MAX_NAME) {
            Py_RETURN_NONE;
        }
        if (copy_lower_name(&wanted[i], name, "a header name") < 0) {
            return NULL;
        }
        for (Py_ssize_t j = 0; j < i; j++) {
            if (wanted[j].len == wanted[i].len && memcmp(wanted[j].text, wanted[i].text, (size_t)wanted[i].len) == 0) {
                Py_RETURN_NONE; /* a name asked twice: the Python code says which wins */
            }
        }
    }
    PyObject *found = look_up(args[0], wanted, count, names);
    if (found == NULL || found == Py_None) {
        return found;
    }
    PyObject *result = PyList_AsTuple(found);
    Py_DECREF(found);
    return result;
}

/* ------------------------------------------------------------------ the Reader type */

/*
 * _events.Reader, compiled: typed reads from one decoded JSON object, for the
 * providers' event functions. Each read serves the usual value itself (a field of an
 * exact dict that is absent, null, or of the exact type the read expects) and hands
 * anything else to a Python Reader over the same object with the same name (set once
 * by configure_reader), which converts the value or raises the PayloadError. A
 * child is named by its parent and key, formatted only when an error asks for it.
 */
static PyObject *python_reader = NULL;      /* _events.PythonReader */
static PyObject *reader_to_datetime = NULL; /* _events.to_datetime */
static PyObject *str_text, *str_required_text, *str_kind, *str_integer, *str_boolean, *str_time;
static PyObject *str_mapping, *str_raw, *str_element;

typedef struct {
    PyObject_HEAD
    PyObject *data;  /* a dict (an exact one reads fast) */
    PyObject *where; /* the name given, or a child's parent Reader */
    PyObject *index; /* the index given, or NULL */
    PyObject *key;   /* a child's key, or NULL */
} Reader;

static PyTypeObject ReaderType;

static PyObject *
reader_name(Reader *self)
{
    if (was_cleared(self->where, "Reader")) {
        return NULL;
    }
    if (Py_IS_TYPE(self->where, &ReaderType)) {
        PyObject *parent = reader_name((Reader *)self->where);
        if (parent == NULL) {
            return NULL;
        }
        PyObject *name = self->index == NULL ? PyUnicode_FromFormat("%S.%S", parent, self->key)
                                              : PyUnicode_FromFormat("%S.%S[%S]", parent, self->key, self->index);
        Py_DECREF(parent);
        return name;
    }
    if (self->index == NULL) {
        return Py_NewRef(self->where);
    }
    return PyUnicode_FromFormat("%S[%S]", self->where, self->index);
}

static Reader *
reader_make(PyObject *data, PyObject *where, PyObject *index, PyObject *key)
{
    Reader *self = PyObject_GC_New(Reader, &ReaderType);
    if (self == NULL) {
        return NULL;
    }
    self->data = Py_NewRef(data);
    self->where = Py_NewRef(where);
    self->index = Py_XNewRef(index);
    self->key = Py_XNewRef(key);
    PyObject_GC_Track(self);
    return self;
}

/* PythonReader(data, where, index): what every unusual value and object goes to. */
static PyObject *
python_reader_of(PyObject *data, PyObject *where, PyObject *index)
{
    if (python_reader == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Reader: configure_reader() was not called");
        return NULL;
    }
    PyObject *args[3] = {data, where, index == NULL ? Py_None : index};
    return PyObject_Vectorcall(python_reader, args, 3, NULL);
}

/* What the Python Reader's `method`(key) gives for this reader's object and name. */
static PyObject *
reader_slow(Reader *self, PyObject *method, PyObject *key)
{
    PyObject *where = reader_name(self);
    if (where == NULL) {
        return NULL;
    }
    PyObject *slow = python_reader_of(self->data, where, NULL);
    Py_DECREF(where);
    if (slow == NULL) {
        return NULL;
    }
    PyObject *result = PyObject_CallMethodOneArg(slow, method, key);
    Py_DECREF(slow);
    return result;
}

/* The field's value (borrowed; NULL when absent, with no error set), or -1 when the
   object is not an exact dict (the Python Reader reads it) or the lookup failed. */
static int
reader_get(Reader *self, PyObject *key, PyObject **value)
{
    if (was_cleared(self->data, "Reader") || !PyDict_CheckExact(self->data)) {
        return -1;
    }
    *value = PyDict_GetItemWithError(self->data, key);
    return *value == NULL && PyErr_Occurred() ? -1 : 0;
}

#define READER_GET(method_name)                                                                             \
    PyObject *value;                                                                                        \
    if (reader_get(self, key, &value) < 0) {                                                                \
        return PyErr_Occurred() ? NULL : reader_slow(self, method_name, key);                               \
    }

static PyObject *
reader_text(Reader *self, PyObject *key)
{
    READER_GET(str_text);
    if (value == NULL || value == Py_None || PyUnicode_CheckExact(value)) {
        return Py_NewRef(value == NULL ? Py_None : value);
    }
    if (PyLong_CheckExact(value) || PyFloat_CheckExact(value)) {
        return PyObject_Str(value); /* ids are often numbers: str(value), as Python writes it */
    }
    return reader_slow(self, str_text, key);
}

static PyObject *
reader_required_text(Reader *self, PyObject *key)
{
    READER_GET(str_required_text);
    if (value != NULL && PyUnicode_CheckExact(value) && PyUnicode_GET_LENGTH(value) > 0) {
        return Py_NewRef(value);
    }
    return reader_slow(self, str_required_text, key);
}

static PyObject *
reader_kind(Reader *self, PyObject *key)
{
    READER_GET(str_kind);
    if (value != NULL && PyUnicode_CheckExact(value) && PyUnicode_GET_LENGTH(value) > 0) {
        return Py_NewRef(value);
    }
    return reader_slow(self, str_kind, key);
}

static PyObject *
reader_integer(Reader *self, PyObject *key)
{
    READER_GET(str_integer);
    if (value == NULL || value == Py_None || PyLong_CheckExact(value)) {
        return Py_NewRef(value == NULL ? Py_None : value);
    }
    return reader_slow(self, str_integer, key);
}

static PyObject *
reader_boolean(Reader *self, PyObject *key)
{
    READER_GET(str_boolean);
    if (value == NULL || value == Py_None || PyBool_Check(value)) {
        return Py_NewRef(value == NULL ? Py_None : value);
    }
    return reader_slow(self, str_boolean, key);
}

static PyObject *
reader_time(Reader *self, PyObject *key)
{
    READER_GET(str_time);
    if (value == NULL || value == Py_None) {
        Py_RETURN_NONE;
    }
    if (reader_to_datetime != NULL
        && (PyUnicode_CheckExact(value) || PyLong_CheckExact(value) || PyFloat_CheckExact(value))) {
        PyObject *parsed = PyObject_CallOneArg(reader_to_datetime, value);
        if (parsed != Py_None) {
            return parsed; /* a datetime, or NULL with its error */
        }
        Py_DECREF(parsed);
    }
    return reader_slow(self, str_time, key); /* not a time: the PayloadError */
}

/* An exact dict as it is, a new one for absent or null. */
static PyObject *
reader_mapping(Reader *self, PyObject *key)
{
    READER_GET(str_mapping);
    if (value == NULL || value == Py_None) {
        return PyDict_New();
    }
    if (PyDict_CheckExact(value)) {
        return Py_NewRef(value);
    }
    return reader_slow(self, str_mapping, key);
}

static PyObject *
reader_child(Reader *self, PyObject *key)
{
    PyObject *data = reader_mapping(self, key);
    if (data == NULL) {
        return NULL;
    }
    Reader *child = reader_make(data, (PyObject *)self, NULL, key);
    Py_DECREF(data);
    return (PyObject *)child;
}

/* element(value, key, index): a Reader over value, named lazily as where.key[index]. */
static PyObject *
reader_element(Reader *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "element(value, key, index)");
        return NULL;
    }
    if (was_cleared(self->where, "Reader")) {
        return NULL;
    }
    PyObject *value = args[0], *key = args[1], *index = args[2];
    if (PyDict_Check(value)) {
        return (PyObject *)reader_make(value, (PyObject *)self, index, key);
    }
    /* not an object: the Python Reader's element() raises the PayloadError naming it */
    PyObject *where = reader_name(self);
    if (where == NULL) {
        return NULL;
    }
    PyObject *slow = python_reader_of(self->data, where, NULL);
    Py_DECREF(where);
    if (slow == NULL) {
        return NULL;
    }
    PyObject *call[4] = {slow, value, key, index};
    PyObject *result = PyObject_VectorcallMethod(str_element, call, 4, NULL);
    Py_DECREF(slow);
    return result;
}

static PyObject *
reader_raw(Reader *self, PyObject *key)
{
    READER_GET(str_raw);
    return Py_NewRef(value == NULL ? Py_None : value);
}

#undef READER_GET

/* Reader(data, where, index): a reader, or the Python Reader's PayloadError for an
   object that is not one. */
static PyObject *
reader_create(PyObject *data, PyObject *where, PyObject *index)
{
    if (index == Py_None) {
        index = NULL;
    }
    if (!PyDict_Check(data)) {
        return python_reader_of(data, where, index); /* raises the PayloadError naming it */
    }
    return (PyObject *)reader_make(data, where, index, NULL);
}

/* Reader(data, where, index=None), with keywords as the Python Reader takes them. */
static PyObject *
reader_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"data", "where", "index", NULL};
    PyObject *data, *where, *index = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O:Reader", keywords, &data, &where, &index)) {
        return NULL;
    }
    return reader_create(data, where, index);
}

static PyObject *
reader_vectorcall(PyObject *type, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if ((kwnames == NULL || PyTuple_GET_SIZE(kwnames) == 0) && (nargs == 2 || nargs == 3)) {
        return reader_create(args[0], args[1], nargs == 3 ? args[2] : NULL);
    }
    /* Keywords, or a wrong count: bound as tp_new binds them (the usual TypeError). */
    PyObject *tuple = PyTuple_New(nargs);
    if (tuple == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        PyTuple_SET_ITEM(tuple, i, Py_NewRef(args[i]));
    }
    PyObject *kwargs = NULL;
    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0) {
        if ((kwargs = PyDict_New()) == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
            if (PyDict_SetItem(kwargs, PyTuple_GET_ITEM(kwnames, i), args[nargs + i]) < 0) {
                Py_DECREF(tuple);
                Py_DECREF(kwargs);
                return NULL;
            }
        }
    }
    PyObject *made = reader_new((PyTypeObject *)type, tuple, kwargs);
    Py_DECREF(tuple);
    Py_XDECREF(kwargs);
    return made;
}

static PyObject *
reader_get_data(Reader *self, void *closure)
{
    return was_cleared(self->data, "Reader") ? NULL : Py_NewRef(self->data);
}

static PyObject *
reader_get_where(Reader *self, void *closure)
{
    return reader_name(self);
}

static int
reader_traverse(Reader *self, visitproc visit, void *arg)
{
    Py_VISIT(self->data);
    Py_VISIT(self->where);
    Py_VISIT(self->index);
    Py_VISIT(self->key);
    return 0;
}

static int
reader_clear(Reader *self)
{
    Py_CLEAR(self->data);
    Py_CLEAR(self->where);
    Py_CLEAR(self->index);
    Py_CLEAR(self->key);
    return 0;
}

static void
reader_dealloc(Reader *self)
{
    PyObject_GC_UnTrack(self);
    reader_clear(self);
    PyObject_GC_Del(self);
}

static PyObject *
configure_reader(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "configure_reader(python_reader, to_datetime)");
        return NULL;
    }
    Py_XSETREF(python_reader, Py_NewRef(args[0]));
    Py_XSETREF(reader_to_datetime, Py_NewRef(args[1]));
    Py_RETURN_NONE;
}

static PyMethodDef reader_methods[] = {
    {"text", (PyCFunction)reader_text, METH_O, "A string field (numbers written as strings); None when absent or null."},
    {"required_text", (PyCFunction)reader_required_text, METH_O, "A string field that must be present and non-empty."},
    {"kind", (PyCFunction)reader_kind, METH_O, "An event-type field: a non-empty string."},
    {"integer", (PyCFunction)reader_integer, METH_O, "An integer field."},
    {"boolean", (PyCFunction)reader_boolean, METH_O, "A boolean field."},
    {"time", (PyCFunction)reader_time, METH_O, "A time field (ISO 8601, or unix seconds/milliseconds)."},
    {"mapping", (PyCFunction)reader_mapping, METH_O, "An object field; absent or null reads as an empty object."},
    {"child", (PyCFunction)reader_child, METH_O, "A Reader over an object field (empty when absent)."},
    {"element", (PyCFunction)(void (*)(void))reader_element, METH_FASTCALL,
     "element(value, key, index): a Reader over an element of an array field, named where.key[index]."},
    {"raw", (PyCFunction)reader_raw, METH_O, "The raw value of a field, whatever its type."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef reader_getset[] = {
    {"data", (getter)reader_get_data, NULL, "The object itself.", NULL},
    {"where", (getter)reader_get_where, NULL, "How error messages name this object.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject ReaderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "webhook_receiver._speedups.Reader",
    .tp_doc = "Typed reads from one decoded JSON object (_events.Reader), compiled for the usual "
              "values; anything else goes to the Python Reader.",
    .tp_basicsize = sizeof(Reader),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = reader_new,
    .tp_vectorcall = reader_vectorcall,
    .tp_dealloc = (destructor)reader_dealloc,
    .tp_traverse = (traverseproc)reader_traverse,
    .tp_clear = (inquiry)reader_clear,
    .tp_methods = reader_methods,
    .tp_getset = reader_getset,
};

static PyMethodDef speedups_functions[] = {
    {"json_fits", (PyCFunction)(void (*)(void))json_fits, METH_FASTCALL,
     "json_fits(body, depth, digits): read as JSON, nested at most `depth` deep, and no run of `digits` digits."},
    {"environ_pairs", (PyCFunction)(void (*)(void))environ_pairs, METH_FASTCALL,
     "environ_pairs(environ, plan): the header pairs of a WSGI environ by werkzeug's rules (adapters._environ)."},
    {"environ_dict", (PyCFunction)(void (*)(void))environ_dict, METH_FASTCALL,
     "environ_dict(environ, plan): the headers of Django's META as a dict (adapters._environ)."},
    {"header_values", (PyCFunction)(void (*)(void))header_values, METH_FASTCALL,
     "header_values(pairs, name): Headers.getlist(name) over plain pairs, or None to leave it to Python."},
    {"header_selection", (PyCFunction)(void (*)(void))header_selection, METH_FASTCALL,
     "header_selection(pairs, names): Headers.select(names) over plain pairs, or None to leave it to Python."},
    {"configure_reader", (PyCFunction)(void (*)(void))configure_reader, METH_FASTCALL,
     "configure_reader(python_reader, to_datetime): what Reader hands unusual values to, and parses times with."},
    {"sha256_available", sha256_available, METH_NOARGS,
     "sha256_available(): whether this CPU has the SHA extensions Sha256Key computes with."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "webhook_receiver._speedups",
    .m_doc = "The compiled fast path of verification and events (optional; see webhook_receiver._accel).",
    .m_size = -1,
    .m_methods = speedups_functions,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
#ifdef HAVE_SHA_EXTENSIONS_PATH
    if (cpu_has_sha_extensions()) {
        sha256_blocks = sha256_blocks_extensions;
    }
#endif
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL
        || (from_iso_format = PyObject_GetAttrString((PyObject *)PyDateTimeAPI->DateTimeType, "fromisoformat")) == NULL
        || PyType_Ready(&VerifierType) < 0 || PyType_Ready(&PrecheckerType) < 0
        || PyType_Ready(&TimeConverterType) < 0 || PyType_Ready(&EventBuilderType) < 0
        || PyType_Ready(&JsonDecoderType) < 0
        || PyType_Ready(&RecordMakerType) < 0 || PyType_Ready(&Sha256KeyType) < 0
        || PyType_Ready(&ReaderType) < 0) {
        return NULL;
    }
#define INTERN(var, text)                                                                                   \
    if ((var = PyUnicode_InternFromString(text)) == NULL) {                                                 \
        return NULL;                                                                                        \
    }
    INTERN(str_copy, "copy");
    INTERN(str_update, "update");
    INTERN(str_digest, "digest");
    INTERN(str_pairs, "_pairs");
    INTERN(str_timestamp, "timestamp");
    INTERN(str_signed_at, "signed_at");
    INTERN(str_message_id, "message_id");
    INTERN(str_items, "items");
    INTERN(str_checked_by, "_checked_by");
    INTERN(str_content_length, "content_length");
    INTERN(str_text, "text");
    INTERN(str_required_text, "required_text");
    INTERN(str_kind, "kind");
    INTERN(str_integer, "integer");
    INTERN(str_boolean, "boolean");
    INTERN(str_time, "time");
    INTERN(str_mapping, "mapping");
    INTERN(str_element, "element");
    INTERN(str_raw, "raw");
#undef INTERN
    if ((empty_bytes = PyBytes_FromStringAndSize(NULL, 0)) == NULL) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&speedups_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "Verifier", (PyObject *)&VerifierType) < 0
        || PyModule_AddObjectRef(module, "Prechecker", (PyObject *)&PrecheckerType) < 0
        || PyModule_AddObjectRef(module, "TimeConverter", (PyObject *)&TimeConverterType) < 0
        || PyModule_AddObjectRef(module, "JsonDecoder", (PyObject *)&JsonDecoderType) < 0
        || PyModule_AddObjectRef(module, "EventBuilder", (PyObject *)&EventBuilderType) < 0
        || PyModule_AddObjectRef(module, "RecordMaker", (PyObject *)&RecordMakerType) < 0
        || PyModule_AddObjectRef(module, "Sha256Key", (PyObject *)&Sha256KeyType) < 0
        || PyModule_AddObjectRef(module, "Reader", (PyObject *)&ReaderType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
