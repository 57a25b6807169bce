// flexsearch.mjs - the FlexSearch peer of bench/bench_search.c: the same
// passages (exported by bench_search --export-passages), the same query mix
// (third column of bench/queries.tsv), the same work per query and the same
// timing scheme, in one Node.js thread.
//
//   node bench/flexsearch.mjs --passages FILE [--queries bench/queries.tsv]
//                             [--seconds S] [--boundary CHARS]
//                             [--snippets highlight|none] [--json OUT]
//
// Index: a FlexSearch Document with one stored field, "text", tokenize
// "forward" (so a word's prefixes match: `Taka` finds `Takaichi`), encoder
// Charset.LatinAdvanced (lower case, NFKD with the combining marks removed,
// letter de-duplication and a phonetic mapping: `nam`, `năm` and `nằm`
// encode alike, `đ` stays `đ`), default resolution. Build time = adding
// every passage (reading the file is not counted).
//
// Per query, as the others do: every matching passage is found (an
// unresolved search, resolve: false, has no limit; the count is the size of
// that intermediate result), then the top 10 are resolved with FlexSearch's
// own highlighter (option highlight: <mark>$1</mark>, a window of about
// --boundary characters, default 160, about 30 Vietnamese syllables, "…"
// where cut; --snippets none resolves the top 10 documents without
// highlighting, to see what the highlighter costs). Column syntax: words
// are AND-ed (FlexSearch has no phrases, so a phrase is its words); "a | b"
// is the union of the searches a and b (Resolver.or); "-w" subtracts the
// results of searching w (Resolver.not). The count is checked once per
// query against the distinct ids of plain resolved searches (untimed); a
// mismatch is printed as a warning.
//
// Timing: each query is run once (hit count, warm-up), then repeated until
// its budget of S / (number of queries) seconds is spent (default S = 10);
// µs/q is the mean; the mix's queries/s = queries / sum of the µs/q.
//
// Memory: the V8 heap in use after a full garbage collection, before and
// after the build (gc is exposed at run time), and the process RSS. A large
// corpus may need a larger heap: node --max-old-space-size=MB.

import { Charset, Document, Resolver } from "flexsearch";
import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import v8 from "node:v8";
import vm from "node:vm";

const USAGE =
    "usage: node bench/flexsearch.mjs --passages FILE [--queries FILE] " +
    "[--seconds S] [--boundary CHARS] [--snippets highlight|none] " +
    "[--json OUT]";

function usageError(msg) {
    process.stderr.write(`flexsearch.mjs: ${msg}\n${USAGE}\n`);
    process.exit(2);
}

function parseArgs(argv) {
    const o = {
        passages: null,
        queries: "bench/queries.tsv",
        seconds: 10,
        boundary: 160,
        json: null,
        snippets: "highlight",
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--help" || a === "-h") {
            process.stdout.write(USAGE + "\n");
            process.exit(0);
        }
        const names = {
            "--passages": "passages",
            "--queries": "queries",
            "--seconds": "seconds",
            "--boundary": "boundary",
            "--json": "json",
            "--snippets": "snippets",
        };
        if (!(a in names)) usageError(`${a}: unknown option`);
        if (i + 1 >= argv.length) usageError(`${a}: missing value`);
        const v = argv[++i];
        if (a === "--seconds" || a === "--boundary") {
            const n = Number(v);
            if (v === "" || !Number.isFinite(n) || n < 0)
                usageError(`${a}: bad value '${v}'`);
            o[names[a]] = n;
        } else if (a === "--snippets" && v !== "highlight" && v !== "none") {
            usageError(`${a}: bad value '${v}'`);
        } else o[names[a]] = v;
    }
    if (!o.passages) usageError("--passages is required");
    return o;
}

function die(msg) {
    process.stderr.write(`flexsearch.mjs: ${msg}\n`);
    process.exit(1);
}

