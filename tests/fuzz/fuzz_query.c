/* fuzz_query.c - libFuzzer harness for the request-target parser and the
 * header parsers of the http module: arbitrary bytes as a raw URI (path and
 * query), then as Accept-Encoding and If-None-Match values. Nothing may
 * crash, leak or read out of bounds, and every decoded value must be valid
 * NUL-free UTF-8. */
#include "../../src/http/internal.h"
#include "vjcorpus/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 64 * 1024)
        return 0;
    char *s = vj_strndup((const char *)data, size);

    http_req_t *req = vj_calloc(1, sizeof *req);
    vj_buf_init(&req->link);
    vj_buf_init(&req->timing);
    req->raw_uri = vj_strdup(s); /* stops at an embedded NUL, like MHD */
    req->raw_uri_len = strlen(req->raw_uri);
    if (http__req_parse_uri(req) == 0) {
        if (text_utf8_validate(req->path, strlen(req->path), NULL) != 0)
            abort();
        for (size_t i = 0; i < req->query_count; i++) {
            const char *n = req->query[i].name, *v = req->query[i].value;
            if (text_utf8_validate(n, strlen(n), NULL) != 0 ||
                text_utf8_validate(v, strlen(v), NULL) != 0)
                abort();
        }
        long out;
        (void)http_req_query_long(req, "limit", 1, 100, 20, &out);
        http_req_paging(req, 12345, 20, 40);
    } else if (!req->answered || req->status != 400) {
        abort();
    }
    http__req_free(req);

    (void)http__accepts_gzip(s);
    (void)http__etag_matches(s, "0123456789abcdef");
    free(s);
    return 0;
}
