/* openapi.c - GET /openapi.json: the OpenAPI document, embedded in the
 * binary at build time by openapi_blob.S, so the contract served is always
 * the one the binary was built with. */
#include "internal.h"

#include <string.h>

extern const char vj_openapi_json[];
extern const char vj_openapi_json_end[];

void api__openapi(http_req_t *req, void *data) {
    (void)data;
    size_t len = (size_t)(vj_openapi_json_end - vj_openapi_json);
    char *body = vj_malloc(len);
    memcpy(body, vj_openapi_json, len);
    http_req_json(req, 200, body, len);
}
