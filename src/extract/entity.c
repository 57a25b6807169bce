/* entity.c - the gazetteers (people, organisations, places) and the mention
 * matcher.
 *
 * Loading. people.tsv, organizations.tsv and places.tsv give one entity a
 * line (their header comments describe the columns); roles.txt gives the
 * titles read as roles, the prefixes that modify a title (cựu, nguyên, tân)
 * and the linker words that may stand between a title and a name (tại,
 * nước, tỉnh). Every name, alias, surname-only form, role and linker is
 * cut into tokens and inserted into one token trie. A token is a maximal
 * run of letters, digits and combining marks, or one punctuation character;
 * whitespace only separates tokens. Each word token is reduced to a key
 * that ignores where the tone mark sits (NFD, the tone mark taken out and
 * appended at the end), so "Khánh Hòa" and "Khánh Hoà", NFC and NFD, give
 * the same key, while case and every other mark still count; all dashes
 * (- ‐ – — −) are one token, so "Việt - Nhật", "Việt–Nhật" and "Việt –
 * Nhật" are the same sequence. The trie is a hash table of edges keyed by
 * (parent node, 64-bit token key).
 *
 * Matching. The text is cut into the same tokens once (one allocation per
 * call), then scanned left to right. At each token the trie is walked as
 * far as it goes and the longest acceptable match wins: a full name or
 * alias (an entity mention), a surname-only form (accepted only right
 * after a role or an honorific such as "ông"), a role, an honorific or a
 * linker. A role starts a chain that linkers and place or organisation
 * mentions continue ("Đại sứ | Nhật Bản | tại | Việt Nam | Ito Naoki") and
 * that a person mention ends, taking the role's span; any other token
 * breaks the chain. Since tokens are whole words, a name never matches
 * inside a longer word, and since the longest match is taken first,
 * "Thái Bình" never matches inside "Thái Bình Dương". A one-word place
 * ("Đức", "Mỹ", "Nga") is dropped when a capitalised word that is no name
 * stands right before or after it: it is part of a person's or a longer
 * place's name ("Nguyễn Đức Chung", "Mỹ Đình"). The cost is linear in the
 * number of tokens times the longest name (in tokens); the per-code-point
 * work is a table lookup for Latin and Vietnamese letters. */
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "vjcorpus/text.h"

#define GZ_MAX_DEPTH 24 /* tokens in the longest pattern */
#define GZ_MAX_LINKS 8  /* linkers between a role and a name */

enum {
    GZ_ROLE = 1,      /* a title read as a role */
    GZ_HONORIFIC = 2, /* ông, bà: lets a surname-only form match */
    GZ_LINKER = 4,    /* may stand between a role and a name */
    GZ_PREFIX = 8,    /* modifies a following role (cựu, nguyên) */
};

typedef struct {
    extract_entity_t pub;
    char *id, *name, *country;
    char **aliases;
    char **roles;
} gz_entry_t;

typedef struct {
    int32_t entity;      /* full name or alias of this entity, or -1 */
    uint32_t short_head; /* 1 + index into shorts, or 0 */
    uint8_t flags;
    uint32_t line; /* where a role or entity was defined */
} gz_node_t;

typedef struct {
    uint32_t entity;
    uint32_t next; /* 1 + index, or 0 */
} gz_short_t;

typedef struct {
    uint64_t tok;
    uint32_t parent;
    uint32_t child; /* 0: empty slot (the root is never a child) */
} gz_edge_t;

struct extract__gazetteer {
    gz_entry_t *entries;
    size_t count, cap;
    gz_node_t *nodes;
    size_t node_count, node_cap;
    gz_edge_t *edges;
    size_t edge_count, edge_cap; /* edge_cap a power of two */
    gz_short_t *shorts;
    size_t short_count, short_cap;
    char **prefixes; /* role prefixes, expanded once roles are read */
    size_t prefix_count;
    char **role_list;
    size_t role_list_count;
};

/* --- Tokens ---------------------------------------------------------- */

typedef struct {
    uint32_t start, end;
    uint64_t key;
    uint8_t cap; /* a word that starts with an upper-case letter */
} gz_tok_t;

