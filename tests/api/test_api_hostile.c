/* test_api_hostile.c - a battery of malformed and hostile requests against
 * the real server, and slow clients that must not starve others.
 *
 * hostile.table sends every row of a table of raw requests (bad percent
 * escapes, %00, invalid UTF-8, traversal, absurd numbers, dates and
 * queries, unknown methods, broken request lines and headers, floods,
 * bodies, pipelining) on a new connection each, and checks its answer:
 * the exact status where the server's rules make it knowable (strict
 * parameters: 400 naming the parameter; unknown path 404; unknown method
 * 405 with Allow; a body 413; a URI over 16 KiB 414; a header block over
 * 16 KiB 431; a path that is not percent-encoded UTF-8 400 invalid-path),
 * an application/problem+json body with a urn:vjcorpus:problem: type for
 * every error the server itself writes, never a 5xx, and an answer (or,
 * where libmicrohttpd refuses a request line before any handler runs, a
 * clean close) within a few seconds. The one 5xx allowed is the 505 that
 * libmicrohttpd itself gives an unsupported major version (HTTP/2.0,
 * HTTP/0.9 tokens), which RFC 9110 15.6.6 asks for. Bytes without a line
 * end are no request yet: libmicrohttpd waits for the rest (until
 * --timeout, even after the client's FIN), so those rows only require no
 * wrong answer. After each row the server must still answer
 * /api/v1/health; after the table it must be alive, healthy and its log
 * (and any ASAN_OPTIONS / UBSAN_OPTIONS log_path file) free of sanitizer
 * reports, before and after a clean stop.
 *
 * hostile.slow_clients holds 300 connections from 127.0.0.1 that each send
 * part of a request and never finish it. libmicrohttpd restarts its
 * timeout at every byte and has no header deadline, so only the connection
 * limits stand between them and everyone else: the per-address limit (64)
 * must close the rest at once, and /api/v1/health must still answer 200
 * quickly to other addresses (127.0.0.2, ...). */
#include "harness.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROW_TIMEOUT_S 5.0     /* an answer must come within this */
#define PENDING_TIMEOUT_S 0.5 /* rows with no complete request line */

TestSuite(hostile, .timeout = 60);

/* --- Small things ----------------------------------------------------- */

/* Expands "{N*c}" into N copies of the byte c (a repeat template), so the
 * table can hold 20 000-byte targets and headers. */
static char *expand(const char *t) {
    if (t == NULL)
        return NULL;
    size_t cap = strlen(t) + 1, len = 0;
    char *out = malloc(cap);
    for (const char *p = t; *p;) {
        char *end;
        if (p[0] == '{' && isdigit((unsigned char)p[1])) {
            unsigned long n = strtoul(p + 1, &end, 10);
            if (end[0] == '*' && end[1] && end[2] == '}') {
                if (len + n + 1 > cap) {
                    cap = len + n + 1 + strlen(p);
                    out = realloc(out, cap);
                }
                memset(out + len, end[1], n);
                len += n;
                p = end + 3;
                continue;
            }
        }
        if (len + 2 > cap) {
            cap = cap * 2 + 2;
            out = realloc(out, cap);
        }
        out[len++] = *p++;
    }
    out[len] = '\0';
    return out;
}

/* n search terms joined by sep: "a0 OR a1 OR ..." */
static char *terms(int n, const char *word, const char *sep) {
    char *s = strdup("");
    for (int i = 0; i < n; i++) {
        char *x = vj_fmt("%s%s%s%d", s, i ? sep : "", word, i);
        free(s);
        s = x;
    }
    return s;
}

static char *gen_or16(void) {
    char *t = terms(16, "a", "+OR+");
    char *s = vj_fmt("/api/v1/search?q=%s", t);
    free(t);
    return s;
}

static char *gen_or17(void) {
    char *t = terms(17, "a", "+OR+");
    char *s = vj_fmt("/api/v1/search?q=%s", t);
    free(t);
    return s;
}

static char *gen_and40(void) {
    char *t = terms(40, "t", "+");
    char *s = vj_fmt("/api/v1/search?q=%s", t);
    free(t);
    return s;
}

/* 16 one-letter prefixes in one OR chain: every word of the corpus. */
static char *gen_prefix_or(void) {
    static const char letters[] = "abcdeghiklmnopqst";
    char *s = strdup("/api/v1/search?q=");
    for (int i = 0; i < 16; i++) {
        char *x = vj_fmt("%s%s%c*", s, i ? "+OR+" : "", letters[i]);
        free(s);
        s = x;
    }
    return s;
}

/* 23 prefixes AND-ed. */
static char *gen_prefix_and(void) {
    static const char letters[] = "abcdeghiklmnopqrstuvxy";
    char *s = strdup("/api/v1/search?q=");
    for (size_t i = 0; letters[i]; i++) {
        char *x = vj_fmt("%s%s%c*", s, i ? "+" : "", letters[i]);
        free(s);
        s = x;
    }
    return s;
}

static char *headers_n(int n) {
    char *s = strdup("");
    for (int i = 0; i < n; i++) {
        char *x = vj_fmt("%sX-H%d: v\r\n", s, i);
        free(s);
        s = x;
    }
    return s;
}

static char *gen_hdr200(void) {
    return headers_n(200);
}
static char *gen_hdr3000(void) {
    return headers_n(3000);
}

/* --- The table -------------------------------------------------------- */

typedef enum {
    E_PROBLEM,      /* exactly .status, a problem+json of ours */
    E_OK,           /* exactly 200, a JSON body */
    E_STATUS,       /* exactly .status, whatever the body */
    E_OK_OR_4XX,    /* 200 or any 4xx */
    E_4XX,          /* any 4xx (libmicrohttpd may answer itself) */
    E_4XX_OR_CLOSE, /* any 4xx, or a clean close without an answer */
    E_PENDING,      /* no complete request line: nothing, a 4xx or a close */
    E_SEQ,          /* pipelined: .seq statuses in order (-1: 4xx or close) */
} expect_t;

typedef struct {
    const char *name;
    expect_t expect;
    long status;         /* E_PROBLEM, E_STATUS */
    const char *slug;    /* E_PROBLEM: urn:vjcorpus:problem:<slug>, or NULL */
    const char *param;   /* E_PROBLEM: the parameter named, or NULL */
    const char *method;  /* NULL: GET */
    const char *target;  /* the request target as sent ({N*c} repeats) */
    const char *headers; /* extra header lines, each ending in \r\n */
    const char *raw;     /* instead: the whole request as sent */
    size_t raw_len;      /* 0: strlen(raw) */
    char *(*target_gen)(void);
    char *(*headers_gen)(void);
    int curl;    /* 1: send through libcurl (HEAD, OPTIONS) */
    long seq[4]; /* E_SEQ; 0 ends */
} row_t;

