/* cache.c - the response cache: 200 answers of the current snapshot kept
 * by request target, so a repeated request is served from a prebuilt
 * response without running its handler.
 *
 * Set-associative: a target hashes to one set of API__CACHE_WAYS entries;
 * a new entry takes a free way or the least recently used one. The total
 * size is bounded (api_set_cache_bytes); an answer that does not fit after
 * its set is emptied is not kept. Publishing a snapshot empties the cache,
 * so nothing from an old snapshot is served after a reload. Loop thread
 * only. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void api__cache_init(api__cache_t *c, size_t max_bytes) {
    memset(c, 0, sizeof *c);
    c->max_bytes = max_bytes;
    if (max_bytes == 0)
        return;
    c->sets = API__CACHE_SETS;
    c->slots = vj_calloc(c->sets * API__CACHE_WAYS, sizeof *c->slots);
}

static void entry_drop(api__cache_t *c, api__cache_entry_t *e) {
    if (e->resp == NULL)
        return;
    c->bytes -= e->bytes;
    c->count--;
    http_cached_free(e->resp);
    free(e->key);
    memset(e, 0, sizeof *e);
}

void api__cache_clear(api__cache_t *c) {
    for (size_t i = 0; i < c->sets * API__CACHE_WAYS; i++)
        entry_drop(c, &c->slots[i]);
    c->generation++;
}

void api__cache_free(api__cache_t *c) {
    api__cache_clear(c);
    free(c->slots);
    c->slots = NULL;
}

static api__cache_entry_t *set_of(api__cache_t *c, uint64_t h) {
    return &c->slots[(h % c->sets) * API__CACHE_WAYS];
}

http_cached_t *api__cache_get(api__cache_t *c, const char *key, size_t n) {
    if (c->slots == NULL)
        return NULL;
    uint64_t h = vj_hash64(VJ_HASH_INIT, key, n);
    api__cache_entry_t *set = set_of(c, h);
    for (size_t w = 0; w < API__CACHE_WAYS; w++) {
        api__cache_entry_t *e = &set[w];
        if (e->resp && e->hash == h && e->key_len == n &&
            memcmp(e->key, key, n) == 0) {
            e->used = ++c->clock;
            c->hits++;
            return e->resp;
        }
    }
    c->misses++;
    return NULL;
}

void api__cache_put(api__cache_t *c, const char *key, size_t n,
                    http_cached_t *resp) {
    size_t bytes = http_cached_bytes(resp) + n + sizeof(api__cache_entry_t);
    if (c->slots == NULL || bytes > c->max_bytes) {
        http_cached_free(resp);
        return;
    }
    uint64_t h = vj_hash64(VJ_HASH_INIT, key, n);
    api__cache_entry_t *set = set_of(c, h), *victim = &set[0];
    for (size_t w = 0; w < API__CACHE_WAYS; w++) {
        api__cache_entry_t *e = &set[w];
        if (e->resp && e->hash == h && e->key_len == n &&
            memcmp(e->key, key, n) == 0) {
            victim = e; /* the same target again: replace it */
            break;
        }
        if (e->resp == NULL || (victim->resp && e->used < victim->used))
            victim = e;
    }
    entry_drop(c, victim);
    /* still too much: make room in this set, oldest first */
    while (c->bytes + bytes > c->max_bytes) {
        api__cache_entry_t *old = NULL;
        for (size_t w = 0; w < API__CACHE_WAYS; w++)
            if (set[w].resp && (old == NULL || set[w].used < old->used))
                old = &set[w];
        if (old == NULL)
            break;
        entry_drop(c, old);
    }
    if (c->bytes + bytes > c->max_bytes) {
        http_cached_free(resp);
        return;
    }
    victim->key = vj_strndup(key, n);
    victim->key_len = n;
    victim->hash = h;
    victim->resp = resp;
    victim->bytes = bytes;
    victim->used = ++c->clock;
    c->bytes += bytes;
    c->count++;
}