/* Decodes one code point, tolerating bad UTF-8 (a bad byte is U+FFFD). */
static int32_t gz_decode(const unsigned char *s, size_t len, size_t *i) {
    unsigned char c = s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    size_t n;
    int32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3, cp = c & 0x07, min = 0x10000;
    } else {
        (*i)++;
        return 0xFFFD;
    }
    if (len - *i <= n) {
        (*i)++;
        return 0xFFFD;
    }
    for (size_t k = 1; k <= n; k++) {
        unsigned char b = s[*i + k];
        if ((b & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        (*i)++;
        return 0xFFFD;
    }
    *i += n + 1;
    return cp;
}

enum { GZ_SPACE, GZ_WORD, GZ_PUNCT };

static int gz_class(int32_t cp) {
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
            (cp >= '0' && cp <= '9'))
            return GZ_WORD;
        if (cp <= 0x20 || cp == 0x7F)
            return GZ_SPACE;
        return GZ_PUNCT;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return GZ_WORD;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF: /* zero-width space, soft hyphen, BOM */
        return GZ_SPACE;
    default:
        return GZ_PUNCT;
    }
}

static int gz_is_tone(int32_t cp) {
    return cp == 0x0300 || cp == 0x0301 || cp == 0x0303 || cp == 0x0309 ||
           cp == 0x0323;
}

static int gz_is_dash(int32_t cp) {
    return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 ||
           cp == 0xFE58 || cp == 0xFE63 || cp == 0xFF0D;
}

static uint64_t gz_mix(uint64_t h, uint32_t v) {
    h ^= v;
    return h * 0x100000001b3ULL;
}

/* What tokenising needs to know of one code point, precomputed for the
 * code points below GZ_TAB_SIZE (Latin, Vietnamese, combining marks), so
 * the common case asks utf8proc nothing: its class, whether it is upper
 * case, and its canonical decomposition split into the tone mark and the
 * rest. */
#define GZ_TAB_SIZE 0x2000

typedef struct {
    uint16_t part[3]; /* the decomposition without the tone mark */
    uint16_t tone;    /* the tone mark, or 0 */
    uint8_t n;        /* parts used; 0xFF: ask utf8proc */
    uint8_t cls;
    uint8_t upper;
} gz_cp_t;

static gz_cp_t gz_tab[GZ_TAB_SIZE];
static pthread_once_t gz_tab_once = PTHREAD_ONCE_INIT;

/* Splits cp's canonical decomposition into parts and tone; returns the
 * number of parts (at most 8). */
static int gz_split_cp(int32_t cp, int32_t *parts, int32_t *tone) {
    utf8proc_int32_t dec[8];
    int last = 0, n = 0;
    utf8proc_ssize_t k =
        utf8proc_decompose_char(cp, dec, 8, UTF8PROC_DECOMPOSE, &last);
    if (k < 1 || k > 8) {
        dec[0] = cp;
        k = 1;
    }
    for (utf8proc_ssize_t j = 0; j < k; j++) {
        if (gz_is_tone(dec[j]))
            *tone = dec[j];
        else
            parts[n++] = dec[j];
    }
    return n;
}

static void gz_tab_init(void) {
    for (int32_t cp = 0; cp < GZ_TAB_SIZE; cp++) {
        gz_cp_t *e = &gz_tab[cp];
        e->cls = (uint8_t)gz_class(cp);
        e->upper = (uint8_t)(cp < 0x80 ? (cp >= 'A' && cp <= 'Z')
                                       : text_cp_is_upper(cp) != 0);
        int32_t parts[8], tone = 0;
        int n = gz_split_cp(cp, parts, &tone);
        e->n = 0xFF;
        if (n <= 3) {
            int ok = 1;
            for (int j = 0; j < n; j++)
                ok &= parts[j] >= 0 && parts[j] <= 0xFFFF;
            if (ok) {
                for (int j = 0; j < n; j++)
                    e->part[j] = (uint16_t)parts[j];
                e->tone = (uint16_t)tone;
                e->n = (uint8_t)n;
            }
        }
    }
}

static int gz_cls(int32_t cp) {
    return cp < GZ_TAB_SIZE ? gz_tab[cp].cls : gz_class(cp);
}

/* Reads the token at or after s[*i]; returns 0 at the end. The table must
 * be initialised. */