#define P(st, sl, pa) .expect = E_PROBLEM, .status = st, .slug = sl, .param = pa
#define BAD_PATH P(400, "invalid-path", NULL)
#define BAD_PARAM(pa) P(400, "invalid-parameter", pa)
#define UNKNOWN_PARAM(pa) P(400, "unknown-parameter", pa)
#define NOT_FOUND P(404, "not-found", NULL)
#define NOT_ALLOWED P(405, "method-not-allowed", NULL)
#define TOO_LARGE P(413, "payload-too-large", NULL)
#define H11 " HTTP/1.1\r\nHost: t\r\n"
/* a raw request, NUL bytes included */
#define RAW(lit) .raw = lit, .raw_len = sizeof(lit) - 1

static const row_t rows[] = {
    /* --- bad percent-encoding, %00, invalid UTF-8 in the path --- */
    {"lone % in path", BAD_PATH, .target = "/api/v1/documents/%"},
    {"%G1 in path", BAD_PATH, .target = "/api/v1/documents/%G1"},
    {"%0 cut short in path", BAD_PATH, .target = "/api/v1/documents/%0"},
    {"%00 in path", BAD_PATH, .target = "/api/v1/documents/%00"},
    {"%00 after a route", BAD_PATH, .target = "/api/v1/health%00"},
    {"%00 mid-id", BAD_PATH, .target = "/api/v1/timeline/%00x"},
    {"overlong / %C0%AF", BAD_PATH, .target = "/api/v1/documents/%C0%AF"},
    {"surrogate %ED%A0%80", BAD_PATH, .target = "/api/v1/documents/%ED%A0%80"},
    {"beyond U+10FFFF", BAD_PATH, .target = "/api/v1/documents/%F4%90%80%80"},
    {"truncated sequence", BAD_PATH, .target = "/api/v1/documents/%E1%BB"},
    {"lone continuation byte", BAD_PATH, .target = "/api/v1/entities/%80"},
    {"raw 0xFF in the request line", BAD_PATH,
     .target = "/api/v1/documents/\xff"},
    {"raw overlong C0 AF in the request line", BAD_PATH,
     .target = "/api/v1/documents/\xc0\xaf"},
    {"raw 0xFE 0xFF after the route", BAD_PATH,
     .target = "/api/v1/health\xfe\xff"},
    /* libmicrohttpd cuts the line at a raw NUL: the rest never reaches us */
    {"raw NUL in the target", E_4XX,
     RAW("GET /api/v1/he\0alth HTTP/1.1\r\nHost: t\r\n\r\n")},
    {"%% escape", BAD_PATH, .target = "/api/v1/documents/%%41"},
    {"IIS-style %u002e escape", BAD_PATH,
     .target = "/api/v1/%u002e%u002e/health"},
    {"target not starting with /", BAD_PATH, .target = "api/v1/health"},
    {"absolute-form target", BAD_PATH, .target = "http://x/api/v1/health"},
    {"authority-form target", BAD_PATH, .method = "CONNECT",
     .target = "127.0.0.1:80"},
    {"OPTIONS *", BAD_PATH, .method = "OPTIONS", .target = "*"},

    /* --- bad percent-encoding, %00, invalid UTF-8 in the query --- */
    {"lone % in a value", BAD_PARAM("limit"),
     .target = "/api/v1/documents?limit=%"},
    {"%G1 in a value", BAD_PARAM("limit"),
     .target = "/api/v1/documents?limit=%G1"},
    {"%0 cut short in a value", BAD_PARAM("limit"),
     .target = "/api/v1/documents?limit=1%0"},
    {"%00 in a value", BAD_PARAM("limit"),
     .target = "/api/v1/documents?limit=%00"},
    {"%00 in a search query", BAD_PARAM("q"),
     .target = "/api/v1/suggest?q=ng%00x"},
    {"%00 as a name", BAD_PARAM(NULL), .target = "/api/v1/documents?%00=1"},
    {"%00 inside a name", BAD_PARAM(NULL), .target = "/api/v1/search?q%00=1"},
    {"overlong UTF-8 in a value", BAD_PARAM("sort"),
     .target = "/api/v1/documents?sort=%C0%AF"},
    {"surrogate in a value", BAD_PARAM("language"),
     .target = "/api/v1/documents?language=%ED%A0%80"},
    {"%FF search query", BAD_PARAM("q"), .target = "/api/v1/search?q=%FF"},
    {"raw 0xFF search query", BAD_PARAM("q"),
     .target = "/api/v1/search?q=\xff"},
    {"invalid UTF-8 in a filter", BAD_PARAM("status"),
     .target = "/api/v1/projects?status=%FF"},
    {"raw UTF-8 search query", E_OK, .target = "/api/v1/search?q=\xc3\xa0"},

    /* --- path traversal and odd paths --- */
    {"/../ before the API", NOT_FOUND, .target = "/../api/v1/health"},
    {"/api/v1/../../etc/passwd", NOT_FOUND,
     .target = "/api/v1/../../etc/passwd"},
    {"%2e%2e%2f traversal", NOT_FOUND,
     .target = "/api/v1/%2e%2e%2f%2e%2e%2fetc%2fpasswd"},
    {"..%2F id", NOT_FOUND,
     .target = "/api/v1/documents/..%2F..%2Fmanifest.json"},
    {"%2e%2e as an id", NOT_FOUND, .target = "/api/v1/documents/%2e%2e"},
    {"double-encoded traversal", NOT_FOUND,
     .target = "/api/v1/documents/%252e%252e%252fetc%252fpasswd"},
    {"backslash traversal", NOT_FOUND,
     .target = "/api/v1/documents/..\\..\\etc\\passwd"},
    {"//api//v1 doubled slashes", NOT_FOUND, .target = "//api//v1//health"},
    {"/./ segment", NOT_FOUND, .target = "/api/v1/./health"},
    {"trailing slash", NOT_FOUND, .target = "/api/v1/health/"},
    {"upper-case path", NOT_FOUND, .target = "/API/V1/HEALTH"},
    {"%2F inside an id", NOT_FOUND, .target = "/api/v1/entities/%2F"},
    {"space as an id", NOT_FOUND, .target = "/api/v1/projects/%20"},
    {"extra segment", NOT_FOUND,
     .target = "/api/v1/documents/000_9a418107b7a7cca5/x"},

    /* --- very long ids and URIs --- */
    {"8000-byte document id", NOT_FOUND,
     .target = "/api/v1/documents/{8000*a}"},
    {"3000-byte entity id", NOT_FOUND, .target = "/api/v1/entities/{3000*x}"},
    {"30-digit event id", NOT_FOUND, .target = "/api/v1/timeline/{30*9}"},
    {"20000-byte id: 414", P(414, "uri-too-long", NULL),
     .target = "/api/v1/documents/{20000*a}"},
    {"17000-byte query: 414", P(414, "uri-too-long", NULL),
     .target = "/api/v1/health?_={17000*a}"},
    {"200 KB URI beyond any pool", E_4XX_OR_CLOSE, .target = "/{200000*a}"},

    /* --- numbers --- */
    {"limit=99999999999999999999", BAD_PARAM("limit"),
     .target = "/api/v1/documents?limit=99999999999999999999"},
    {"limit=2^63", BAD_PARAM("limit"),
     .target = "/api/v1/documents?limit=9223372036854775808"},
    {"top=-2^63-1", BAD_PARAM("top"),
     .target = "/api/v1/stats?top=-9223372036854775809"},
    {"offset=-1", BAD_PARAM("offset"), .target = "/api/v1/documents?offset=-1"},
    {"limit=1e3", BAD_PARAM("limit"), .target = "/api/v1/documents?limit=1e3"},
    {"limit=0x10", BAD_PARAM("limit"),
     .target = "/api/v1/documents?limit=0x10"},
    {"limit=%205 (leading space)", BAD_PARAM("limit"),
     .target = "/api/v1/documents?limit=%205"},
    {"limit=+5 (plus is a space)", BAD_PARAM("limit"),
     .target = "/api/v1/documents?limit=+5"},
    /* a raw space splits the request line: libmicrohttpd's to judge */
    {"limit= 5 with a raw space", E_4XX_OR_CLOSE,
     RAW("GET /api/v1/documents?limit= 5 HTTP/1.1\r\nHost: t\r\n\r\n")},
    {"limit=-0", BAD_PARAM("limit"), .target = "/api/v1/documents?limit=-0"},
    {"limit=1.0", BAD_PARAM("limit"),
     .target = "/api/v1/suggest?q=ng&limit=1.0"},
    {"offset=1000001", BAD_PARAM("offset"),
     .target = "/api/v1/documents?offset=1000001"},
    {"offset=1000000 is the maximum", E_OK,
     .target = "/api/v1/documents?offset=1000000"},
    {"offset with 22 leading zeros", E_OK,
     .target = "/api/v1/documents?offset=00000000000000000000001"},
    {"stats top=0", BAD_PARAM("top"), .target = "/api/v1/stats?top=0"},

    /* --- repeated, unknown and empty parameters --- */
    {"limit=1&limit=2", BAD_PARAM("limit"),
     .target = "/api/v1/documents?limit=1&limit=2"},
    {"q twice", BAD_PARAM("q"), .target = "/api/v1/search?q=a&q=b"},
    {"type twice", BAD_PARAM("type"),
     .target = "/api/v1/timeline?type=meeting&type=visit"},
    {"unknown parameter", UNKNOWN_PARAM("bogus"),
     .target = "/api/v1/documents?bogus=1"},
    {"bare unknown name on health", UNKNOWN_PARAM("x"),
     .target = "/api/v1/health?x"},
    {"parameter on openapi.json", UNKNOWN_PARAM("q"),
     .target = "/openapi.json?q=1"},
    {"array-style name", UNKNOWN_PARAM("order[]"),
     .target = "/api/v1/documents?order[]=asc"},
    {"empty names", UNKNOWN_PARAM(NULL), .target = "/api/v1/documents?&&&=&=&"},
    {"empty limit", BAD_PARAM("limit"), .target = "/api/v1/documents?limit="},
    {"empty sort", BAD_PARAM("sort"), .target = "/api/v1/documents?sort="},
    {"empty actor", BAD_PARAM("actor"), .target = "/api/v1/timeline?actor="},
    {"empty search q", BAD_PARAM("q"), .target = "/api/v1/search?q="},
    {"search without q", BAD_PARAM("q"), .target = "/api/v1/search"},
    {"empty suggest q", BAD_PARAM("q"), .target = "/api/v1/suggest?q="},
    {"sort with SQL", BAD_PARAM("sort"),
     .target = "/api/v1/entities?sort=mentions;drop%20table"},
    {"document= traversal", BAD_PARAM("document"),
     .target = "/api/v1/projects?document=..%2F..%2Fetc"},

    /* --- absurd queries --- */
    {"search q of 10000 bytes", BAD_PARAM("q"),
     .target = "/api/v1/search?q={10000*a}"},
    {"suggest q of 10000 bytes", BAD_PARAM("q"),
     .target = "/api/v1/suggest?q={10000*a}"},
    {"timeline q of 10000 bytes", E_OK,
     .target = "/api/v1/timeline?q={10000*a}"},
    {"entities q of 10000 bytes", E_OK,
     .target = "/api/v1/entities?q={10000*x}"},
    {"projects q of 10000 bytes", E_OK,
     .target = "/api/v1/projects?q={10000*x}"},
    {"statistics q of 10000 bytes", E_OK,
     .target = "/api/v1/statistics?q={10000*x}"},
    {"q=OR OR", BAD_PARAM("q"), .target = "/api/v1/search?q=OR%20OR"},
    {"q=OR", BAD_PARAM("q"), .target = "/api/v1/search?q=OR"},
    {"q=-", BAD_PARAM("q"), .target = "/api/v1/search?q=-"},
    {"q=\"", BAD_PARAM("q"), .target = "/api/v1/search?q=%22"},
    {"q=\"\"", BAD_PARAM("q"), .target = "/api/v1/search?q=%22%22"},
    {"q=*", BAD_PARAM("q"), .target = "/api/v1/search?q=*"},
    {"q=-\"x\"", BAD_PARAM("q"), .target = "/api/v1/search?q=-%22x%22"},
    {"q=((((((", BAD_PARAM("q"), .target = "/api/v1/search?q=(((((("},
    {"q=zero-width space", BAD_PARAM("q"),
     .target = "/api/v1/search?q=%E2%80%8B"},
    {"q=a* prefix", E_OK, .target = "/api/v1/search?q=a*"},
    {"q=n* prefix", E_OK, .target = "/api/v1/search?q=n*"},
    {"16-term OR chain", E_OK, .target_gen = gen_or16},
    {"17-term OR chain", BAD_PARAM("q"), .target_gen = gen_or17},
    {"16 prefixes OR-ed", E_OK, .target_gen = gen_prefix_or},
    {"23 prefixes AND-ed", E_OK, .target_gen = gen_prefix_and},
    {"40 AND-ed terms", BAD_PARAM("q"), .target_gen = gen_and40},
    {"20-word phrase", BAD_PARAM("q"),
     .target =
         "/api/v1/search?q=%22a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a+a%22"},
    {"search offset=1000000", E_OK,
     .target = "/api/v1/search?q=vi%E1%BB%87t&offset=1000000"},
    {"search limit=100 offset=999999", E_OK,
     .target = "/api/v1/search?q=nhat&limit=100&offset=999999"},
    {"search offset=1000001", BAD_PARAM("offset"),
     .target = "/api/v1/search?q=nhat&offset=1000001"},
    {"suggest q=*", E_OK, .target = "/api/v1/suggest?q=*"},
    {"statistics deep offset", E_OK,
     .target = "/api/v1/statistics?group=metric&sort=value&order=desc&"
               "limit=100&offset=1000000"},

    /* --- dates and absurd types --- */
    {"from=2025-02-30", BAD_PARAM("from"),
     .target = "/api/v1/timeline?from=2025-02-30"},
    {"from=9999-99-99", BAD_PARAM("from"),
     .target = "/api/v1/timeline?from=9999-99-99"},
    {"from=2023-02-29", BAD_PARAM("from"),
     .target = "/api/v1/timeline?from=2023-02-29"},
    {"from=2024-02-29 is a day", E_OK,
     .target = "/api/v1/timeline?from=2024-02-29"},
    {"from=0000", BAD_PARAM("from"), .target = "/api/v1/timeline?from=0000"},
    {"to=-001", BAD_PARAM("to"), .target = "/api/v1/timeline?to=-001"},
    {"to=2025-1-1", BAD_PARAM("to"),
     .target = "/api/v1/statistics?to=2025-1-1"},
    {"to before from (timeline)", BAD_PARAM("from"),
     .target = "/api/v1/timeline?from=2025&to=2020"},
    {"to before from (statistics)", BAD_PARAM("from"),
     .target = "/api/v1/statistics?from=2025-01-01&to=2024-12-31"},
    {"search from=2025-13", BAD_PARAM("from"),
     .target = "/api/v1/search?q=a&from=2025-13"},
    {"planned=maybe", BAD_PARAM("planned"),
     .target = "/api/v1/timeline?planned=maybe"},
    {"format=xml", BAD_PARAM("format"),
     .target = "/api/v1/timeline?format=xml"},
    {"type=alien", BAD_PARAM("type"), .target = "/api/v1/entities?type=alien"},

    /* --- methods --- */
    {"PUT", NOT_ALLOWED, .method = "PUT", .target = "/api/v1/health"},
    {"DELETE", NOT_ALLOWED, .method = "DELETE", .target = "/api/v1/documents"},
    {"PATCH", NOT_ALLOWED, .method = "PATCH",
     .target = "/api/v1/documents/000_9a418107b7a7cca5"},
    {"TRACE", NOT_ALLOWED, .method = "TRACE", .target = "/api/v1/health"},
    {"CONNECT on a path", NOT_ALLOWED, .method = "CONNECT",
     .target = "/api/v1/health"},
    {"FOO", NOT_ALLOWED, .method = "FOO", .target = "/api/v1/search?q=a"},
    {"lower-case get", NOT_ALLOWED, .method = "get",
     .target = "/api/v1/health"},
    {"5000-byte method", NOT_ALLOWED, .method = "{5000*M}",
     .target = "/api/v1/health"},
    {"20000-byte method", NOT_ALLOWED, .method = "{20000*M}",
     .target = "/api/v1/health"},
    {"PUT on an unknown path: 404 first", NOT_FOUND, .method = "PUT",
     .target = "/api/v1/nope"},
    {"POST with a body", NOT_ALLOWED,
     RAW("POST /api/v1/documents HTTP/1.1\r\nHost: t\r\n"
         "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n"
         "{\"a\":1}")},
    {"OPTIONS on a route", E_STATUS, .status = 204, .method = "OPTIONS",
     .target = "/api/v1/health"},
    {"OPTIONS preflight, hostile headers", E_STATUS, .status = 204, .curl = 1,
     .method = "OPTIONS", .target = "/api/v1/documents",
     .headers =
         "Origin: \x01\x7f\r\nAccess-Control-Request-Method: {3000*X}\r\n"
         "Access-Control-Request-Headers: ,,,;;\r\n"},
    {"HEAD on an unknown path", E_STATUS, .status = 404, .curl = 1,
     .method = "HEAD", .target = "/api/v1/nope"},
    {"HEAD with a bad parameter", E_STATUS, .status = 400, .curl = 1,
     .method = "HEAD", .target = "/api/v1/documents?limit=abc"},

    /* --- versions and request lines --- */
    {"HTTP/1.0", E_OK, RAW("GET /api/v1/health HTTP/1.0\r\nHost: t\r\n\r\n")},
    {"HTTP/1.0 without Host", E_OK, RAW("GET /api/v1/health HTTP/1.0\r\n\r\n")},
    {"HTTP/1.1 without Host", E_OK_OR_4XX,
     RAW("GET /api/v1/health HTTP/1.1\r\n\r\n")},
    {"HTTP/0.9-style line", E_4XX_OR_CLOSE, RAW("GET /api/v1/health\r\n\r\n")},
    {"HTTP/0.9-style line, no blank line", E_4XX_OR_CLOSE,
     RAW("GET /api/v1/health\r\n")},
    {"HTTP/1.9", E_OK_OR_4XX,
     RAW("GET /api/v1/health HTTP/1.9\r\nHost: t\r\n\r\n")},
    /* RFC 9110 15.6.6: an unsupported major version is a 505, from
     * libmicrohttpd before any handler runs */
    {"HTTP/2.0 version token", E_STATUS, .status = 505,
     RAW("GET /api/v1/health HTTP/2.0\r\nHost: t\r\n\r\n")},
    {"HTTP/0.9 version token", E_STATUS, .status = 505,
     RAW("GET /api/v1/health HTTP/0.9\r\nHost: t\r\n\r\n")},
    {"FOO/1.1 version", E_4XX_OR_CLOSE,
     RAW("GET /api/v1/health FOO/1.1\r\nHost: t\r\n\r\n")},
    {"h2 prior-knowledge preface", E_STATUS, .status = 505,
     RAW("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")},
    {"extra word after the version", E_4XX_OR_CLOSE,
     RAW("GET /api/v1/health HTTP/1.1 extra\r\nHost: t\r\n\r\n")},
    {"tab separators", E_4XX_OR_CLOSE,
     RAW("GET\t/api/v1/health\tHTTP/1.1\r\nHost: t\r\n\r\n")},
    {"doubled spaces", E_4XX,
     RAW("GET  /api/v1/health  HTTP/1.1\r\nHost: t\r\n\r\n")},
    {"spaces inside the target", E_4XX,
     RAW("GET /a b c HTTP/1.1\r\nHost: t\r\n\r\n")},
    {"GARBAGE line", E_4XX_OR_CLOSE, RAW("GARBAGE\r\n\r\n")},
    {"GET alone", E_4XX_OR_CLOSE, RAW("GET\r\n\r\n")},
    {"control bytes line", E_4XX_OR_CLOSE, RAW("\x01\x02\x03 \r\n\r\n")},
    {"0xFF line", E_4XX_OR_CLOSE, RAW("\xff\xfe\xfd\r\n\r\n")},
    {"NUL inside the method", E_OK_OR_4XX,
     RAW("GET\0 /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")},
    {"NUL before the method", E_4XX_OR_CLOSE,
     RAW("\0GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")},
    /* libmicrohttpd reads a line starting with NUL as a blank line and
     * waits for the request; the one that follows must be answered */
    {"NUL garbage line, then a request", E_OK_OR_4XX,
     RAW("\0\x01garbage\xff\r\n\r\nGET /api/v1/health HTTP/1.1\r\n"
         "Host: t\r\n\r\n")},
    {"blank lines before the request", E_OK,
     RAW("\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")},
    {"bare LF line ends", E_OK_OR_4XX,
     RAW("GET /api/v1/health HTTP/1.1\nHost: t\n\n")},
    {"a lone G, never finished", E_PENDING, RAW("G")},
    {"half a request line", E_PENDING, RAW("GET /api/v1/hea")},
    {"TLS ClientHello", E_PENDING,
     RAW("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\x00\x00\x00\x00\x00")},

    /* --- header lines --- */
    {"header line without a colon", E_4XX_OR_CLOSE,
     RAW("GET /api/v1/health HTTP/1.1\r\nHost: t\r\nNoColonHere\r\n\r\n")},
    {"NUL in a header name", E_4XX_OR_CLOSE,
     RAW("GET /api/v1/health" H11 "X\0Y: a\r\n\r\n")},
    {"NUL in a header value", E_OK_OR_4XX,
     RAW("GET /api/v1/health" H11 "X-A: a\0b\r\n\r\n")},
    {"empty header name", E_OK_OR_4XX,
     RAW("GET /api/v1/health" H11 ": empty\r\nX-After: 1\r\n\r\n")},
    {"obs-fold continuation", E_OK_OR_4XX,
     RAW("GET /api/v1/health" H11 "X-A: b\r\n  folded\r\n\r\n")},
    {"0xFF in a header value", E_OK_OR_4XX,
     RAW("GET /api/v1/health" H11 "X-Bin: \xff\xfe\r\n\r\n")},
    {"two Host headers", E_OK_OR_4XX,
     RAW("GET /api/v1/health" H11 "Host: u\r\n\r\n")},
    {"garbage validators and codings", E_OK, .target = "/api/v1/documents",
     .headers = "If-None-Match: \"\r\nIf-Modified-Since: yesterday\r\n"
                "Accept-Encoding: gzip;q=bogus, *;q=, br;q=-1\r\n"
                "Range: bytes=-1-2\r\nOrigin: \xff\r\n"},
    {"200 small headers", E_OK, .target = "/api/v1/health",
     .headers_gen = gen_hdr200},
    {"one 20 KB header", P(431, "headers-too-large", NULL),
     .target = "/api/v1/health", .headers = "X-Big: {20000*x}\r\n"},
    {"one 15 KB header is fine", E_OK, .target = "/api/v1/health",
     .headers = "X-Big: {15000*x}\r\n"},
    {"3000 headers", E_4XX, .target = "/api/v1/health",
     .headers_gen = gen_hdr3000},
    {"Expect: 100-continue", E_SEQ, .target = "/api/v1/health",
     .headers = "Expect: 100-continue\r\n", .seq = {100, 200}},

    /* --- bodies --- */
    {"GET with Content-Length: 5", TOO_LARGE, .target = "/api/v1/documents",
     .headers = "Content-Length: 5\r\n\r\nhello"},
    {"GET with Transfer-Encoding: chunked", TOO_LARGE,
     .target = "/api/v1/documents",
     .headers = "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"},
    {"GET with a broken chunk", TOO_LARGE, .target = "/api/v1/documents",
     .headers = "Transfer-Encoding: chunked\r\n\r\nzz\r\n"},
    {"Transfer-Encoding: gzip", TOO_LARGE, .target = "/api/v1/health",
     .headers = "Transfer-Encoding: gzip\r\n"},
    {"Content-Length: 0 is no body", E_OK, .target = "/api/v1/health",
     .headers = "Content-Length: 0\r\n"},
    {"Content-Length: -1", E_4XX, .target = "/api/v1/health",
     .headers = "Content-Length: -1\r\n"},
    {"Content-Length: abc", E_4XX, .target = "/api/v1/health",
     .headers = "Content-Length: abc\r\n"},
    {"Content-Length: 10^23", E_4XX, .target = "/api/v1/health",
     .headers = "Content-Length: 99999999999999999999999\r\n"},
    {"two Content-Lengths", E_4XX, .target = "/api/v1/health",
     .headers = "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"},
    {"chunked and Content-Length", E_4XX, .target = "/api/v1/health",
     .headers = "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n"},

    /* --- pipelining --- */
    {"3 pipelined GETs answer in order", E_SEQ,
     RAW("GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"
         "GET /api/v1/nope HTTP/1.1\r\nHost: t\r\n\r\n"
         "GET /api/v1/documents?limit=abc HTTP/1.1\r\nHost: t\r\n\r\n"),
     .seq = {200, 404, 400}},
    {"pipelined garbage after a GET", E_SEQ,
     RAW("GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\nGARBAGE\r\n\r\n"),
     .seq = {200, -1}},
    {"pipelined binary after a GET", E_SEQ,
     RAW("GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"
         "\x01\x02\xff\xfe\r\n\r\n"),
     .seq = {200, -1}},
    {"pipelined body-bearing GET, then a GET", E_SEQ,
     RAW("GET /api/v1/health HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
         "\r\nhelloGET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"),
     .seq = {413, -1}},
};