// The query file: comment lines start with #; columns ours, FTS5, ours.
function loadQueries(path) {
    let text;
    try {
        text = readFileSync(path, "utf8");
    } catch (e) {
        die(`${path}: ${e.message}`);
    }
    const out = [];
    text.split("\n").forEach((line, i) => {
        line = line.replace(/\r$/, "");
        if (line === "" || line.startsWith("#")) return;
        const cols = line.split("\t");
        if (cols.length < 3 || cols[2].trim() === "")
            die(`${path}:${i + 1}: expected three tab-separated columns`);
        // "a | b": union; in each side, "-w": subtract the results of w
        const alts = cols[2].split(/\s+\|\s+/).map((alt) => {
            const words = alt.trim().split(/\s+/);
            const pos = words.filter((w) => !w.startsWith("-"));
            const neg = words
                .filter((w) => w.startsWith("-") && w.length > 1)
                .map((w) => w.slice(1));
            if (pos.length === 0)
                die(`${path}:${i + 1}: '${alt}' has nothing to search for`);
            return { query: pos.join(" "), not: neg };
        });
        out.push({
            ours: cols[0],
            flex: cols[2],
            alts,
            // what the highlighter marks: every positive word of every side
            highlight: alts.map((a) => a.query).join(" "),
        });
    });
    if (out.length === 0) die(`${path}: no queries`);
    return out;
}

async function loadPassages(path) {
    const passages = [];
    const rl = createInterface({
        input: createReadStream(path, { encoding: "utf8" }),
        crlfDelay: Infinity,
    });
    let n = 0;
    try {
        for await (const line of rl) {
            n++;
            if (line === "") continue;
            let p;
            try {
                p = JSON.parse(line);
            } catch (e) {
                die(`${path}:${n}: ${e.message}`);
            }
            if (!Number.isInteger(p.id) || typeof p.text !== "string")
                die(`${path}:${n}: expected {"id":INTEGER,"text":STRING}`);
            passages.push(p);
        }
    } catch (e) {
        die(`${path}: ${e.message}`);
    }
    return passages;
}

function flexVersion() {
    try {
        const require = createRequire(import.meta.url);
        return require("flexsearch/package.json").version;
    } catch {
        // package.json is not in the package's exports map
        try {
            const url = new URL(
                "../node_modules/flexsearch/package.json",
                import.meta.url,
            );
            return JSON.parse(readFileSync(url, "utf8")).version;
        } catch {
            return null;
        }
    }
}

const FIELD = "text";

// One query: all matches (unresolved, unlimited), their count, then the top
// 10 with highlighted snippets (highlight: the highlighter's options, or
// null: the 10 documents only). Returns [count, top10].
function runQuery(index, q, highlight) {
    let r = null;
    for (const alt of q.alts) {
        let s = new Resolver({ index, query: alt.query, field: FIELD });
        for (const w of alt.not) s = s.not({ query: w, field: FIELD });
        r = r ? r.or(s) : s;
    }
    // The highlighter marks the words of the query the resolver was started
    // with; for a union, give it the words of every side (Resolver.query is
    // the resolver's own field for that).
    if (q.alts.length > 1) r.query = q.highlight;
    let count = 0;
    for (const slot of r.result) if (slot) count += slot.length;
    const top = highlight
        ? r.resolve({ limit: 10, highlight })
        : r.resolve({ limit: 10, enrich: true });
    return [count, top];
}

// The same matches counted the slow, obvious way (distinct ids of a fully
// resolved search), to check the count of runQuery.
function countPlain(index, q) {
    let ids = new Set();
    q.alts.forEach((alt, i) => {
        const hits = new Set(
            index.search({
                query: alt.query,
                field: FIELD,
                limit: 1e9,
                pluck: FIELD,
            }),
        );
        for (const w of alt.not)
            for (const id of index.search({
                query: w,
                field: FIELD,
                limit: 1e9,
                pluck: FIELD,
            }))
                hits.delete(id);
        if (i === 0) ids = hits;
        else for (const id of hits) ids.add(id);
    });
    return ids.size;
}

function pad(s, n) {
    const len = [...s].length;
    return len >= n ? s : s + " ".repeat(n - len);
}