static int gz_token(const char *text, size_t len, size_t *i, gz_tok_t *t) {
    const unsigned char *s = (const unsigned char *)text;
    size_t p = *i;
    int32_t cp = 0;
    int cls = GZ_SPACE;
    size_t start = p;
    while (p < len) {
        start = p;
        if (s[p] < 0x80) {
            cp = s[p++];
            cls = gz_tab[cp].cls;
        } else {
            cp = gz_decode(s, len, &p);
            cls = gz_cls(cp);
        }
        if (cls != GZ_SPACE)
            break;
    }
    if (cls == GZ_SPACE) {
        *i = p;
        return 0;
    }
    uint64_t h = VJ_HASH_INIT;
    if (cls == GZ_PUNCT) {
        h = gz_mix(h, 0x110000u); /* a domain of its own */
        h = gz_mix(h, gz_is_dash(cp) ? (uint32_t)'-' : (uint32_t)cp);
        t->start = (uint32_t)start;
        t->end = (uint32_t)p;
        t->key = h;
        t->cap = 0;
        *i = p;
        return 1;
    }
    t->cap = cp < GZ_TAB_SIZE ? gz_tab[cp].upper : text_cp_is_upper(cp) != 0;
    int32_t tone = 0;
    for (;;) {
        if (cp < 0x80) {
            h = gz_mix(h, (uint32_t)cp);
        } else if (cp < GZ_TAB_SIZE && gz_tab[cp].n != 0xFF) {
            const gz_cp_t *e = &gz_tab[cp];
            for (int k = 0; k < e->n; k++)
                h = gz_mix(h, e->part[k]);
            if (e->tone)
                tone = e->tone;
        } else {
            int32_t parts[8];
            int n = gz_split_cp(cp, parts, &tone);
            for (int k = 0; k < n; k++)
                h = gz_mix(h, (uint32_t)parts[k]);
        }
        if (p >= len)
            break;
        size_t q = p;
        int32_t next;
        if (s[q] < 0x80)
            next = s[q++];
        else
            next = gz_decode(s, len, &q);
        if (gz_cls(next) != GZ_WORD)
            break;
        cp = next;
        p = q;
    }
    if (tone)
        h = gz_mix(gz_mix(h, 0x110001u), (uint32_t)tone);
    t->start = (uint32_t)start;
    t->end = (uint32_t)p;
    t->key = h;
    *i = p;
    return 1;
}

/* --- The trie ------------------------------------------------------- */

static size_t gz_edge_slot(const extract__gazetteer_t *g, uint32_t parent,
                           uint64_t tok) {
    uint64_t h = tok ^ ((uint64_t)parent * 0x9E3779B97F4A7C15ULL);
    h ^= h >> 29;
    size_t mask = g->edge_cap - 1;
    size_t i = (size_t)h & mask;
    while (g->edges[i].child != 0 &&
           (g->edges[i].parent != parent || g->edges[i].tok != tok))
        i = (i + 1) & mask;
    return i;
}

static uint32_t gz_child(const extract__gazetteer_t *g, uint32_t parent,
                         uint64_t tok) {
    return g->edges[gz_edge_slot(g, parent, tok)].child;
}

static uint32_t gz_node_new(extract__gazetteer_t *g) {
    if (g->node_count == g->node_cap) {
        g->node_cap = g->node_cap ? 2 * g->node_cap : 1024;
        g->nodes = vj_realloc(g->nodes, g->node_cap * sizeof *g->nodes);
    }
    gz_node_t *n = &g->nodes[g->node_count];
    memset(n, 0, sizeof *n);
    n->entity = -1;
    return (uint32_t)g->node_count++;
}

static void gz_edges_grow(extract__gazetteer_t *g) {
    gz_edge_t *old = g->edges;
    size_t old_cap = g->edge_cap;
    g->edge_cap = old_cap ? 2 * old_cap : 4096;
    g->edges = vj_calloc(g->edge_cap, sizeof *g->edges);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].child != 0)
            g->edges[gz_edge_slot(g, old[i].parent, old[i].tok)] = old[i];
    free(old);
}

/* Inserts the token sequence of pat; returns its node, or 0 if pat has no
 * tokens or too many. */
