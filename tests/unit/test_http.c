/* test_http.c - unit tests of the http module's pure parts: percent
 * decoding, routing, content negotiation, entity-tag matching. The server
 * itself is tested through the real binary in tests/api. */
#include "../../src/http/internal.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static char *decode(const char *s, int plus) {
    return http__percent_decode(s, strlen(s), plus);
}

Test(http, percent_decode_accepts_valid_utf8) {
    char *s = decode("H%C3%A0%20N%E1%BB%99i", 0);
    cr_assert_str_eq(s, "Hà Nội");
    free(s);
    s = decode("ha+noi", 1);
    cr_assert_str_eq(s, "ha noi");
    free(s);
    s = decode("ha+noi", 0);
    cr_assert_str_eq(s, "ha+noi");
    free(s);
    s = decode("", 1);
    cr_assert_str_eq(s, "");
    free(s);
}

Test(http, percent_decode_rejects_bad_input) {
    cr_assert_null(decode("%", 1));
    cr_assert_null(decode("%4", 1));
    cr_assert_null(decode("%zz", 1));
    cr_assert_null(decode("a%00b", 1));
    cr_assert_null(decode("%FF", 1));         /* not UTF-8 */
    cr_assert_null(decode("%C0%AF", 1));      /* overlong '/' */
    cr_assert_null(decode("%ED%A0%80", 1));   /* surrogate */
}

static void noop(http_req_t *req, void *data) {
    (void)req;
    (void)data;
}

Test(http, router_matches_literals_and_parameters) {
    http_server_t s;
    memset(&s, 0, sizeof s);
    const http_route_t routes[] = {
        {"/api/v1/documents", noop, NULL, HTTP_ROUTE_LIST, NULL},
        {"/api/v1/documents/{id}", noop, NULL, 0, NULL},
    };
    cr_assert_eq(http__routes_compile(&s, routes, 2), 0);

    http_req_t req;
    memset(&req, 0, sizeof req);
    req.path = "/api/v1/documents";
    cr_assert_eq(http__route_match(&s, &req), &s.routes[0]);
    cr_assert_eq(req.path_param_count, 0);

    req.path = "/api/v1/documents/000_abc";
    cr_assert_eq(http__route_match(&s, &req), &s.routes[1]);
    cr_assert_str_eq(http_req_path_param(&req, "id"), "000_abc");
    free(req.path_params[0].name);
    free(req.path_params[0].value);
    memset(&req, 0, sizeof req);

    const char *misses[] = {"/", "/api/v1", "/api/v1/documents/",
                            "/api/v1/documents/a/b", "/api/v1/document",
                            "/API/v1/documents"};
    for (size_t i = 0; i < sizeof misses / sizeof *misses; i++) {
        req.path = (char *)(uintptr_t)misses[i];
        cr_assert_null(http__route_match(&s, &req), "%s", misses[i]);
    }
    http__routes_free(&s);
}

Test(http, accept_encoding_negotiation) {
    cr_assert(http__accepts_gzip("gzip"));
    cr_assert(http__accepts_gzip("deflate, gzip;q=0.5, br"));
    cr_assert(http__accepts_gzip("GZIP"));
    cr_assert(http__accepts_gzip("*"));
    cr_assert(http__accepts_gzip("x-gzip"));
    cr_assert_not(http__accepts_gzip(NULL));
    cr_assert_not(http__accepts_gzip(""));
    cr_assert_not(http__accepts_gzip("br, deflate"));
    cr_assert_not(http__accepts_gzip("gzip;q=0"));
    cr_assert_not(http__accepts_gzip("*, gzip;q=0"));
    cr_assert_not(http__accepts_gzip("identity"));
}

Test(http, etag_weak_comparison) {
    const char *tag = "0123456789abcdef";
    cr_assert(http__etag_matches("\"0123456789abcdef\"", tag));
    cr_assert(http__etag_matches("W/\"0123456789abcdef\"", tag));
    cr_assert(http__etag_matches("\"0123456789abcdef-gzip\"", tag));
    cr_assert(http__etag_matches("\"x\", \"0123456789abcdef\"", tag));
    cr_assert(http__etag_matches("*", tag));
    cr_assert_not(http__etag_matches("\"0123456789abcdee\"", tag));
    cr_assert_not(http__etag_matches("0123456789abcdef", tag));
    cr_assert_not(http__etag_matches("\"0123456789abcdef", tag));
    cr_assert_not(http__etag_matches("", tag));
}