#define ROW_COUNT (sizeof rows / sizeof rows[0])

/* The request a row sends (a new buffer, *len bytes). */
static char *build(const row_t *r, size_t *len) {
    if (r->raw) {
        *len = r->raw_len ? r->raw_len : strlen(r->raw);
        char *b = malloc(*len + 1);
        memcpy(b, r->raw, *len);
        b[*len] = '\0';
        return b;
    }
    char *method = expand(r->method ? r->method : "GET");
    char *target = r->target_gen ? r->target_gen() : expand(r->target);
    char *headers = r->headers_gen ? r->headers_gen() : expand(r->headers);
    char *req;
    /* a header string that holds "\r\n\r\n" carries its own body */
    if (headers && strstr(headers, "\r\n\r\n"))
        req =
            vj_fmt("%s %s HTTP/1.1\r\nHost: t\r\n%s", method, target, headers);
    else
        req = vj_fmt("%s %s HTTP/1.1\r\nHost: t\r\n%s\r\n", method, target,
                     headers ? headers : "");
    free(method);
    free(target);
    free(headers);
    *len = strlen(req);
    return req;
}

/* Sends a row through libcurl; NULL when the transport failed. */
static vj_resp_t *send_curl(const vj_server_t *s, const row_t *r) {
    char *headers = expand(r->headers);
    const char *list[16];
    size_t n = 0;
    for (char *p = headers; p && *p && n < 15;) {
        char *e = strstr(p, "\r\n");
        if (e)
            *e = '\0';
        list[n++] = p;
        p = e ? e + 2 : p + strlen(p);
    }
    list[n] = NULL;
    vj_req_t q = {.method = r->method, .headers = list};
    vj_resp_t *resp = vj_request_port(s->port, r->target, &q);
    free(headers);
    return resp;
}