static uint32_t gz_insert(extract__gazetteer_t *g, const char *pat) {
    size_t len = strlen(pat), i = 0, depth = 0;
    uint32_t node = 0;
    gz_tok_t t;
    while (gz_token(pat, len, &i, &t)) {
        if (++depth > GZ_MAX_DEPTH)
            return 0;
        if (2 * (g->edge_count + 1) > g->edge_cap)
            gz_edges_grow(g);
        size_t slot = gz_edge_slot(g, node, t.key);
        if (g->edges[slot].child == 0) {
            uint32_t child = gz_node_new(g);
            g->edges[slot] = (gz_edge_t){t.key, node, child};
            g->edge_count++;
        }
        node = g->edges[slot].child;
    }
    return depth ? node : 0;
}

/* --- Loading -------------------------------------------------------- */

typedef struct {
    extract__gazetteer_t *g;
    extract_entity_type_t type;
    const char *path;
    corpus_problem_cb cb;
    void *cb_data;
    int section; /* roles.txt: GZ_ROLE, GZ_PREFIX, GZ_LINKER, GZ_HONORIFIC */
} gz_ctx_t;


static char *gz_trim(char *s) {
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
    return s;
}

static int gz_empty(const char *s) {
    return s == NULL || *s == '\0' || strcmp(s, "-") == 0;
}

/* Splits a '|' list into a new NULL-terminated array of trimmed copies;
 * empty items are dropped. */
static char **gz_split(char *s, size_t *count) {
    size_t cap = 4, n = 0;
    char **v = vj_malloc(cap * sizeof *v);
    while (!gz_empty(s)) {
        char *bar = strchr(s, '|');
        if (bar)
            *bar = '\0';
        char *item = gz_trim(s);
        if (*item) {
            if (n + 2 > cap) {
                cap *= 2;
                v = vj_realloc(v, cap * sizeof *v);
            }
            v[n++] = vj_strdup(item);
        }
        if (!bar)
            break;
        s = bar + 1;
    }
    v[n] = NULL;
    *count = n;
    return v;
}

static void gz_strv_free(char **v) {
    if (v == NULL)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

static int gz_valid(const gz_ctx_t *c, uint32_t line, const char *what,
                    const char *s) {
    if (text_utf8_validate(s, strlen(s), NULL) != 0) {
        extract__report(c->cb, c->cb_data, c->path, line,
                        "%s is not valid UTF-8", what);
        return 0;
    }
    return 1;
}

/* Makes pat name entity e. Returns 0 or VJ_EEXIST (reported). */
static int gz_claim(gz_ctx_t *c, uint32_t line, const char *pat, uint32_t e) {
    extract__gazetteer_t *g = c->g;
    uint32_t node = gz_insert(g, pat);
    if (node == 0) {
        extract__report(c->cb, c->cb_data, c->path, line,
                        "name \"%s\" is empty or longer than %d tokens", pat,
                        GZ_MAX_DEPTH);
        return VJ_EINVAL;
    }
    gz_node_t *n = &g->nodes[node];
    if (n->entity >= 0 && (uint32_t)n->entity != e) {
        extract__report(c->cb, c->cb_data, c->path, line,
                        "name \"%s\" already names %s (line %u)", pat,
                        g->entries[n->entity].id, n->line);
        return VJ_EEXIST;
    }
    if (n->entity < 0) {
        n->entity = (int32_t)e;
        n->line = line;
    }
    return 0;
}

static void gz_short_add(extract__gazetteer_t *g, uint32_t node, uint32_t e) {
    gz_node_t *n = &g->nodes[node];
    for (uint32_t s = n->short_head; s; s = g->shorts[s - 1].next)
        if (g->shorts[s - 1].entity == e)
            return;
    if (g->short_count == g->short_cap) {
        g->short_cap = g->short_cap ? 2 * g->short_cap : 256;
        g->shorts = vj_realloc(g->shorts, g->short_cap * sizeof *g->shorts);
    }
    g->shorts[g->short_count] = (gz_short_t){e, n->short_head};
    n->short_head = (uint32_t)++g->short_count;
}

/* Splits a two-word name "Family Given" into its words, or returns 0. */
static int gz_two_words(const char *name, char *a, char *b, size_t cap) {
    const char *sp = strchr(name, ' ');
    if (sp == NULL || strchr(sp + 1, ' ') != NULL || sp == name ||
        sp[1] == '\0')
        return 0;
    size_t la = (size_t)(sp - name), lb = strlen(sp + 1);
    if (la >= cap || lb >= cap)
        return 0;
    memcpy(a, name, la);
    a[la] = '\0';
    memcpy(b, sp + 1, lb + 1);
    return 1;
}

/* Adds alias to the entry's alias list unless it is already there. */
static void gz_alias_push(gz_entry_t *en, size_t *n, const char *alias) {
    if (strcmp(alias, en->name) == 0)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(en->aliases[i], alias) == 0)
            return;
    en->aliases = vj_realloc(en->aliases, (*n + 2) * sizeof *en->aliases);
    en->aliases[(*n)++] = vj_strdup(alias);
    en->aliases[*n] = NULL;
}

