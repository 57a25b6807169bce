/* web.c - the explorer page: GET / serves index.html of the web folder,
 * GET /<name> any other file of it. Names are one path segment of
 * letters, digits, '.', '-' and '_' not starting with '.', so nothing
 * outside the folder can be named; a missing file is a 404 problem. HTML
 * gets a Content-Security-Policy allowing its own scripts and styles and
 * API calls to any origin (the page may talk to another server). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define WEB_MAX_FILE (4u << 20)

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char HTML_CSP[] =
    "default-src 'self'; connect-src *; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; base-uri 'none'; "
    "frame-ancestors 'none'";

static const char *type_of(const char *name) {
    size_t n = strlen(name);
    for (size_t i = 0; i < VJ_ARRAY_SIZE(types); i++) {
        size_t k = strlen(types[i].ext);
        if (n > k && strcmp(name + n - k, types[i].ext) == 0)
            return types[i].type;
    }
    return NULL;
}

static int safe_name(const char *name) {
    if (name[0] == '\0' || name[0] == '.' || strlen(name) > 128)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
              *p == '_'))
            return 0;
    return 1;
}

static void serve_file(http_req_t *req, api_t *api, const char *name) {
    const char *type = safe_name(name) ? type_of(name) : NULL;
    if (type == NULL || api->web_dir == NULL) {
        http_req_problem(req, 404, "not-found", NULL,
                         "No resource at this path.");
        return;
    }
    vj_buf_t path;
    vj_buf_init(&path);
    vj_buf_printf(&path, "%s/%s", api->web_dir, name);
    char *body = NULL;
    size_t len = 0;
    int rc = vj_file_read(path.data, WEB_MAX_FILE, &body, &len);
    vj_buf_free(&path);
    if (rc != 0) {
        http_req_problem(req, 404, "not-found", NULL,
                         "No resource at this path.");
        return;
    }
    if (strncmp(type, "text/html", 9) == 0)
        http_req_csp(req, HTML_CSP);
    http_req_raw(req, 200, type, body, len);
}

void api__web_index(http_req_t *req, void *data) {
    serve_file(req, data, "index.html");
}

void api__web_file(http_req_t *req, void *data) {
    serve_file(req, data, http_req_path_param(req, "file"));
}

void api_set_web_dir(api_t *api, const char *dir) {
    free(api->web_dir);
    api->web_dir = dir && *dir ? vj_strdup(dir) : NULL;
}