static const char *hdr(const vj_resp_t *r, const char *name) {
    const char *v = vj_header(r, name);
    return v ? v : "(none)";
}

static int is_problem(const vj_resp_t *r) {
    const char *ct = vj_header(r, "Content-Type");
    return ct && strncasecmp(ct, "application/problem+json", 24) == 0;
}

/* Soft checks of an error body the server wrote: a problem+json with a
 * urn:vjcorpus:problem: type, title, detail, instance and the status; with
 * slug, that type; with param, naming it. Returns the failures. */
static int check_problem(const char *what, const vj_resp_t *r, long status,
                         const char *slug, const char *param) {
    int bad = 0;
    const char *ct = vj_header(r, "Content-Type");
    if (!is_problem(r) || !vj_strcasestr(ct, "charset=utf-8")) {
        cr_expect_fail("%s: Content-Type %s is not application/problem+json; "
                       "charset=utf-8",
                       what, ct ? ct : "(none)");
        return 1;
    }
    if (!vj_header_has_token(r, "Cache-Control", "no-store")) {
        cr_expect_fail("%s: error Cache-Control %s", what,
                       hdr(r, "Cache-Control"));
        bad++;
    }
    json_error_t err;
    json_t *j = json_loadb(r->body, r->body_len, 0, &err);
    if (!json_is_object(j)) {
        cr_expect_fail("%s: problem body is not a JSON object: %.200s", what,
                       r->body);
        json_decref(j);
        return bad + 1;
    }
    const char *type = json_string_value(json_object_get(j, "type"));
    const char *title = json_string_value(json_object_get(j, "title"));
    const char *detail = json_string_value(json_object_get(j, "detail"));
    const char *inst = json_string_value(json_object_get(j, "instance"));
    json_t *st = json_object_get(j, "status");
    static const char urn[] = "urn:vjcorpus:problem:";
    if (!type || strncmp(type, urn, sizeof urn - 1) != 0 ||
        !type[sizeof urn - 1]) {
        cr_expect_fail("%s: problem type %s", what, type ? type : "(none)");
        bad++;
    } else if (slug && strcmp(type + sizeof urn - 1, slug) != 0) {
        cr_expect_fail("%s: problem type %s, expected %s%s", what, type, urn,
                       slug);
        bad++;
    }
    if (!title || !*title || !detail || !*detail || !inst || !*inst) {
        cr_expect_fail("%s: problem lacks title, detail or instance: %.300s",
                       what, r->body);
        bad++;
    }
    if (!json_is_integer(st) || json_integer_value(st) != status) {
        cr_expect_fail("%s: problem status member is not %ld: %.300s", what,
                       status, r->body);
        bad++;
    }
    if (param) {
        const char *p = json_string_value(json_object_get(j, "parameter"));
        if (!p || strcmp(p, param) != 0 || !detail || !strstr(detail, param)) {
            cr_expect_fail("%s: problem does not name parameter \"%s\": "
                           "%.300s",
                           what, param, r->body);
            bad++;
        }
    }
    json_decref(j);
    return bad;
}