/* people:        id name country aliases roles short
 * organizations: id name country aliases kind
 * places:        id name country aliases kind */
static int gz_entity_row(char **f, size_t nf, uint32_t line, void *data) {
    gz_ctx_t *c = data;
    extract__gazetteer_t *g = c->g;
    if (nf < 3) {
        extract__report(c->cb, c->cb_data, c->path, line,
                        "expected at least 3 tab-separated fields "
                        "(id, name, country), got %zu",
                        nf);
        return VJ_EPARSE;
    }
    for (size_t i = 0; i < nf; i++)
        if (!gz_valid(c, line, "a field", f[i]))
            return VJ_EILSEQ;
    char *id = gz_trim(f[0]), *name = gz_trim(f[1]), *country = gz_trim(f[2]);
    if (*id == '\0' || *name == '\0') {
        extract__report(c->cb, c->cb_data, c->path, line, "empty id or name");
        return VJ_EPARSE;
    }
    char *slug = extract__slug(name, 0);
    size_t sl = slug ? strlen(slug) : 0;
    int id_ok = slug != NULL && strncmp(id, slug, sl) == 0 &&
                (id[sl] == '\0' || id[sl] == '-');
    for (const char *p = id; id_ok && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-'))
            id_ok = 0;
    if (!id_ok) {
        extract__report(c->cb, c->cb_data, c->path, line,
                        "id \"%s\" is not the slug of the name (\"%s\")", id,
                        slug ? slug : "");
        free(slug);
        return VJ_EPARSE;
    }
    free(slug);
    if (!gz_empty(country) &&
        (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
         country[1] < 'A' || country[1] > 'Z')) {
        extract__report(c->cb, c->cb_data, c->path, line,
                        "country \"%s\" is not an ISO 3166 alpha-2 code",
                        country);
        return VJ_EPARSE;
    }
    for (size_t i = 0; i < g->count; i++)
        if (strcmp(g->entries[i].id, id) == 0) {
            extract__report(c->cb, c->cb_data, c->path, line,
                            "duplicate id \"%s\"", id);
            return VJ_EEXIST;
        }
    if (g->count == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 256;
        g->entries = vj_realloc(g->entries, g->cap * sizeof *g->entries);
    }
    uint32_t e = (uint32_t)g->count++;
    gz_entry_t *en = &g->entries[e];
    memset(en, 0, sizeof *en);
    en->id = vj_strdup(id);
    en->name = vj_strdup(name);
    en->country = gz_empty(country) ? NULL : vj_strdup(country);
    size_t na = 0, nr = 0, ns = 0;
    char **given = gz_split(nf > 3 ? f[3] : NULL, &na);
    en->aliases = vj_calloc(1, sizeof *en->aliases);
    size_t n_alias = 0;
    for (size_t i = 0; i < na; i++)
        gz_alias_push(en, &n_alias, given[i]);
    gz_strv_free(given);
    char **shorts = NULL;
    if (c->type == EXTRACT_ENTITY_PERSON) {
        en->roles = gz_split(nf > 4 ? f[4] : NULL, &nr);
        shorts = gz_split(nf > 5 ? f[5] : NULL, &ns);
        /* Japanese names are given family name first, as the Vietnamese
         * press writes them; the given-name-first order is an alias and
         * the family name a surname-only form. */
        char fam[128], giv[128];
        if (en->country && strcmp(en->country, "JP") == 0 &&
            gz_two_words(en->name, fam, giv, sizeof fam)) {
            char rev[260];
            snprintf(rev, sizeof rev, "%s %s", giv, fam);
            gz_alias_push(en, &n_alias, rev);
            shorts = vj_realloc(shorts, (ns + 2) * sizeof *shorts);
            shorts[ns++] = vj_strdup(fam);
            shorts[ns] = NULL;
        }
    } else {
        en->roles = vj_calloc(1, sizeof *en->roles);
    }
    en->pub.id = en->id;
    en->pub.name = en->name;
    en->pub.type = c->type;
    en->pub.country = en->country;
    en->pub.aliases = (const char *const *)en->aliases;
    en->pub.alias_count = n_alias;
    en->pub.roles = (const char *const *)en->roles;
    en->pub.role_count = nr;

    int rc = gz_claim(c, line, en->name, e);
    for (size_t i = 0; rc == 0 && i < n_alias; i++)
        rc = gz_claim(c, line, en->aliases[i], e);
    for (size_t i = 0; rc == 0 && i < ns; i++) {
        uint32_t node = gz_insert(g, shorts[i]);
        if (node == 0) {
            extract__report(c->cb, c->cb_data, c->path, line,
                            "bad surname-only form \"%s\"", shorts[i]);
            rc = VJ_EINVAL;
        } else {
            gz_short_add(g, node, e);
        }
    }
    gz_strv_free(shorts);
    return rc;
}

static int gz_role_row(char **f, size_t nf, uint32_t line, void *data) {
    gz_ctx_t *c = data;
    extract__gazetteer_t *g = c->g;
    (void)nf;
    if (!gz_valid(c, line, "the line", f[0]))
        return VJ_EILSEQ;
    char *s = gz_trim(f[0]);
    if (strcmp(s, "[roles]") == 0) {
        c->section = GZ_ROLE;
        return 0;
    }
    if (strcmp(s, "[prefixes]") == 0) {
        c->section = GZ_PREFIX;
        return 0;
    }
    if (strcmp(s, "[linkers]") == 0) {
        c->section = GZ_LINKER;
        return 0;
    }
    if (strcmp(s, "[honorifics]") == 0) {
        c->section = GZ_HONORIFIC;
        return 0;
    }
    if (*s == '[') {
        extract__report(c->cb, c->cb_data, c->path, line, "unknown section %s",
                        s);
        return VJ_EPARSE;
    }
    if (c->section == GZ_PREFIX) {
        g->prefixes = vj_realloc(g->prefixes,
                                 (g->prefix_count + 1) * sizeof *g->prefixes);
        g->prefixes[g->prefix_count++] = vj_strdup(s);
        return 0;
    }
    uint32_t node = gz_insert(g, s);
    if (node == 0) {
        extract__report(c->cb, c->cb_data, c->path, line,
                        "empty or too long entry \"%s\"", s);
        return VJ_EINVAL;
    }
    g->nodes[node].flags |= (uint8_t)c->section;
    if (g->nodes[node].line == 0)
        g->nodes[node].line = line;
    if (c->section == GZ_ROLE) {
        g->role_list = vj_realloc(g->role_list, (g->role_list_count + 1) *
                                                    sizeof *g->role_list);
        g->role_list[g->role_list_count++] = vj_strdup(s);
    }
    return 0;
}

/* A role may follow a prefix ("cựu Thủ tướng"), and a role written in lower
 * case may open a sentence ("Cựu Thủ tướng"). */
static void gz_expand_roles(extract__gazetteer_t *g) {
    char buf[512], pre[128];
    for (size_t p = 0; p < g->prefix_count; p++) {
        for (int cap = 0; cap < 2; cap++) {
            const char *src = g->prefixes[p];
            size_t sl = strlen(src);
            if (sl + 4 >= sizeof pre)
                continue;
            if (cap) {
                /* The prefix with its first letter in upper case. */
                size_t i = 0;
                int32_t cp = gz_decode((const unsigned char *)src, sl, &i);
                int32_t up = utf8proc_toupper(cp);
                if (up == cp)
                    continue;
                size_t el = text_utf8_encode(up, pre);
                memcpy(pre + el, src + i, sl - i + 1);
            } else {
                memcpy(pre, src, sl + 1);
            }
            for (size_t r = 0; r < g->role_list_count; r++) {
                int n =
                    snprintf(buf, sizeof buf, "%s %s", pre, g->role_list[r]);
                if (n < 0 || (size_t)n >= sizeof buf)
                    continue;
                uint32_t node = gz_insert(g, buf);
                if (node)
                    g->nodes[node].flags |= GZ_ROLE;
            }
        }
    }
}

static int gz_load_file(gz_ctx_t *c, const char *dir, const char *name,
                        size_t max_fields, extract__row_cb fn) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    c->path = path;
    int rc = extract__tsv_read(dir, name, max_fields, fn, c, c->cb, c->cb_data);
    c->path = NULL;
    return rc;
}