async function main() {
    const opt = parseArgs(process.argv.slice(2));
    const queries = loadQueries(opt.queries);
    const t0 = process.hrtime.bigint();
    const passages = await loadPassages(opt.passages);
    const t1 = process.hrtime.bigint();
    const bytes = passages.reduce(
        (n, p) => n + Buffer.byteLength(p.text, "utf8"),
        0,
    );

    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    gc();
    const mem0 = process.memoryUsage();
    const t2 = process.hrtime.bigint();
    const index = new Document({
        document: {
            id: "id",
            store: true,
            index: [
                {
                    field: FIELD,
                    tokenize: "forward",
                    encoder: Charset.LatinAdvanced,
                },
            ],
        },
    });
    for (const p of passages) index.add(p);
    const t3 = process.hrtime.bigint();
    gc();
    const mem1 = process.memoryUsage();
    const buildMs = Number(t3 - t2) / 1e6;

    const highlight =
        opt.snippets === "highlight"
            ? {
                  template: "<mark>$1</mark>",
                  boundary: opt.boundary,
                  ellipsis: "…",
                  clip: false,
              }
            : null;
    const version = flexVersion();
    const mb = (n) => (n / (1 << 20)).toFixed(1);
    console.log(
        `passages: ${passages.length} from ${opt.passages}, ` +
            `${mb(bytes)} MB of text; read in ${(Number(t1 - t0) / 1e6).toFixed(1)} ms`,
    );
    console.log(
        `build: FlexSearch ${version} (Document, tokenize forward, ` +
            `LatinAdvanced) ${buildMs.toFixed(1)} ms; heap ${mb(mem1.heapUsed)} MB ` +
            `(+${mb(mem1.heapUsed - mem0.heapUsed)}), RSS ${mb(mem1.rss)} MB` +
            (highlight ? "" : "; snippets: none"),
    );
    console.log("");

    const budget = (opt.seconds * 1e9) / queries.length; // ns
    console.log(
        `${pad("query (FlexSearch form)", 32)} ${"hits".padStart(9)} ${"us/q".padStart(12)}`,
    );
    let totalUs = 0;
    const results = [];
    const problems = [];
    for (const q of queries) {
        const [hits, top] = runQuery(index, q, highlight); // also the warm-up
        const plain = countPlain(index, q);
        if (plain !== hits)
            problems.push(
                `${q.flex}: intermediate count ${hits}, distinct ids ${plain}`,
            );
        let runs = 0;
        const s = process.hrtime.bigint();
        let e;
        do {
            runQuery(index, q, highlight);
            runs++;
        } while ((e = process.hrtime.bigint()) - s < budget);
        const us = Number(e - s) / 1e3 / runs;
        totalUs += us;
        results.push({
            query: q.ours,
            flexsearch_query: q.flex,
            hits,
            us,
            runs,
            top: top.length,
            snippet: top.length ? top[0].highlight : null,
        });
        console.log(
            `${pad(q.flex, 32)} ${String(hits).padStart(9)} ${us.toFixed(1).padStart(12)}`,
        );
    }
    const qps = totalUs > 0 ? queries.length / (totalUs / 1e6) : null;
    console.log(
        `\nqueries/s over the mix (one thread): FlexSearch ${qps === null ? "-" : qps.toFixed(0)}`,
    );
    for (const p of problems) console.log(`warning: ${p}`);

    if (opt.json) {
        const report = {
            tool: "flexsearch.mjs",
            engine: "flexsearch",
            flexsearch_version: version,
            node_version: process.version,
            index: {
                type: "Document",
                tokenize: "forward",
                encoder: "LatinAdvanced",
                resolution: "default",
                store: true,
            },
            snippets: highlight
                ? {
                      method: "flexsearch highlight",
                      template: highlight.template,
                      boundary_chars: opt.boundary,
                      ellipsis: highlight.ellipsis,
                  }
                : { method: "none" },
            corpus: {
                passages_file: opt.passages,
                passages: passages.length,
                bytes,
                read_ms: Number(t1 - t0) / 1e6,
            },
            build: {
                ms: buildMs,
                heap_used_bytes: mem1.heapUsed,
                heap_growth_bytes: mem1.heapUsed - mem0.heapUsed,
                rss_bytes: mem1.rss,
                heap_limit_bytes: v8.getHeapStatistics().heap_size_limit,
            },
            timing: {
                seconds: opt.seconds,
                budget_us_per_query: budget / 1e3,
                threads: 1,
            },
            queries: results,
            qps,
            warnings: problems,
        };
        try {
            writeFileSync(opt.json, JSON.stringify(report, null, 2) + "\n");
        } catch (e) {
            die(`${opt.json}: ${e.message}`);
        }
    }
}

await main();