/* Checks one answer against an expected status (-1: any 4xx). */
static int check_answer(const char *what, const row_t *row, const vj_resp_t *r,
                        long want) {
    int bad = 0;
    long st = r->status;
    if (st >= 500 && !(row->expect == E_STATUS && st == row->status)) {
        cr_expect_fail("%s: a %ld (5xx): %.200s", what, st, r->body);
        return 1;
    }
    if (want == -1 && !(st >= 400 && st < 500)) {
        cr_expect_fail("%s: answered %ld, expected a 4xx", what, st);
        return 1;
    }
    if (want == -2 && !(st == 200 || (st >= 400 && st < 500))) {
        cr_expect_fail("%s: answered %ld, expected 200 or a 4xx", what, st);
        return 1;
    }
    if (want > 0 && st != want) {
        cr_expect_fail("%s: answered %ld, expected %ld; body %.200s", what, st,
                       want, r->body);
        return 1;
    }
    if (row->expect == E_PROBLEM) {
        bad += check_problem(what, r, st, row->slug, row->param);
        if (st == 405 && strcmp(hdr(r, "Allow"), "GET, HEAD, OPTIONS") != 0) {
            cr_expect_fail("%s: 405 with Allow %s", what, hdr(r, "Allow"));
            bad++;
        }
    } else if (st >= 400 && is_problem(r) && !row->curl) {
        /* our own error: the problem shape holds whatever the row */
        bad += check_problem(what, r, st, NULL, NULL);
    }
    if (st == 200 && !row->curl && row->expect != E_SEQ) {
        json_error_t err;
        json_t *j = json_loadb(r->body, r->body_len, 0, &err);
        if (!j) {
            cr_expect_fail("%s: a 200 whose body is not JSON: %.200s", what,
                           r->body);
            bad++;
        }
        json_decref(j);
    }
    return bad;
}