/* Conflicts only visible once everything is in: a role that is also a
 * name would make the matcher's choice arbitrary. */
static int gz_check(extract__gazetteer_t *g, const char *dir,
                    corpus_problem_cb cb, void *data) {
    char path[4096];
    snprintf(path, sizeof path, "%s/roles.txt", dir);
    int rc = 0;
    for (size_t i = 1; i < g->node_count; i++) {
        const gz_node_t *n = &g->nodes[i];
        if (n->entity >= 0 && (n->flags & (GZ_ROLE | GZ_HONORIFIC))) {
            extract__report(cb, data, path, n->line,
                            "a role or honorific is also a name of %s",
                            g->entries[n->entity].id);
            rc = VJ_EEXIST;
        }
    }
    return rc;
}

int extract__gazetteer_load(const char *dir, corpus_problem_cb cb, void *data,
                            extract__gazetteer_t **out) {
    pthread_once(&gz_tab_once, gz_tab_init);
    extract__gazetteer_t *g = vj_calloc(1, sizeof *g);
    gz_node_new(g); /* the root */
    gz_edges_grow(g);
    gz_ctx_t c = {.g = g, .cb = cb, .cb_data = data, .section = GZ_ROLE};
    int rc = gz_load_file(&c, dir, "roles.txt", 1, gz_role_row);
    if (rc == 0) {
        gz_expand_roles(g);
        c.type = EXTRACT_ENTITY_PERSON;
        rc = gz_load_file(&c, dir, "people.tsv", 6, gz_entity_row);
    }
    if (rc == 0) {
        c.type = EXTRACT_ENTITY_ORGANIZATION;
        rc = gz_load_file(&c, dir, "organizations.tsv", 5, gz_entity_row);
    }
    if (rc == 0) {
        c.type = EXTRACT_ENTITY_PLACE;
        rc = gz_load_file(&c, dir, "places.tsv", 5, gz_entity_row);
    }
    if (rc == 0)
        rc = gz_check(g, dir, cb, data);
    if (rc != 0) {
        extract__gazetteer_free(g);
        return rc;
    }
    *out = g;
    return 0;
}