/* Runs one row; returns its failures and sets *got to a summary. */
static int run_row(const vj_server_t *s, size_t i, char *got, size_t gotlen) {
    const row_t *row = &rows[i];
    char what[160];
    snprintf(what, sizeof what, "row %zu (%s)", i, row->name);
    snprintf(got, gotlen, "-");

    if (row->curl) {
        vj_resp_t *r = send_curl(s, row);
        if (!r) {
            cr_expect_fail("%s: no answer through libcurl", what);
            return 1;
        }
        snprintf(got, gotlen, "%ld", r->status);
        long want = row->expect == E_STATUS || row->expect == E_PROBLEM
                        ? row->status
                    : row->expect == E_OK ? 200
                                          : -2;
        int bad = check_answer(what, row, r, want);
        vj_resp_free(r);
        return bad;
    }

    size_t len;
    char *req = build(row, &len);
    size_t want_n = 1;
    if (row->expect == E_SEQ)
        for (want_n = 0; want_n < 4 && row->seq[want_n]; want_n++) {
        }
    vj_resp_t *out[4] = {0};
    int closed = 0;
    double timeout =
        row->expect == E_PENDING ? PENDING_TIMEOUT_S : ROW_TIMEOUT_S;
    double t0 = vj_now();
    size_t n = vj_raw(s, req, len, out, want_n, timeout, &closed);
    double took = vj_now() - t0;
    free(req);

    int bad = 0;
    size_t w = 0;
    for (size_t k = 0; k < n; k++)
        w += (size_t)snprintf(got + w, w < gotlen ? gotlen - w : 0, "%s%ld",
                              k ? "," : "", out[k]->status);
    if (n == 0)
        snprintf(got, gotlen, "%s", closed ? "close" : "nothing");
    else if (closed && n < want_n)
        snprintf(got + strlen(got), gotlen - strlen(got), ",close");

    switch (row->expect) {
    case E_PROBLEM:
    case E_STATUS:
    case E_OK:
    case E_OK_OR_4XX:
    case E_4XX:
        if (n != 1) {
            cr_expect_fail("%s: %s after %.1f s, expected an answer", what,
                           closed ? "closed without an answer" : "no answer",
                           took);
            bad++;
            break;
        }
        bad += check_answer(what, row, out[0],
                            row->expect == E_OK          ? 200
                            : row->expect == E_OK_OR_4XX ? -2
                            : row->expect == E_4XX       ? -1
                                                         : row->status);
        break;
    case E_4XX_OR_CLOSE:
        if (n == 1)
            bad += check_answer(what, row, out[0], -1);
        else if (!closed) {
            cr_expect_fail("%s: neither an answer nor a close in %.1f s", what,
                           took);
            bad++;
        }
        break;
    case E_PENDING:
        /* nothing to answer yet: the server waits for the line (until
         * --timeout); any answer it does give is a 4xx */
        if (n == 1)
            bad += check_answer(what, row, out[0], -1);
        break;
    case E_SEQ:
        for (size_t k = 0; k < want_n; k++) {
            char w2[200];
            snprintf(w2, sizeof w2, "%s answer %zu", what, k + 1);
            if (k < n) {
                bad += check_answer(w2, row, out[k], row->seq[k]);
            } else if (!(row->seq[k] == -1 && closed)) {
                cr_expect_fail("%s: %zu answers of %zu%s", what, n, want_n,
                               closed ? " (closed)" : " (timed out)");
                bad++;
                break;
            }
        }
        break;
    }
    for (size_t k = 0; k < n; k++)
        vj_resp_free(out[k]);
    return bad;
}

/* --- Sanitizer reports ------------------------------------------------ */

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, n = 0, got;
    char *b = malloc(cap);
    while ((got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    b[n] = '\0';
    return b;
}

static const char *san_marker(const char *text) {
    static const char *const markers[] = {
        "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
        "runtime error:", "WARNING: ThreadSanitizer", NULL};
    for (size_t i = 0; text && markers[i]; i++) {
        const char *p = strstr(text, markers[i]);
        if (p)
            return p;
    }
    return NULL;
}

/* The server's log, and the per-pid report files that ASAN_OPTIONS /
 * UBSAN_OPTIONS log_path= send reports to (make check-san), hold no
 * sanitizer report. */
static void expect_no_sanitizer_report(pid_t pid, const char *log_path) {
    char *log = slurp(log_path);
    const char *m = san_marker(log);
    cr_expect(m == NULL, "sanitizer report in the server log %s:\n%.1500s",
              log_path, m ? m : "");
    free(log);
    static const char *const vars[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", NULL};
    for (size_t i = 0; vars[i]; i++) {
        const char *o = getenv(vars[i]);
        const char *p = o ? strstr(o, "log_path=") : NULL;
        if (!p)
            continue;
        p += 9;
        size_t n = strcspn(p, ":");
        char *path = vj_fmt("%.*s.%ld", (int)n, p, (long)pid);
        char *rep = slurp(path);
        m = san_marker(rep);
        cr_expect(m == NULL, "sanitizer report in %s:\n%.1500s", path,
                  m ? m : "");
        free(rep);
        free(path);
    }
}

/* --- The table test --------------------------------------------------- */

static void expect_alive_and_healthy(vj_server_t *s, const char *after) {
    if (vj_server_wait_exit(s, 0)) {
        char *log = vj_server_log(s);
        size_t ll = strlen(log);
        cr_log_error("server log tail:\n%s", ll > 3000 ? log + ll - 3000 : log);
        free(log);
        cr_assert_fail("the server died after %s (wait status %d)", after,
                       s->status);
    }
    vj_resp_t *h = vj_request_port(s->port, "/api/v1/health", NULL);
    cr_assert(h != NULL, "/api/v1/health gives no answer after %s", after);
    long st = h->status;
    vj_resp_free(h);
    cr_assert_eq(st, 200, "/api/v1/health answered %ld after %s", st, after);
}

Test(hostile, table) {
    cr_assert_geq(ROW_COUNT, 70, "the table has %zu rows", ROW_COUNT);
    vj_server_t *s = vj_server_start(VJ_CORPUS, NULL);
    pid_t pid = s->pid;
    char log_path[sizeof s->log_path];
    memcpy(log_path, s->log_path, sizeof log_path);

    size_t failed_rows = 0;
    double t0 = vj_now();
    for (size_t i = 0; i < ROW_COUNT; i++) {
        char got[64], after[200];
        int bad = run_row(s, i, got, sizeof got);
        cr_log_info("row %3zu %-44s -> %s%s", i, rows[i].name, got,
                    bad ? "  FAILED" : "");
        if (bad)
            failed_rows++;
        snprintf(after, sizeof after, "row %zu (%s)", i, rows[i].name);
        expect_alive_and_healthy(s, after);
    }
    cr_log_info("%zu rows in %.2f s, %zu failed", ROW_COUNT, vj_now() - t0,
                failed_rows);
    cr_expect_eq(failed_rows, 0, "%zu of %zu rows failed", failed_rows,
                 ROW_COUNT);

    /* still alive, healthy, and no sanitizer said anything */
    cr_assert(!vj_server_wait_exit(s, 0), "the server exited");
    vj_assert_healthy(s);
    expect_no_sanitizer_report(pid, log_path);
    vj_server_stop(s); /* asserts a clean exit 0 */
    /* leaks are reported at exit */
    expect_no_sanitizer_report(pid, log_path);
}

/* --- Slow clients ----------------------------------------------------- */

#define SLOW_CLIENTS 300
#define PER_IP_LIMIT 64 /* the default --max-connections-per-ip */
#define LIVENESS_S 2.0  /* a liveness bound, not a benchmark */

/* A blocking TCP connection to 127.0.0.1:port from src (NULL: any). */
static int connect_from(const char *src, unsigned port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert(fd >= 0, "socket: %s", strerror(errno));
    if (src) {
        struct sockaddr_in b = {.sin_family = AF_INET};
        cr_assert(inet_pton(AF_INET, src, &b.sin_addr) == 1);
        cr_assert(bind(fd, (struct sockaddr *)&b, sizeof b) == 0, "bind %s: %s",
                  src, strerror(errno));
    }
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert(connect(fd, (struct sockaddr *)&a, sizeof a) == 0,
              "connect from %s: %s", src ? src : "any", strerror(errno));
    return fd;
}

/* Reads until the peer closes or timeout_s; returns the bytes (a new
 * string, *n of them) and sets *eof when it closed (or reset). */
static char *read_all(int fd, double timeout_s, size_t *n, int *eof) {
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    double end = vj_now() + timeout_s;
    *eof = 0;
    for (;;) {
        double left = end - vj_now();
        if (left <= 0)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        int pr = poll(&p, 1, (int)(left * 1000) + 1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        if (len + 4096 > cap)
            buf = realloc(buf, cap *= 2);
        ssize_t r = recv(fd, buf + len, cap - len - 1, 0);
        if (r > 0) {
            len += (size_t)r;
        } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
            *eof = 1;
            break;
        }
    }
    buf[len] = '\0';
    *n = len;
    return buf;
}

/* GET path from address src with Connection: close; returns the status
 * (0: no answer) and the seconds it took in *took. */
static long get_from(const char *src, unsigned port, const char *path,
                     double *took) {
    double t0 = vj_now();
    int fd = connect_from(src, port);
    char *req = vj_fmt("GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                       "\r\n",
                       path);
    ssize_t w = send(fd, req, strlen(req), MSG_NOSIGNAL);
    free(req);
    long st = 0;
    if (w > 0) {
        size_t n;
        int eof;
        char *resp = read_all(fd, 5, &n, &eof);
        if (n >= 12 && strncmp(resp, "HTTP/1.", 7) == 0)
            st = strtol(resp + 9, NULL, 10);
        free(resp);
    }
    close(fd);
    *took = vj_now() - t0;
    return st;
}

/* 1: the peer has closed (or reset) fd; 0: still open. */
static int peer_closed(int fd) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0)
        return 0;
    char c;
    ssize_t r = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    return r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR);
}