void extract__gazetteer_free(extract__gazetteer_t *g) {
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->count; i++) {
        gz_entry_t *en = &g->entries[i];
        free(en->id);
        free(en->name);
        free(en->country);
        gz_strv_free(en->aliases);
        gz_strv_free(en->roles);
    }
    free(g->entries);
    free(g->nodes);
    free(g->edges);
    free(g->shorts);
    for (size_t i = 0; i < g->prefix_count; i++)
        free(g->prefixes[i]);
    free(g->prefixes);
    for (size_t i = 0; i < g->role_list_count; i++)
        free(g->role_list[i]);
    free(g->role_list);
    free(g);
}

size_t extract__gazetteer_count(const extract__gazetteer_t *g) {
    return g ? g->count : 0;
}

const extract_entity_t *extract__gazetteer_at(const extract__gazetteer_t *g,
                                              size_t i) {
    return g && i < g->count ? &g->entries[i].pub : NULL;
}

/* --- Matching ------------------------------------------------------- */

/* Picks the entity a surname-only form names after a role: the only
 * candidate, or the one candidate whose gazetteer roles the role text
 * contains. Returns -1 when it stays ambiguous. */
static int64_t gz_short_pick(const extract__gazetteer_t *g, const gz_node_t *n,
                             const char *text, uint32_t rs, uint32_t re) {
    const gz_short_t *s = &g->shorts[n->short_head - 1];
    if (s->next == 0)
        return s->entity;
    int64_t pick = -1;
    for (uint32_t k = n->short_head; k; k = g->shorts[k - 1].next) {
        const gz_entry_t *en = &g->entries[g->shorts[k - 1].entity];
        for (size_t r = 0; r < en->pub.role_count; r++) {
            size_t rl = strlen(en->roles[r]);
            if (re > rs && rl <= re - rs &&
                memmem(text + rs, re - rs, en->roles[r], rl) != NULL) {
                if (pick >= 0 && pick != g->shorts[k - 1].entity)
                    return -1;
                pick = g->shorts[k - 1].entity;
                break;
            }
        }
    }
    return pick;
}

size_t extract__gazetteer_find(const extract__gazetteer_t *g, const char *text,
                               size_t len, extract_mention_t **out) {
    *out = NULL;
    if (g == NULL || text == NULL || len == 0 || len >= UINT32_MAX)
        return 0;
    size_t ntok = 0, cap = 64, i = 0;
    gz_tok_t *tok = vj_malloc(cap * sizeof *tok);
    gz_tok_t t;
    while (gz_token(text, len, &i, &t)) {
        if (ntok == cap) {
            cap *= 2;
            tok = vj_realloc(tok, cap * sizeof *tok);
        }
        tok[ntok++] = t;
    }

    extract_mention_t *m = NULL;
    size_t count = 0, mcap = 0;
    /* The chain: a role or honorific seen, followed only by linkers. */
    int chain = 0, prev_cap = 0;
    uint32_t role_s = 0, role_e = 0, links = 0;

    for (size_t k = 0; k < ntok;) {
        uint32_t path[GZ_MAX_DEPTH];
        size_t depth = 0;
        uint32_t node = 0;
        while (k + depth < ntok && depth < GZ_MAX_DEPTH) {
            uint32_t child = gz_child(g, node, tok[k + depth].key);
            if (child == 0)
                break;
            node = child;
            path[depth++] = node;
        }
        size_t d = depth;
        int64_t ent = -1;
        int what = 0;
        for (; d > 0; d--) {
            const gz_node_t *n = &g->nodes[path[d - 1]];
            if (n->entity >= 0) {
                ent = n->entity;
                break;
            }
            if (n->short_head && chain) {
                ent = gz_short_pick(g, n, text, role_s, role_e);
                if (ent >= 0)
                    break;
            }
            if (n->flags & (GZ_ROLE | GZ_HONORIFIC | GZ_LINKER)) {
                what = n->flags;
                break;
            }
        }
        /* A one-word place name next to another capitalised word that
         * is no name is part of a longer name: "Nguyễn Đức Chung" holds
         * no Germany, "Mỹ Đình" no United States. */
        if (d == 1 && ent >= 0 &&
            g->entries[ent].pub.type == EXTRACT_ENTITY_PLACE &&
            (prev_cap || (k + 1 < ntok && tok[k + 1].cap &&
                          tok[k + 1].start == tok[k].end + 1 &&
                          gz_child(g, 0, tok[k + 1].key) == 0)))
            d = 0;
        if (d == 0) { /* nothing here: the chain breaks */
            chain = 0;
            prev_cap = tok[k].cap;
            k++;
            continue;
        }
        prev_cap = 0;
        uint32_t s = tok[k].start, e = tok[k + d - 1].end;
        k += d;
        if (ent >= 0) {
            const gz_entry_t *en = &g->entries[ent];
            if (count == mcap) {
                mcap = mcap ? 2 * mcap : 16;
                m = vj_realloc(m, mcap * sizeof *m);
            }
            int person = en->pub.type == EXTRACT_ENTITY_PERSON;
            m[count++] = (extract_mention_t){
                .entity = (uint32_t)ent,
                .start = s,
                .end = e,
                .role_start = person && chain ? role_s : 0,
                .role_end = person && chain ? role_e : 0,
            };
            if (person || ++links > GZ_MAX_LINKS)
                chain = 0;
        } else if (what & GZ_ROLE) {
            chain = 1, role_s = s, role_e = e, links = 0;
        } else if (what & GZ_HONORIFIC) {
            chain = 1, role_s = role_e = 0, links = 0;
        } else if (chain && ++links > GZ_MAX_LINKS) {
            chain = 0;
        }
    }
    free(tok);
    *out = m;
    return count;
}