Test(hostile, slow_clients) {
    vj_server_t *s = vj_server_start(VJ_CORPUS, NULL); /* default limits */
    pid_t pid = s->pid;
    char log_path[sizeof s->log_path];
    memcpy(log_path, s->log_path, sizeof log_path);

    static const char partial[] = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n";
    int fds[SLOW_CLIENTS];
    for (int i = 0; i < SLOW_CLIENTS; i++) {
        fds[i] = connect_from("127.0.0.1", s->port);
        /* those over the limit may be closed already: ignore EPIPE */
        if (send(fds[i], partial, sizeof partial - 1, MSG_NOSIGNAL) < 0) {
        }
    }
    /* the server accepts them all and closes those over the limit */
    int open = SLOW_CLIENTS;
    double end = vj_now() + 10;
    while (vj_now() < end) {
        open = 0;
        for (int i = 0; i < SLOW_CLIENTS; i++)
            open += !peer_closed(fds[i]);
        if (open <= PER_IP_LIMIT)
            break;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    cr_log_info("%d of %d slow connections held open by the server", open,
                SLOW_CLIENTS);
    cr_expect_leq(open, PER_IP_LIMIT,
                  "%d connections from one address held open; the limit is %d",
                  open, PER_IP_LIMIT);
    cr_expect_geq(open, PER_IP_LIMIT / 2,
                  "only %d of the slow connections held: did they get in?",
                  open);

    /* others are answered at once */
    static const struct {
        const char *src, *path;
    } others[] = {{"127.0.0.2", "/api/v1/health"},
                  {"127.0.0.2", "/api/v1/health"},
                  {"127.0.0.3", "/api/v1/health"},
                  {"127.0.0.4", "/api/v1/documents?limit=1"}};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        double took;
        long st = get_from(others[i].src, s->port, others[i].path, &took);
        cr_log_info("%s GET %s: %ld in %.3f s", others[i].src, others[i].path,
                    st, took);
        cr_expect_eq(st, 200,
                     "%s GET %s answered %ld (0: nothing) with %d "
                     "slow clients on 127.0.0.1",
                     others[i].src, others[i].path, st, open);
        cr_expect_lt(took, LIVENESS_S, "%s GET %s took %.2f s", others[i].src,
                     others[i].path, took);
    }

    /* one more from the full address is closed unanswered, not left hanging */
    double t0 = vj_now();
    int fd = connect_from("127.0.0.1", s->port);
    static const char full[] =
        "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if (send(fd, full, sizeof full - 1, MSG_NOSIGNAL) < 0) {
    }
    size_t n;
    int eof;
    char *resp = read_all(fd, 5, &n, &eof);
    double took = vj_now() - t0;
    close(fd);
    cr_log_info("connection %d from 127.0.0.1: %zu bytes, %s in %.3f s",
                SLOW_CLIENTS + 1, n, eof ? "closed" : "open", took);
    cr_expect(eof,
              "a connection over the per-address limit is left open "
              "(%.1f s)",
              took);
    cr_expect_eq(n, 0,
                 "a connection over the per-address limit was "
                 "answered: %.80s",
                 resp);
    cr_expect_lt(took, LIVENESS_S, "refusing took %.2f s", took);
    free(resp);

    /* let go; 127.0.0.1 gets in again */
    for (int i = 0; i < SLOW_CLIENTS; i++)
        close(fds[i]);
    long st = 0;
    end = vj_now() + 10;
    while (vj_now() < end) {
        vj_resp_t *h = vj_request_port(s->port, "/api/v1/health", NULL);
        st = h ? h->status : 0;
        vj_resp_free(h);
        if (st == 200)
            break;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    cr_expect_eq(st, 200,
                 "127.0.0.1 not served again after its slow "
                 "clients left (last %ld)",
                 st);
    cr_assert(!vj_server_wait_exit(s, 0), "the server exited");
    vj_assert_healthy(s);
    expect_no_sanitizer_report(pid, log_path);
    vj_server_stop(s);
    expect_no_sanitizer_report(pid, log_path);
}
