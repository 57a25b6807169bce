// validate_openapi.mjs - checks the running server against openapi/openapi.json.
//
//   VJCORPUS_BIN=build/vjcorpus node tests/api/validate_openapi.mjs
//
// Run from the repository root. Starts `$VJCORPUS_BIN serve` on a free port
// over data/corpus, waits (at most 10 s) for /api/v1/health to answer 200,
// then sends real requests covering every path and every status the
// document lists that a client can provoke. For each response it finds the
// operation (path template and method) and the response object for the
// status (or `default`) and checks: the status is documented, Content-Type
// is a documented media type with charset=utf-8, the body validates against
// the schema (Ajv, JSON Schema 2020-12), and every header the response
// object marks required is present and matches its schema. A few checks of
// the contract the schemas cannot express follow (offsets, paging, ETags).
// Every response checked must carry the Content-Security-Policy header.
//
// The server is started with VJCORPUS_DEBUG_LOAD_DELAY_MS (a test hook that
// delays the first load) so the answers while loading are checked too: the
// probes, /api/v1/health and /metrics. At the end, /metrics must be valid
// Prometheus text (HELP and TYPE for every metric, consistent histograms)
// and count the requests this script made, by route pattern and status.
//
// Special cases, as the document describes them:
//   * a path no template matches answers components/responses/NotFound, and
//     a method a path does not have answers 405, which the document lists
//     under the path's GET operation (OpenAPI has no place for responses of
//     methods that do not exist); both may also answer what any request may
//     (components/responses BadRequest, PayloadTooLarge, UriTooLong,
//     HeadersTooLarge, InternalError);
//   * HEAD responses have no body; their Content-Type is checked against the
//     media types of the GET operation's response with the same status.
//
// Prints one line per check, then "openapi: N passed, N failed"; exits 1 on
// any failure. The server is always stopped, on exceptions and signals too.
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import http from 'node:http';
import {gunzipSync} from 'node:zlib';
import {isDeepStrictEqual} from 'node:util';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const BIN = process.env.VJCORPUS_BIN || 'build/vjcorpus';
const DOC_PATH = 'openapi/openapi.json';
const CORPUS = 'data/corpus';
const STARTUP_MS = 10_000;
const LOAD_DELAY_MS = 1_500;
const CSP = "default-src 'none'; frame-ancestors 'none'";
const REQUEST_MS = 5_000;
const DOC_ID = 'https://vjcorpus.invalid/openapi.json';
const METHODS = ['get', 'head', 'options', 'put', 'post', 'delete', 'patch', 'trace'];

// --- Results ---------------------------------------------------------------

let passed = 0;
let failed = 0;

function check(ok, what, why = '') {
    if (ok) {
        passed++;
        console.log(`ok   ${what}`);
    } else {
        failed++;
        console.log(`FAIL ${what}${why ? `: ${why}` : ''}`);
    }
    return ok;
}

// --- The document and Ajv ------------------------------------------------

const doc = JSON.parse(readFileSync(DOC_PATH, 'utf8'));
const ajv = new Ajv2020({strict: false, allErrors: true, validateFormats: true});
addFormats(ajv);
// The whole document is one schema resource: refs like
// "#/components/schemas/Document" inside it resolve against it, and any
// schema in it is reached as DOC_ID + "#" + its JSON pointer.
ajv.addSchema({...doc, $id: DOC_ID});
const validators = new Map();

function validatorAt(pointer) {
    let v = validators.get(pointer);
    if (!v) {
        v = ajv.compile({$ref: `${DOC_ID}#${pointer}`});
        validators.set(pointer, v);
    }
    return v;
}

const esc = s => s.replace(/~/g, '~0').replace(/\//g, '~1');
const unesc = s => s.replace(/~1/g, '/').replace(/~0/g, '~');

function at(pointer) {
    let o = doc;
    for (const part of pointer.split('/').slice(1)) {
        if (o == null)
            return undefined;
        o = o[unesc(part)];
    }
    return o;
}

// Follows $refs (document-local only); returns [object, its pointer].
function deref(obj, pointer) {
    for (let i = 0; obj && obj.$ref && i < 20; i++) {
        if (!obj.$ref.startsWith('#/'))
            throw new Error(`external $ref not supported: ${obj.$ref}`);
        pointer = obj.$ref.slice(1);
        obj = at(pointer);
    }
    return [obj, pointer];
}

function ajvErrors(v) {
    return (v.errors || []).slice(0, 5)
        .map(e => `${e.instancePath || '/'} ${e.message}` +
            (e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''))
        .join('; ');
}

// Path templates, literal ones first so /a/b beats /a/{x}.
const templates = Object.keys(doc.paths)
    .map(t => ({
        template: t,
        params: (t.match(/\{/g) || []).length,
        re: new RegExp('^' + t.split(/\{[^}]+\}/)
            .map(s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+') + '$'),
    }))
    .sort((a, b) => a.params - b.params);

function findPath(path) {
    const t = templates.find(t => t.re.test(path));
    return t ? t.template : null;
}

// Responses any request may get whatever its path or method, before routing
// (a malformed request target, oversized input, a bug).
const ANYWHERE = {400: 'BadRequest', 413: 'PayloadTooLarge', 414: 'UriTooLong',
    431: 'HeadersTooLarge', 500: 'InternalError'};

// The response object (and its pointer) documenting status for method on
// path, or [null, reason]. A path no template matches may answer 404; a
// method a path lacks may answer 405 (which the document lists under the
// path's GET, as OpenAPI has no place for responses of methods a path does
// not have); both may answer what any request may get.
function findResponse(method, path, status) {
    const template = findPath(path);
    const item = template && doc.paths[template];
    const op = item && item[method];
    if (!op) {
        let name = ANYWHERE[status];
        if (!template && status === 404)
            name = 'NotFound';
        if (template && status === 405 && item.get && item.get.responses['405'])
            return deref(item.get.responses['405'], `/paths/${esc(template)}/get/responses/405`);
        if (name)
            return deref({$ref: `#/components/responses/${name}`}, '');
        return [null, template
            ? `${template} documents no ${method.toUpperCase()} operation and no ${status} for it`
            : `no path template matches ${path}`];
    }
    const opPtr = `/paths/${esc(template)}/${method}`;
    for (const key of [String(status), `${String(status)[0]}XX`, 'default']) {
        if (op.responses[key])
            return deref(op.responses[key], `${opPtr}/responses/${esc(key)}`);
    }
    return [null, `${method.toUpperCase()} ${template} documents no ${status} response`];
}

// --- HTTP ------------------------------------------------------------------

let port = 0;
// Every answer received: {method, path (without the query), status}.
const answered = [];

// One request with node:http (raw: no decompression, any method, any URI
// length, bodies on GET). Resolves {status, headers, body (Buffer, gunzipped
// if gzip), rawLength, gzip}.
function request({method = 'GET', path, headers = {}, body = null}) {
    return new Promise((resolve, reject) => {
        const req = http.request({
            host: '127.0.0.1', port, method, path, agent: false,
            headers: {Connection: 'close', ...headers,
                ...(body != null ? {'Content-Length': Buffer.byteLength(body)} : {})},
            timeout: REQUEST_MS,
        }, res => {
            const chunks = [];
            res.on('data', c => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
                let buf = Buffer.concat(chunks);
                const rawLength = buf.length;
                const gzip = /gzip/i.test(res.headers['content-encoding'] || '');
                if (gzip && buf.length)
                    buf = gunzipSync(buf);
                answered.push({method, path: path.split('?')[0], status: res.statusCode});
                resolve({status: res.statusCode, headers: res.headers, body: buf, rawLength, gzip});
            });
        });
        req.on('timeout', () => req.destroy(new Error(`timed out after ${REQUEST_MS} ms`)));
        req.on('error', reject);
        if (body != null)
            req.write(body);
        req.end();
    });
}

// --- Checking one response against the document ----------------------------

function mediaType(ct) {
    return (ct || '').split(';')[0].trim().toLowerCase();
}

function headerValue(schema, raw) {
    const [s] = deref(schema, '');
    const types = [].concat(s && s.type || 'string');
    if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(raw))
        return Number(raw);
    return raw;
}

// Checks res to `label` against the document; returns the parsed JSON body
// (or undefined).
function validate(label, method, path, res, {expectStatus} = {}) {
    const m = method.toLowerCase();
    const tag = `${label} -> ${res.status}`;
    const expected = [].concat(expectStatus ?? []);
    if (expected.length &&
        !check(expected.includes(res.status), `${tag} status`, `expected ${expected.join(' or ')}`))
        return undefined;
    const [resp, ptr] = findResponse(m, path, res.status);
    if (!check(resp != null, `${tag} documented`, resp == null ? ptr : ''))
        return undefined;

    // Headers the response object marks required.
    const missing = [];
    const bad = [];
    for (const [name, h0] of Object.entries(resp.headers || {})) {
        const [h, hptr] = deref(h0, `${ptr}/headers/${esc(name)}`);
        const raw = res.headers[name.toLowerCase()];
        if (raw === undefined) {
            if (h.required)
                missing.push(name);
            continue;
        }
        if (h.schema) {
            const v = validatorAt(`${hptr}/schema`);
            if (!v(headerValue(h.schema, raw)))
                bad.push(`${name}: ${JSON.stringify(raw)} ${ajvErrors(v)}`);
        }
    }
    // Every response, whatever the document lists for it.
    const csp = res.headers['content-security-policy'];
    if (csp === undefined)
        missing.push('Content-Security-Policy');
    else if (csp !== CSP)
        bad.push(`Content-Security-Policy: ${JSON.stringify(csp)}`);
    check(missing.length === 0 && bad.length === 0, `${tag} headers`,
        [missing.length ? `missing ${missing.join(', ')}` : '', ...bad].filter(Boolean).join('; '));

    // Content-Type and body.
    let content = resp.content;
    if (m === 'head' || !content) {
        // HEAD: no body; the media type is that of GET's same response.
        if (m === 'head') {
            const [getResp] = findResponse('get', path, res.status);
            content = getResp && getResp.content;
        }
        const noBody = res.body.length === 0;
        check(noBody, `${tag} no body`, noBody ? '' : `${res.body.length} bytes`);
        if (content && res.status !== 304 && res.status !== 204) {
            const mt = mediaType(res.headers['content-type']);
            check(mt in content, `${tag} content-type`,
                `${res.headers['content-type']} not in ${Object.keys(content).join(', ')}`);
        }
        return undefined;
    }
    const ct = res.headers['content-type'];
    const mt = mediaType(ct);
    if (!check(mt in content, `${tag} content-type`,
        `${ct} not in ${Object.keys(content).join(', ')}`))
        return undefined;
    check(/;\s*charset=utf-8/i.test(ct || ''), `${tag} charset=utf-8`, ct);
    if (!/^application\/([a-z.+-]+\+)?json$/.test(mt)) {
        // Not JSON (/metrics): the body as a string against the schema.
        const text = res.body.toString('utf8');
        const schema = content[mt].schema;
        if (schema) {
            const v = validatorAt(`${ptr}/content/${esc(mt)}/schema`);
            check(v(text), `${tag} body matches schema`, ajvErrors(v));
        }
        return text;
    }
    let json;
    try {
        json = JSON.parse(res.body.toString('utf8'));
    } catch (e) {
        check(false, `${tag} JSON body`, e.message);
        return undefined;
    }
    const schema = content[mt].schema;
    if (schema) {
        const v = validatorAt(`${ptr}/content/${esc(mt)}/schema`);
        check(v(json), `${tag} body matches schema`, ajvErrors(v));
    }
    return json;
}

async function run(label, opts, extra = {}) {
    const method = opts.method || 'GET';
    let res;
    try {
        res = await request(opts);
    } catch (e) {
        check(false, `${label}`, `request failed: ${e.message}`);
        return {};
    }
    const path = opts.path.split('?')[0];
    const json = validate(label, method, path, res, extra);
    return {res, json};
}

// --- Offline: the document's own examples validate against their schemas ----

function checkExamples() {
    let n = 0;
    const errs = [];
    const walk = (o, ptr) => {
        if (!o || typeof o !== 'object')
            return;
        if (o.schema && (o.examples || o.example !== undefined) && !ptr.includes('/schemas/')) {
            const v = validatorAt(`${ptr}/schema`);
            const list = o.examples
                ? Object.entries(o.examples).map(([k, e]) => [k, deref(e, '')[0].value])
                : [['example', o.example]];
            for (const [k, val] of list) {
                n++;
                if (!v(val))
                    errs.push(`${ptr} ${k}: ${ajvErrors(v)}`);
            }
        }
        for (const [k, v] of Object.entries(o))
            if (k !== 'schema' && k !== 'examples' && k !== 'example')
                walk(v, `${ptr}/${esc(k)}`);
    };
    walk(doc, '');
    check(errs.length === 0, `document: ${n} examples match their schemas`, errs.join('; '));
}

// --- The server --------------------------------------------------------------

let server = null;
let serverLog = '';
const sleep = ms => new Promise(r => setTimeout(r, ms));

function startServer() {
    return new Promise((resolve, reject) => {
        server = spawn(BIN, ['serve', '--corpus', CORPUS, '--host', '127.0.0.1', '--port', '0'],
            {stdio: ['ignore', 'pipe', 'pipe'],
                env: {...process.env, VJCORPUS_DEBUG_LOAD_DELAY_MS: String(LOAD_DELAY_MS)}});
        const timer = setTimeout(() => reject(new Error(
            `no "listening on" line within ${STARTUP_MS} ms`)), STARTUP_MS);
        server.on('error', e => {
            clearTimeout(timer);
            reject(new Error(`cannot start ${BIN}: ${e.message}`));
        });
        server.on('exit', (code, sig) => {
            clearTimeout(timer);
            reject(new Error(`server exited early (${sig || code})`));
        });
        server.stdout.on('data', d => { serverLog += d; });
        server.stderr.on('data', d => {
            serverLog += d;
            const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(serverLog);
            if (m && !port) {
                port = Number(m[1]);
                clearTimeout(timer);
                resolve();
            }
        });
    });
}

// Polls health until 200. Validates the first 503 and checks what the
// server answers while loading then (the load is delayed LOAD_DELAY_MS).
async function waitReady(deadline) {
    let sawLoading = false;
    for (;;) {
        let res = null;
        try {
            res = await request({path: '/api/v1/health'});
        } catch {
            // not accepting yet
        }
        if (res && res.status === 200) {
            check(sawLoading, 'the server answered while loading',
                'never saw a 503 from /api/v1/health (is VJCORPUS_DEBUG_LOAD_DELAY_MS honoured?)');
            return;
        }
        if (res && res.status === 503 && !sawLoading) {
            sawLoading = true;
            const json = validate('GET /api/v1/health (while loading)', 'GET', '/api/v1/health', res);
            if (json)
                check(json.status === 'loading' && json.live === true && json.ready === false &&
                    json.documents === 0 && json.loaded_at === null && json.last_reload === null,
                'GET /api/v1/health (while loading) says loading, live, not ready, no last_reload',
                JSON.stringify(json));
            await whileLoading();
        }
        if (Date.now() > deadline)
            throw new Error(`/api/v1/health did not answer 200 within ${STARTUP_MS} ms`);
        await sleep(50);
    }
}

// The probes and /metrics while the corpus is loading.
async function whileLoading() {
    const W = '(while loading)';
    const RD = '/api/v1/health/ready';
    const LV = '/api/v1/health/live';
    const ready = await run(`GET ${RD} ${W}`, {path: RD}, {expectStatus: 503});
    if (ready.json)
        check(ready.json.status === 'loading', `GET ${RD} ${W} says loading`, JSON.stringify(ready.json));
    await run(`HEAD ${RD} ${W}`, {method: 'HEAD', path: RD}, {expectStatus: 503});
    const live = await run(`GET ${LV} ${W}`, {path: LV}, {expectStatus: 200});
    if (live.json)
        check(live.json.status === 'live', `GET ${LV} ${W} says live`, JSON.stringify(live.json));
    await run(`HEAD ${LV} ${W}`, {method: 'HEAD', path: LV}, {expectStatus: 200});
    await run(`GET /api/v1/documents ${W}`, {path: '/api/v1/documents'}, {expectStatus: 503});
    const m = await run(`GET /metrics ${W}`, {path: '/metrics'}, {expectStatus: 200});
    if (typeof m.json === 'string') {
        const fams = checkMetrics(`GET /metrics ${W}`, m.json);
        const ready0 = gaugeValue(fams, 'vjcorpus_ready');
        const docs0 = gaugeValue(fams, 'vjcorpus_snapshot_documents');
        check(ready0 === 0 && docs0 === 0, `GET /metrics ${W} vjcorpus_ready 0, no documents`,
            `vjcorpus_ready ${ready0}, vjcorpus_snapshot_documents ${docs0}`);
    }
    await run(`OPTIONS /metrics ${W}`, {method: 'OPTIONS', path: '/metrics'}, {expectStatus: 204});
}

// --- Prometheus text format ------------------------------------------------------

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
const PROM_METRICS = {
    vjcorpus_http_requests_total: 'counter',
    vjcorpus_http_request_duration_seconds: 'histogram',
    vjcorpus_http_requests_in_flight: 'gauge',
    vjcorpus_ready: 'gauge',
    vjcorpus_snapshot_age_seconds: 'gauge',
    vjcorpus_snapshot_documents: 'gauge',
    vjcorpus_snapshot_bytes: 'gauge',
    vjcorpus_snapshot_passages: 'gauge',
    vjcorpus_reloads_total: 'counter',
    vjcorpus_cache_requests_total: 'counter',
    vjcorpus_cache_entries: 'gauge',
    vjcorpus_cache_bytes: 'gauge',
};

function promValue(v) {
    if (v === '+Inf' || v === 'Inf')
        return Infinity;
    if (v === '-Inf')
        return -Infinity;
    if (v === 'NaN')
        return NaN;
    return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) ? Number(v) : undefined;
}

// Parses Prometheus text format 0.0.4 into families (name -> {help, type,
// samples: [{name, labels, value}]}) and the problems found.
function parseMetrics(text) {
    const problems = [];
    const fams = new Map();
    const fam = name => {
        if (!fams.has(name))
            fams.set(name, {name, help: null, type: null, samples: []});
        return fams.get(name);
    };
    const lines = text.split('\n');
    if (lines.pop() !== '')
        problems.push('the body does not end with a newline');
    lines.forEach((line, i) => {
        const where = `line ${i + 1}`;
        let m;
        if ((m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line))) {
            const [, kind, name, rest = ''] = m;
            if (!METRIC_NAME.test(name))
                return problems.push(`${where}: bad metric name ${name}`);
            const f = fam(name);
            const key = kind === 'HELP' ? 'help' : 'type';
            if (f[key] !== null)
                problems.push(`${where}: a second ${kind} for ${name}`);
            if (f.samples.length)
                problems.push(`${where}: ${kind} for ${name} after its samples`);
            if (kind === 'TYPE' && !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest))
                problems.push(`${where}: bad TYPE ${rest}`);
            if (kind === 'HELP' && !rest.trim())
                problems.push(`${where}: empty HELP for ${name}`);
            f[key] = rest;
            return;
        }
        if (line.startsWith('#') || line.trim() === '')
            return; // comments and blank lines are allowed
        m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})? (\S+)(?: -?\d+)?$/.exec(line);
        if (!m)
            return problems.push(`${where}: not a sample: ${line}`);
        const [, name, rawLabels = '', rawValue] = m;
        const labels = {};
        LABEL.lastIndex = 0;
        while (LABEL.lastIndex < rawLabels.length) {
            const start = LABEL.lastIndex;
            const l = LABEL.exec(rawLabels);
            if (!l || LABEL.lastIndex === start) {
                problems.push(`${where}: bad labels {${rawLabels}}`);
                break;
            }
            if (l[1] in labels)
                problems.push(`${where}: label ${l[1]} twice`);
            labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
        }
        const value = promValue(rawValue);
        if (value === undefined)
            problems.push(`${where}: bad value ${rawValue}`);
        // The family: the name itself, or a histogram's or summary's.
        let f = fams.get(name);
        if (!f || f.type === null) {
            const base = name.replace(/_(bucket|sum|count)$/, '');
            const b = fams.get(base);
            if (b && (b.type === 'histogram' || b.type === 'summary'))
                f = b;
        }
        if (!f || f.help === null || f.type === null)
            return problems.push(`${where}: ${name} has no HELP and TYPE before it`);
        if (f.type !== 'histogram' && f.type !== 'summary' && name !== f.name)
            problems.push(`${where}: ${name} in family ${f.name} of type ${f.type}`);
        if (f.type === 'counter' && !(value >= 0 && Number.isFinite(value)))
            problems.push(`${where}: counter ${name} is ${rawValue}`);
        f.samples.push({name, labels, value});
    });
    for (const f of fams.values())
        if (f.help === null || f.type === null)
            problems.push(`${f.name} has ${f.help === null ? 'no HELP' : 'no TYPE'}`);
    return {fams, problems};
}

// Histogram problems: per label set, buckets with increasing le, cumulative
// counts, a le="+Inf" bucket equal to _count, and a _sum.
function histogramProblems(f) {
    const problems = [];
    const groups = new Map();
    for (const s of f.samples) {
        const {le, ...rest} = s.labels;
        const key = JSON.stringify(Object.entries(rest).sort());
        if (!groups.has(key))
            groups.set(key, {buckets: [], sum: undefined, count: undefined});
        const g = groups.get(key);
        if (s.name === `${f.name}_bucket`) {
            const bound = le === undefined ? undefined : promValue(le);
            if (bound === undefined)
                problems.push(`${f.name}_bucket ${key} without a valid le`);
            else
                g.buckets.push([bound, s.value]);
        } else if (s.name === `${f.name}_sum`) {
            g.sum = s.value;
        } else if (s.name === `${f.name}_count`) {
            g.count = s.value;
        } else {
            problems.push(`${s.name} in histogram ${f.name}`);
        }
    }
    for (const [key, g] of groups) {
        const b = g.buckets;
        for (let i = 1; i < b.length; i++) {
            if (!(b[i][0] > b[i - 1][0]))
                problems.push(`${key}: le ${b[i][0]} after ${b[i - 1][0]}`);
            if (b[i][1] < b[i - 1][1])
                problems.push(`${key}: bucket le=${b[i][0]} has ${b[i][1]} < ${b[i - 1][1]} (not cumulative)`);
        }
        if (!b.length || b[b.length - 1][0] !== Infinity)
            problems.push(`${key}: no le="+Inf" bucket last`);
        else if (b[b.length - 1][1] !== g.count)
            problems.push(`${key}: le="+Inf" is ${b[b.length - 1][1]} but _count is ${g.count}`);
        if (g.sum === undefined || !(g.sum >= 0))
            problems.push(`${key}: _sum ${g.sum}`);
        if (b.some(([, v]) => !Number.isInteger(v) || v < 0))
            problems.push(`${key}: a bucket count is not a non-negative integer`);
    }
    return {problems, groups};
}

// Checks a /metrics body; returns its families.
function checkMetrics(label, text) {
    const {fams, problems} = parseMetrics(text);
    check(problems.length === 0, `${label} is Prometheus text, HELP and TYPE for every metric`,
        problems.slice(0, 5).join('; '));
    const missing = Object.entries(PROM_METRICS)
        .filter(([name, type]) => !fams.has(name) || fams.get(name).type !== type)
        .map(([name, type]) => `${name} (${type}${fams.has(name) ? `, not ${fams.get(name).type ?? 'untyped'}` : ''})`);
    check(missing.length === 0, `${label} has every vjcorpus metric`, `missing ${missing.join(', ')}`);
    const h = fams.get('vjcorpus_http_request_duration_seconds');
    if (h) {
        const {problems: hp, groups} = histogramProblems(h);
        // Each route's _count is its requests over every status.
        const totals = new Map();
        for (const s of fams.get('vjcorpus_http_requests_total')?.samples || [])
            totals.set(s.labels.route, (totals.get(s.labels.route) || 0) + s.value);
        for (const [key, g] of groups) {
            const route = Object.fromEntries(JSON.parse(key)).route;
            if (totals.get(route) !== g.count)
                hp.push(`route ${route}: _count ${g.count} but requests_total sums to ${totals.get(route)}`);
        }
        check(hp.length === 0, `${label} histograms cumulative, le="+Inf" = _count = requests`,
            hp.slice(0, 5).join('; '));
    }
    const req = fams.get('vjcorpus_http_requests_total');
    if (req) {
        const bad = req.samples.filter(s => Object.keys(s.labels).sort().join() !== 'route,status' ||
            !/^[1-5][0-9][0-9]$/.test(s.labels.status) || !Number.isInteger(s.value));
        check(bad.length === 0, `${label} requests_total labelled by route and an HTTP status`,
            bad.slice(0, 3).map(s => JSON.stringify(s)).join('; '));
    }
    return fams;
}

// The value of an unlabelled gauge (or the one sample with these labels).
function gaugeValue(fams, name, labels = {}) {
    const f = fams.get(name);
    const s = f && f.samples.find(x => x.name === name &&
        Object.entries(labels).every(([k, v]) => x.labels[k] === v));
    return s ? s.value : undefined;
}

async function stopServer() {
    if (!server || server.exitCode !== null || server.signalCode !== null)
        return;
    const exited = new Promise(r => server.once('exit', (code, sig) => r(sig || code)));
    server.kill('SIGTERM');
    const how = await Promise.race([exited, sleep(5000).then(() => 'timeout')]);
    if (how === 'timeout') {
        server.kill('SIGKILL');
        await exited;
        console.log('note: server did not exit within 5 s of SIGTERM; killed');
    } else {
        console.log(`note: server exited after SIGTERM with ${how}`);
    }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
        if (server && server.exitCode === null)
            server.kill('SIGKILL');
        process.exit(130);
    });
}
process.on('exit', () => {
    if (server && server.exitCode === null && server.signalCode === null)
        server.kill('SIGKILL');
});

// --- The requests --------------------------------------------------------------

async function scenarios() {
    const H = '/api/v1/health';
    const L = '/api/v1/documents';

    // Service.
    const health = await run(`GET ${H}`, {path: H}, {expectStatus: 200});
    if (health.json) {
        check(health.json.status === 'ok' && health.json.ready === true && health.json.documents === 5,
            `GET ${H} says ok, ready, 5 documents`, JSON.stringify(health.json));
    }
    await run(`HEAD ${H}`, {method: 'HEAD', path: H}, {expectStatus: 200});
    await run(`GET ${H}?_=1 (underscore ignored)`, {path: `${H}?_=1`}, {expectStatus: 200});
    await run(`GET ${H}?verbose=1 (unknown parameter)`, {path: `${H}?verbose=1`}, {expectStatus: 400});
    if (health.json) {
        const lr = health.json.last_reload;
        check(health.json.live === true && lr && lr.status === 'ok' && lr.errors.length === 0 &&
            health.json.skipped === 0, `GET ${H} live, last_reload ok without errors`, JSON.stringify(lr));
    }

    // The probes and the metrics.
    const LV = '/api/v1/health/live';
    const RD = '/api/v1/health/ready';
    const M = '/metrics';
    const live = await run(`GET ${LV}`, {path: LV}, {expectStatus: 200});
    if (live.json)
        check(live.json.status === 'live', `GET ${LV} says live`, JSON.stringify(live.json));
    const ready = await run(`GET ${RD}`, {path: RD}, {expectStatus: 200});
    if (ready.json)
        check(ready.json.status === 'ready' && ready.json.documents === 5, `GET ${RD} says ready, 5 documents`,
            JSON.stringify(ready.json));
    const metrics = await run(`GET ${M}`, {path: M}, {expectStatus: 200});
    if (metrics.res)
        check(metrics.res.headers['content-type'] === 'text/plain; version=0.0.4; charset=utf-8',
            `GET ${M} Content-Type is Prometheus text 0.0.4`, metrics.res.headers['content-type']);
    if (typeof metrics.json === 'string') {
        const fams = checkMetrics(`GET ${M}`, metrics.json);
        check(gaugeValue(fams, 'vjcorpus_ready') === 1 && gaugeValue(fams, 'vjcorpus_snapshot_documents') === 5 &&
            gaugeValue(fams, 'vjcorpus_snapshot_passages') > 0 && gaugeValue(fams, 'vjcorpus_snapshot_bytes') > 0 &&
            gaugeValue(fams, 'vjcorpus_reloads_total', {outcome: 'ok'}) >= 1 &&
            gaugeValue(fams, 'vjcorpus_reloads_total', {outcome: 'failed'}) === 0,
        `GET ${M} ready, 5 documents, one ok load`);
    }
    await run(`GET ${M} Accept-Encoding: gzip`, {path: M, headers: {'Accept-Encoding': 'gzip'}},
        {expectStatus: 200});
    for (const path of [LV, RD, M]) {
        await run(`HEAD ${path}`, {method: 'HEAD', path}, {expectStatus: 200});
        await run(`GET ${path}?_=1 (underscore ignored)`, {path: `${path}?_=1`}, {expectStatus: 200});
        const bad = await run(`GET ${path}?verbose=1 (unknown parameter)`, {path: `${path}?verbose=1`},
            {expectStatus: 400});
        if (bad.json)
            check(bad.json.parameter === 'verbose' && bad.json.instance === path,
                `GET ${path}?verbose=1 problem names verbose`, JSON.stringify(bad.json));
        await run(`HEAD ${path}?verbose=1 (unknown parameter)`, {method: 'HEAD', path: `${path}?verbose=1`},
            {expectStatus: 400});
        await run(`OPTIONS ${path}`, {method: 'OPTIONS', path, headers: {
            Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET',
            'Access-Control-Request-Headers': 'if-none-match'}}, {expectStatus: 204});
        const r = await run(`POST ${path}`, {method: 'POST', path}, {expectStatus: 405});
        if (r.res)
            check(r.res.headers.allow === 'GET, HEAD, OPTIONS', `POST ${path} Allow`, String(r.res.headers.allow));
        await run(`GET ${path}/x`, {path: `${path}/x`}, {expectStatus: 404});
    }

    const spec = await run('GET /openapi.json', {path: '/openapi.json'}, {expectStatus: 200});
    if (spec.json)
        check(isDeepStrictEqual(spec.json, doc), 'GET /openapi.json is openapi/openapi.json',
            'the served document differs from the file (rebuild the binary)');
    await run('HEAD /openapi.json', {method: 'HEAD', path: '/openapi.json'}, {expectStatus: 200});

    // The document list.
    const list = await run(`GET ${L}`, {path: L}, {expectStatus: 200});
    const all = list.json ? list.json.items : [];
    if (list.json) {
        const ids = all.map(d => d.id);
        check(list.json.total === 5 && list.json.limit === 20 && list.json.offset === 0 && ids.length === 5,
            `GET ${L} defaults: 5 of 5, limit 20, offset 0`,
            `total ${list.json.total}, limit ${list.json.limit}, offset ${list.json.offset}, ${ids.length} items`);
        check(isDeepStrictEqual(ids, [...ids].sort()), `GET ${L} sorted by id`, ids.join(' '));
    }
    const page = await run(`GET ${L}?limit=2&offset=1`, {path: `${L}?limit=2&offset=1`}, {expectStatus: 200});
    if (page.json) {
        check(page.json.limit === 2 && page.json.offset === 1 && page.json.items.length === 2 &&
            isDeepStrictEqual(page.json.items, all.slice(1, 3)),
        `GET ${L}?limit=2&offset=1 is items 1-2 of the full list`);
        const link = page.res.headers.link || '';
        check(['first', 'prev', 'next', 'last'].every(r => link.includes(`rel="${r}"`)),
            `GET ${L}?limit=2&offset=1 Link has first, prev, next, last`, link);
    }
    const byDate = await run(`GET ${L}?sort=published&order=desc`,
        {path: `${L}?sort=published&order=desc`}, {expectStatus: 200});
    if (byDate.json) {
        const dates = byDate.json.items.map(d => d.published).filter(d => d != null);
        const sorted = [...dates].sort((a, b) => (a < b) - (a > b));
        check(isDeepStrictEqual(dates.map(d => d.slice(0, 10)), sorted.map(d => d.slice(0, 10))),
            `GET ${L}?sort=published&order=desc newest first`, dates.join(' '));
    }
    await run(`GET ${L}?sort=id&order=asc&limit=100&offset=0`,
        {path: `${L}?sort=id&order=asc&limit=100&offset=0`}, {expectStatus: 200});
    await run(`GET ${L}?language=vi`, {path: `${L}?language=vi`}, {expectStatus: 200});
    const none = await run(`GET ${L}?language=ja`, {path: `${L}?language=ja`}, {expectStatus: 200});
    if (none.json)
        check(none.json.total === 0 && none.json.items.length === 0, `GET ${L}?language=ja is empty`);
    await run(`GET ${L}?offset=1000000`, {path: `${L}?offset=1000000`}, {expectStatus: 200});
    await run(`GET ${L}?_cb=123 (underscore ignored)`, {path: `${L}?_cb=123`}, {expectStatus: 200});
    await run(`GET ${L} Accept-Encoding: gzip`, {path: L, headers: {'Accept-Encoding': 'gzip'}},
        {expectStatus: 200});

    // 400s: each names the parameter.
    for (const [q, param] of [
        ['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=abc', 'limit'], ['limit=', 'limit'],
        ['offset=-1', 'offset'], ['offset=1000001', 'offset'], ['sort=title', 'sort'],
        ['order=up', 'order'], ['language=VI', 'language'], ['lmit=2', 'lmit'],
        ['limit=2&limit=3', 'limit'],
    ]) {
        const r = await run(`GET ${L}?${q}`, {path: `${L}?${q}`}, {expectStatus: 400});
        if (r.json)
            check(r.json.parameter === param && r.json.status === 400 && r.json.instance === L,
                `GET ${L}?${q} problem names ${param}`, JSON.stringify(r.json));
    }

    // Malformed request targets.
    for (const [path, type] of [['/api/v1/%ff', 'invalid-path'], [`${L}/%00`, 'invalid-path'],
        [`${L}?language=%zz`, 'invalid-parameter']]) {
        const r = await run(`GET ${path}`, {path}, {expectStatus: 400});
        if (r.json)
            check(r.json.type === `urn:vjcorpus:problem:${type}`, `GET ${path} type ${type}`, r.json.type);
    }

    // One document.
    const id = all.length ? all[0].id : '000_9a418107b7a7cca5';
    const D = `${L}/${id}`;
    const one = await run(`GET ${D}`, {path: D}, {expectStatus: 200});
    if (one.json)
        checkDocument(one.json, all[0]);
    for (const d of all.slice(1)) {
        const r = await run(`GET ${L}/${d.id}`, {path: `${L}/${d.id}`}, {expectStatus: 200});
        if (r.json)
            checkDocument(r.json, d);
    }
    await run(`HEAD ${D}`, {method: 'HEAD', path: D}, {expectStatus: 200});
    await run(`GET ${D}?full=1 (unknown parameter)`, {path: `${D}?full=1`}, {expectStatus: 400});
    const nf = await run(`GET ${L}/999_0000000000000000`, {path: `${L}/999_0000000000000000`},
        {expectStatus: 404});
    if (nf.json)
        check(nf.json.type === 'urn:vjcorpus:problem:not-found', `GET ${L}/999_… type not-found`);
    await run(`HEAD ${L}/999_0000000000000000`, {method: 'HEAD', path: `${L}/999_0000000000000000`},
        {expectStatus: 404});

    // Unknown paths.
    await run('GET /api/v1/nope', {path: '/api/v1/nope'}, {expectStatus: 404});
    // (not / nor /<file>: the explorer page is served there)
    await run('GET /api/', {path: '/api/'}, {expectStatus: 404});
    await run(`GET ${L}/${id}/extra`, {path: `${L}/${id}/extra`}, {expectStatus: 404});

    // 405.
    for (const [method, path] of [['POST', L], ['DELETE', D], ['PUT', H], ['PATCH', '/openapi.json']]) {
        const r = await run(`${method} ${path}`, {method, path}, {expectStatus: 405});
        if (r.res)
            check(r.res.headers.allow === 'GET, HEAD, OPTIONS', `${method} ${path} Allow`,
                String(r.res.headers.allow));
    }

    // 304 with the ETag of an earlier response; ETags are stable.
    for (const path of [L, `${L}?limit=2&offset=1`, D, '/openapi.json']) {
        const first = await request({path});
        const again = await request({path});
        check(first.headers.etag && first.headers.etag === again.headers.etag &&
            first.body.equals(again.body), `GET ${path} same body and ETag twice`,
        `${first.headers.etag} vs ${again.headers.etag}`);
        await run(`GET ${path} If-None-Match`, {path, headers: {'If-None-Match': first.headers.etag}},
            {expectStatus: 304});
        await run(`HEAD ${path} If-None-Match`,
            {method: 'HEAD', path, headers: {'If-None-Match': first.headers.etag}}, {expectStatus: 304});
    }
    const gz = await request({path: D, headers: {'Accept-Encoding': 'gzip'}});
    const plain = await request({path: D});
    check(gz.gzip && gz.body.equals(plain.body), `GET ${D} gzip decodes to the identity body`,
        `content-encoding ${gz.headers['content-encoding']}`);
    if (gz.headers.etag)
        await run(`GET ${D} If-None-Match (gzip ETag, no Accept-Encoding)`,
            {path: D, headers: {'If-None-Match': gz.headers.etag}}, {expectStatus: 304});
    await run(`GET ${D} If-None-Match: "nope"`, {path: D, headers: {'If-None-Match': '"nope"'}},
        {expectStatus: 200});

    // OPTIONS (CORS preflight) on every path.
    for (const path of [H, '/openapi.json', L, D]) {
        await run(`OPTIONS ${path}`, {method: 'OPTIONS', path, headers: {
            Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET',
            'Access-Control-Request-Headers': 'if-none-match'}}, {expectStatus: 204});
    }

    // Oversized input.
    const longPath = `${L}?_pad=${'a'.repeat(20000 - L.length - 6)}`;
    await run(`GET ${L}?_pad=… (20 000-byte URI)`, {path: longPath}, {expectStatus: 414});
    await run(`GET ${L}?_pad=… (20 000-byte URI, unknown path)`,
        {path: `/nope?_pad=${'a'.repeat(19990)}`}, {expectStatus: 414});
    await run(`GET ${L} with a 20 000-byte header`,
        {path: L, headers: {'X-Padding': 'a'.repeat(20000)}}, {expectStatus: 431});
    await run(`GET ${L} with a body`, {path: L, body: '{"q":"x"}',
        headers: {'Content-Type': 'application/json'}}, {expectStatus: 413});
    // The wrong method and a body: either problem may be reported first.
    await run(`POST ${L} with a body`, {method: 'POST', path: L, body: 'x=1',
        headers: {'Content-Type': 'application/x-www-form-urlencoded'}}, {expectStatus: [405, 413]});
    await run(`OPTIONS ${L} with a body`, {method: 'OPTIONS', path: L, body: 'x',
        headers: {'Content-Type': 'text/plain'}}, {expectStatus: 413});

    await timelineScenarios(all.map(d => d.id));
    await entityScenarios(all.map(d => d.id));
    await projectScenarios(all.map(d => d.id));
    await statisticScenarios(all.map(d => d.id));
    await searchScenarios(all);
}

// --- Timeline and entities ---------------------------------------------------

const texts = new Map();

// The text of a document (fetched once).
async function docText(id) {
    if (!texts.has(id)) {
        const r = await request({path: `/api/v1/documents/${encodeURIComponent(id)}`});
        texts.set(id, r.status === 200 ? JSON.parse(r.body.toString('utf8')).text : null);
    }
    return texts.get(id);
}

// Problems with a span object (a source or a mention): its byte and code
// point offsets must both slice the document text to its quote.
async function spanProblems(what, s) {
    const text = await docText(s.document_id);
    if (text == null)
        return [`${what}: document ${s.document_id} not found`];
    const out = [];
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.subarray(s.start, s.end).toString('utf8') !== s.quote)
        out.push(`${what}: bytes ${s.start}-${s.end} of ${s.document_id} are not the quote`);
    if ([...text].slice(s.char_start, s.char_end).join('') !== s.quote)
        out.push(`${what}: code points ${s.char_start}-${s.char_end} of ${s.document_id} are not the quote`);
    return out;
}

// The first day a date covers, as YYYY-MM-DD: events are ordered by it (and
// then by precision, finer first, so `2025-10-01` comes before `2025-10`).
const dateKey = d => (d.start + '-01-01').slice(0, 10);

async function timelineScenarios(docIds) {
    const T = '/api/v1/timeline';

    const all = await run(`GET ${T}?limit=100`, {path: `${T}?limit=100`}, {expectStatus: 200});
    const events = all.json && Array.isArray(all.json.items) ? all.json.items : [];
    if (all.json) {
        check(events.length > 0 && all.json.total === events.length,
            `GET ${T}?limit=100 has events, all on one page`, `total ${all.json.total}, ${events.length} items`);
        const starts = events.map(e => dateKey(e.date));
        const bad = starts.findIndex((s, i) => i > 0 && starts[i - 1] > s);
        check(bad < 0, `GET ${T} in date order`, bad < 0 ? '' : `${starts[bad - 1]} before ${starts[bad]}`);
        const problems = [];
        for (const e of events)
            for (const [i, s] of e.sources.entries())
                problems.push(...await spanProblems(`event ${e.id} source ${i}`, s));
        check(problems.length === 0, `GET ${T} every source's offsets slice its quote`,
            problems.slice(0, 5).join('; '));
        const ids = events.map(e => e.id);
        check(new Set(ids).size === ids.length, `GET ${T} ids are unique`);
    }

    const dflt = await run(`GET ${T}`, {path: T}, {expectStatus: 200});
    if (dflt.json)
        check(dflt.json.limit === 20 && dflt.json.offset === 0 &&
            isDeepStrictEqual(dflt.json.items, events.slice(0, 20)),
        `GET ${T} defaults: limit 20, offset 0, the first 20 events`);
    const page = await run(`GET ${T}?limit=3&offset=2`, {path: `${T}?limit=3&offset=2`}, {expectStatus: 200});
    if (page.json)
        check(isDeepStrictEqual(page.json.items, events.slice(2, 5)),
            `GET ${T}?limit=3&offset=2 is items 2-4 of the full list`);
    const desc = await run(`GET ${T}?order=desc&limit=100`, {path: `${T}?order=desc&limit=100`},
        {expectStatus: 200});
    if (desc.json)
        check(isDeepStrictEqual(desc.json.items.map(e => e.id), events.map(e => e.id).reverse()),
            `GET ${T}?order=desc is the asc list reversed`);

    // Filters: each answer validates and holds what the filter says.
    const filtered = async (query, ok, what) => {
        const r = await run(`GET ${T}?${query}`, {path: `${T}?${query}`}, {expectStatus: 200});
        if (r.json && Array.isArray(r.json.items)) {
            const bad = r.json.items.filter(e => !ok(e));
            check(bad.length === 0, `GET ${T}?${query} ${what}`, bad.map(e => e.id).slice(0, 5).join(' '));
        }
        return r.json;
    };
    const overlaps = (e, lo, hi) => {
        const end = e.date.end;
        // Compare as prefixes: a range [start, end] at any precision
        // overlaps [lo, hi] (days) unless it ends before lo or starts after hi.
        return !(end < lo.slice(0, end.length)) && !(e.date.start > hi.slice(0, e.date.start.length));
    };
    const april = await filtered('from=2025-04&to=2025-04&limit=100',
        e => overlaps(e, '2025-04-01', '2025-04-30'), 'overlap April 2025');
    if (april)
        check(april.items.some(e => /ishiba/i.test(e.title + e.sources.map(s => s.quote).join(' ')) &&
            e.date.start.startsWith('2025-04')), `GET ${T}?from=2025-04&to=2025-04 has the Ishiba visit`);
    await filtered('from=2025&limit=100', e => e.date.end >= '2025', 'end in or after 2025');
    await filtered('to=2024-12-31&limit=100', e => e.date.start <= '2024-12-31', 'start by 2024-12-31');
    await filtered('from=2023-11-01&to=2025-12', e => overlaps(e, '2023-11-01', '2025-12-31'),
        'overlap 2023-11-01..2025-12');
    await filtered('type=visit&limit=100', e => e.type === 'visit', 'only visits');
    await filtered('type=visit,meeting,agreement&limit=100',
        e => ['visit', 'meeting', 'agreement'].includes(e.type), 'only visits, meetings, agreements');
    const fold = s => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D')
        .toLowerCase();
    const holds = (e, w) => fold(e.title).includes(fold(w)) || e.sources.some(s => fold(s.quote).includes(fold(w)));
    const ish = await filtered('q=ishiba&limit=100', e => holds(e, 'ishiba'), 'title or quote holds ishiba');
    if (ish)
        check(ish.total > 0, `GET ${T}?q=ishiba finds events`);
    await filtered(`q=${encodeURIComponent('Nhật Bản')}&limit=100`, e => holds(e, 'nhat ban'),
        'title or quote holds Nhật Bản');
    await filtered('q=nhat%20ban&limit=5', e => holds(e, 'nhat ban'), 'accent-insensitive');
    await filtered(`document=${docIds[1]}&limit=100`, e => e.sources.some(s => s.document_id === docIds[1]),
        `reported by ${docIds[1]}`);
    await filtered('actor=ishiba&limit=100',
        e => e.actors.some(a => fold(a.name).includes('ishiba')), 'has actor Ishiba');
    await filtered('planned=true&limit=100', e => e.planned === true, 'only planned');
    await filtered('planned=false&limit=100', e => e.planned === false, 'only not planned');
    await filtered('format=json&limit=2', () => true, 'format=json');
    await filtered('type=forum&order=desc&from=2020&to=2030&q=di%E1%BB%85n%20%C4%91%C3%A0n&limit=10',
        e => e.type === 'forum', 'combined filters');
    const actorIds = [...new Set(events.flatMap(e => e.actors.map(a => a.id)))];
    if (actorIds.length)
        await filtered(`actor=${actorIds[0]}&limit=100`, e => e.actors.some(a => a.id === actorIds[0]),
            `has actor ${actorIds[0]}`);
    const placeIds = [...new Set(events.flatMap(e => e.places.map(a => a.id)))];
    if (placeIds.length)
        await filtered(`place=${placeIds[0]}&limit=100`, e => e.places.some(a => a.id === placeIds[0]),
            `has place ${placeIds[0]}`);
    else
        await filtered('place=ha%20noi&limit=100', () => true, 'place by words');

    // TimelineJS.
    const tl = await run(`GET ${T}?format=timelinejs&limit=100`, {path: `${T}?format=timelinejs&limit=100`},
        {expectStatus: 200});
    if (tl.json) {
        const ev = tl.json.events || [];
        check(ev.length === events.length &&
            ev.every((t, i) => t.unique_id === events[i].id && t.text.headline === events[i].title &&
                t.group === events[i].type && t.start_date.year === Number(events[i].date.start.slice(0, 4))),
        `GET ${T}?format=timelinejs is the same events`);
    }
    await run(`GET ${T}?format=timelinejs&type=visit&order=desc&limit=2&offset=1`,
        {path: `${T}?format=timelinejs&type=visit&order=desc&limit=2&offset=1`}, {expectStatus: 200});
    await run(`HEAD ${T}?format=timelinejs`, {method: 'HEAD', path: `${T}?format=timelinejs`}, {expectStatus: 200});

    // 400s naming the parameter.
    for (const [qs, param] of [
        ['from=2025-13', 'from'], ['to=2025-02-30', 'to'], ['from=25', 'from'], ['from=2025-4', 'from'],
        ['from=2025-05&to=2025-04', 'from'], ['type=bogus', 'type'], ['type=visit,bogus', 'type'],
        ['type=', 'type'], ['order=sideways', 'order'], ['format=xml', 'format'], ['planned=maybe', 'planned'],
        ['document=nope', 'document'], ['q=', 'q'], ['actor=', 'actor'], ['place=', 'place'],
        ['limit=0', 'limit'], ['offset=-1', 'offset'], ['when=2025', 'when'], ['q=a&q=b', 'q'],
    ]) {
        const r = await run(`GET ${T}?${qs}`, {path: `${T}?${qs}`}, {expectStatus: 400});
        if (r.json)
            check(r.json.parameter === param && r.json.instance === T, `GET ${T}?${qs} problem names ${param}`,
                JSON.stringify(r.json));
    }

    // One event.
    const id = events.length ? events[0].id : 'none';
    const E = `${T}/${encodeURIComponent(id)}`;
    const one = await run(`GET ${E}`, {path: E}, {expectStatus: 200});
    if (one.json)
        check(isDeepStrictEqual(one.json, events[0]), `GET ${E} equals its list item`);
    for (const e of events.slice(1)) {
        const p = `${T}/${encodeURIComponent(e.id)}`;
        const r = await request({path: p});
        if (r.status !== 200 || !isDeepStrictEqual(JSON.parse(r.body.toString('utf8')), e)) {
            check(false, `GET ${p} equals its list item`, `status ${r.status}`);
            break;
        }
    }
    await run(`HEAD ${E}`, {method: 'HEAD', path: E}, {expectStatus: 200});
    await run(`GET ${E}?full=1 (unknown parameter)`, {path: `${E}?full=1`}, {expectStatus: 400});
    const nf = await run(`GET ${T}/no-such-event`, {path: `${T}/no-such-event`}, {expectStatus: 404});
    if (nf.json)
        check(nf.json.type === 'urn:vjcorpus:problem:not-found', `GET ${T}/no-such-event type not-found`);
    await run(`HEAD ${T}/no-such-event`, {method: 'HEAD', path: `${T}/no-such-event`}, {expectStatus: 404});
    await run(`GET ${E}/extra`, {path: `${E}/extra`}, {expectStatus: 404});
    await run(`POST ${T}`, {method: 'POST', path: T}, {expectStatus: 405});
    await run(`DELETE ${E}`, {method: 'DELETE', path: E}, {expectStatus: 405});

    await cachingAndPreflight([`${T}?from=2025&type=visit`, `${T}?format=timelinejs&limit=3`, E]);
}

async function entityScenarios(docIds) {
    const N = '/api/v1/entities';
    const all = await run(`GET ${N}?limit=100`, {path: `${N}?limit=100`}, {expectStatus: 200});
    const items = all.json && Array.isArray(all.json.items) ? all.json.items : [];
    if (all.json) {
        check(items.length > 0, `GET ${N}?limit=100 has entities`, `total ${all.json.total}`);
        const counts = items.map(e => e.mention_count);
        check(counts.every((c, i) => i === 0 || counts[i - 1] >= c), `GET ${N} most mentioned first`,
            counts.join(' '));
        const problems = [];
        for (const e of items) {
            if (e.mentions.length !== Math.min(5, e.mention_count))
                problems.push(`${e.id}: ${e.mentions.length} mentions listed of ${e.mention_count}`);
            for (const [i, m] of e.mentions.entries())
                problems.push(...await spanProblems(`entity ${e.id} mention ${i}`, m));
        }
        check(problems.length === 0, `GET ${N} mentions: at most 5, offsets slice the quote`,
            problems.slice(0, 5).join('; '));
    }
    await run(`GET ${N}`, {path: N}, {expectStatus: 200});
    const filtered = async (query, ok, what) => {
        const r = await run(`GET ${N}?${query}`, {path: `${N}?${query}`}, {expectStatus: 200});
        if (r.json && Array.isArray(r.json.items)) {
            const bad = r.json.items.filter(e => !ok(e));
            check(bad.length === 0, `GET ${N}?${query} ${what}`, bad.map(e => e.id).slice(0, 5).join(' '));
        }
        return r.json;
    };
    for (const type of ['person', 'organization', 'place'])
        await filtered(`type=${type}&limit=100`, e => e.type === type, `only ${type}`);
    const pmc = await filtered('q=pham%20minh%20chinh', () => true, 'validates');
    if (pmc)
        check(pmc.items.some(e => e.name === 'Phạm Minh Chính'), `GET ${N}?q=pham minh chinh finds Phạm Minh Chính`,
            pmc.items.map(e => e.name).join(', '));
    await filtered(`document=${docIds[0]}&limit=100`, () => true, 'validates');
    const byName = await filtered('sort=name&limit=100', () => true, 'validates');
    if (byName) {
        const names = byName.items.map(e => e.name);
        check(names.every((n, i) => i === 0 || Buffer.compare(Buffer.from(names[i - 1]), Buffer.from(n)) <= 0),
            `GET ${N}?sort=name by name (bytes)`, names.join(', '));
    }
    await filtered('sort=mentions&type=person&limit=3&offset=1', e => e.type === 'person', 'only person');
    for (const [qs, param] of [['type=city', 'type'], ['sort=size', 'sort'], ['q=', 'q'],
        ['document=nope', 'document'], ['limit=101', 'limit'], ['role=x', 'role']]) {
        const r = await run(`GET ${N}?${qs}`, {path: `${N}?${qs}`}, {expectStatus: 400});
        if (r.json)
            check(r.json.parameter === param && r.json.instance === N, `GET ${N}?${qs} problem names ${param}`,
                JSON.stringify(r.json));
    }
    const id = items.length ? items[0].id : 'none';
    const E = `${N}/${id}`;
    const one = await run(`GET ${E}`, {path: E}, {expectStatus: 200});
    if (one.json) {
        const problems = [];
        if (one.json.mentions.length !== one.json.mention_count)
            problems.push(`${one.json.mentions.length} mentions of ${one.json.mention_count}`);
        for (const [i, m] of one.json.mentions.entries())
            problems.push(...await spanProblems(`mention ${i}`, m));
        check(problems.length === 0, `GET ${E} every mention, offsets slice the quote`,
            problems.slice(0, 5).join('; '));
        const {events: _e, mentions: _m, ...rest} = one.json;
        const {mentions: _m2, ...listed} = items[0];
        check(isDeepStrictEqual(rest, listed), `GET ${E} agrees with its list item`);
    }
    for (const e of items.slice(1)) {
        const r = await run(`GET ${N}/${e.id}`, {path: `${N}/${e.id}`}, {expectStatus: 200});
        if (!r.json)
            break;
    }
    await run(`HEAD ${E}`, {method: 'HEAD', path: E}, {expectStatus: 200});
    await run(`GET ${E}?full=1 (unknown parameter)`, {path: `${E}?full=1`}, {expectStatus: 400});
    await run(`GET ${N}/no-such-entity`, {path: `${N}/no-such-entity`}, {expectStatus: 404});
    await run(`HEAD ${N}/no-such-entity`, {method: 'HEAD', path: `${N}/no-such-entity`}, {expectStatus: 404});
    await run(`PUT ${N}`, {method: 'PUT', path: N}, {expectStatus: 405});
    await cachingAndPreflight([`${N}?type=person`, E]);
}

// --- Projects ------------------------------------------------------------------

const foldText = s => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D')
    .toLowerCase();

async function projectScenarios(docIds) {
    const PR = '/api/v1/projects';
    const all = await run(`GET ${PR}?limit=100`, {path: `${PR}?limit=100`}, {expectStatus: 200});
    const items = all.json && Array.isArray(all.json.items) ? [...all.json.items] : [];
    for (let off = 100; all.json && off < all.json.total; off += 100) {
        const p = `${PR}?limit=100&offset=${off}`;
        const r = await run(`GET ${p}`, {path: p}, {expectStatus: 200});
        if (!r.json)
            break;
        items.push(...r.json.items);
    }
    if (all.json) {
        check(items.length > 0 && items.length === all.json.total, `GET ${PR} has projects, all of them paged`,
            `total ${all.json.total}, ${items.length} items`);
        const ids = items.map(p => p.id);
        check(new Set(ids).size === ids.length, `GET ${PR} ids are unique`);
        const problems = [];
        for (const p of items) {
            if (p.mention_count !== p.mentions.length)
                problems.push(`${p.id}: mention_count ${p.mention_count}, ${p.mentions.length} mentions`);
            if (p.history.length === 0 ? p.status !== 'unknown' : !p.history.some(h => h.status === p.status))
                problems.push(`${p.id}: status ${p.status} but history ${p.history.map(h => h.status).join(',')}`);
            for (const [i, m] of p.mentions.entries())
                problems.push(...await spanProblems(`project ${p.id} mention ${i}`, m));
            for (const [i, h] of p.history.entries())
                problems.push(...await spanProblems(`project ${p.id} history ${i} source`, h.source));
        }
        check(problems.length === 0,
            `GET ${PR} mention counts, statuses, mention and history offsets slice their quotes`,
            problems.slice(0, 5).join('; '));
    }

    const dflt = await run(`GET ${PR}`, {path: PR}, {expectStatus: 200});
    if (dflt.json)
        check(dflt.json.limit === 20 && dflt.json.offset === 0 && isDeepStrictEqual(dflt.json.items, items.slice(0, 20)),
            `GET ${PR} defaults: limit 20, offset 0, the first 20 projects`);
    const page = await run(`GET ${PR}?limit=2&offset=1`, {path: `${PR}?limit=2&offset=1`}, {expectStatus: 200});
    if (page.json) {
        check(isDeepStrictEqual(page.json.items, items.slice(1, 3)), `GET ${PR}?limit=2&offset=1 is items 1-2`);
        if (items.length > 3)
            check(/rel="next"/.test(page.res.headers.link || ''), `GET ${PR}?limit=2&offset=1 Link has next`,
                page.res.headers.link);
    }

    // Filters: each answer validates, holds what the filter says and, where
    // the list can tell, is exactly the matching items of the full list.
    const filtered = async (query, ok, what, exact = true) => {
        const p = `${PR}?${query}&limit=100`;
        const r = await run(`GET ${p}`, {path: p}, {expectStatus: 200});
        if (r.json && Array.isArray(r.json.items)) {
            const bad = r.json.items.filter(x => !ok(x));
            const want = items.filter(ok).length;
            check(bad.length === 0 && (!exact || r.json.total === want), `GET ${p} ${what}`,
                `${bad.map(x => x.id).slice(0, 5).join(' ')} total ${r.json.total}, expected ${want}`);
        }
        return r.json;
    };
    const names = x => [x.name, ...x.aliases].map(foldText);
    for (const v of ['transport', 'energy', 'environment', 'urban', 'education', 'health', 'space',
        'agriculture', 'digital', 'industry', 'other'])
        await filtered(`sector=${v}`, x => x.sector === v, `only sector ${v}`);
    for (const v of ['proposed', 'planned', 'under_construction', 'completed', 'operational', 'unknown'])
        await filtered(`status=${v}`, x => x.status === v, `only status ${v}`);
    for (const v of ['oda_loan', 'grant', 'fdi', 'jbic', 'private', 'unknown'])
        await filtered(`funding=${v}`, x => x.funding === v, `only funding ${v}`);
    const metro = await filtered('q=metro', x => names(x).some(n => n.includes('metro')), 'name or alias holds metro');
    const vp1 = await filtered(`q=${encodeURIComponent('Vân Phong')}`, x => names(x).some(n => n.includes('van phong')),
        'name or alias holds Vân Phong');
    const vp2 = await filtered('q=VAN%20PHONG', x => names(x).some(n => n.includes('van phong')), 'accent-insensitive');
    if (vp1 && vp2)
        check(vp1.total > 0 && isDeepStrictEqual(vp1.items, vp2.items), `GET ${PR}?q=Vân Phong = q=VAN PHONG, not empty`);
    if (metro)
        check(metro.total > 0, `GET ${PR}?q=metro finds a metro line`);
    for (const d of docIds)
        await filtered(`document=${d}`, x => x.mentions.some(m => m.document_id === d), `mentioned in ${d}`);
    const locIds = [...new Set(items.filter(x => x.location).map(x => x.location.id))];
    for (const id of locIds.slice(0, 3))
        await filtered(`location=${id}`, x => x.location && x.location.id === id, `at ${id}`);
    await filtered('location=ha%20noi', x => x.location != null, 'has a location', false);
    const partnerIds = [...new Set(items.flatMap(x => x.partners.map(e => e.id)))];
    for (const id of partnerIds.slice(0, 3))
        await filtered(`partner=${id}`, x => x.partners.some(e => e.id === id), `with partner ${id}`);
    await filtered('partner=jbic', x => x.partners.length > 0, 'has a partner', false);
    const combined = await filtered(`sector=energy&status=proposed&q=lng&document=${docIds[1]}&offset=0`,
        x => x.sector === 'energy' && x.status === 'proposed' && names(x).some(n => n.includes('lng')) &&
            x.mentions.some(m => m.document_id === docIds[1]), 'combined filters');
    if (combined)
        check(combined.total > 0, `GET ${PR}?sector=energy&status=proposed&q=lng&document=… finds the pilot LNG projects`);
    await filtered('_=1', () => true, 'underscore ignored');

    // 400s naming the parameter.
    for (const [qs, param] of [
        ['sector=bogus', 'sector'], ['sector=', 'sector'], ['sector=Energy', 'sector'],
        ['status=bogus', 'status'], ['status=under%20construction', 'status'], ['funding=bogus', 'funding'],
        ['funding=ODA', 'funding'], ['document=nope', 'document'], ['q=', 'q'], ['location=', 'location'],
        ['partner=', 'partner'], ['limit=0', 'limit'], ['limit=101', 'limit'], ['offset=-1', 'offset'],
        ['type=visit', 'type'], ['q=a&q=b', 'q'],
    ]) {
        const r = await run(`GET ${PR}?${qs}`, {path: `${PR}?${qs}`}, {expectStatus: 400});
        if (r.json)
            check(r.json.parameter === param && r.json.instance === PR, `GET ${PR}?${qs} problem names ${param}`,
                JSON.stringify(r.json));
    }

    // Timeline events link to existing projects; details list exactly them.
    const tl = await request({path: '/api/v1/timeline?limit=100'});
    const events = tl.status === 200 ? JSON.parse(tl.body.toString('utf8')).items : [];
    const known = new Set(items.map(x => x.id));
    const dangling = events.filter(e => e.project_id != null && !known.has(e.project_id));
    check(dangling.length === 0, 'timeline project_id values name listed projects',
        dangling.map(e => `${e.id} -> ${e.project_id}`).slice(0, 5).join('; '));

    // One project.
    const id = items.length ? items[0].id : 'none';
    const E = `${PR}/${id}`;
    const detailProblems = [];
    for (const [i, x] of items.entries()) {
        const p = `${PR}/${encodeURIComponent(x.id)}`;
        const r = i === 0 ? await run(`GET ${p}`, {path: p}, {expectStatus: 200}) : {json: null};
        let json = r.json;
        if (i > 0) {
            const raw = await request({path: p});
            json = raw.status === 200 ? JSON.parse(raw.body.toString('utf8')) : null;
            if (!json) {
                detailProblems.push(`${p}: ${raw.status}`);
                continue;
            }
        }
        if (!json)
            continue;
        const {events: evs, ...rest} = json;
        if (!isDeepStrictEqual(rest, x))
            detailProblems.push(`${p} differs from its list item`);
        const want = events.filter(e => e.project_id === x.id).map(e => e.id);
        if (!isDeepStrictEqual((evs || []).map(e => e.id), want))
            detailProblems.push(`${p} events ${(evs || []).map(e => e.id).join(',')} but timeline ${want.join(',')}`);
        for (const e of evs || []) {
            const te = events.find(t => t.id === e.id);
            if (te && !(te.title === e.title && te.type === e.type && isDeepStrictEqual(te.date, e.date)))
                detailProblems.push(`${p} event ${e.id} differs from the timeline's`);
        }
    }
    check(detailProblems.length === 0, `GET ${PR}/{id} for every project: list item plus its timeline events`,
        detailProblems.slice(0, 5).join('; '));
    await run(`HEAD ${E}`, {method: 'HEAD', path: E}, {expectStatus: 200});
    await run(`GET ${E}?full=1 (unknown parameter)`, {path: `${E}?full=1`}, {expectStatus: 400});
    const nf = await run(`GET ${PR}/no-such-project`, {path: `${PR}/no-such-project`}, {expectStatus: 404});
    if (nf.json)
        check(nf.json.type === 'urn:vjcorpus:problem:not-found', `GET ${PR}/no-such-project type not-found`);
    await run(`HEAD ${PR}/no-such-project`, {method: 'HEAD', path: `${PR}/no-such-project`}, {expectStatus: 404});
    await run(`GET ${E}/extra`, {path: `${E}/extra`}, {expectStatus: 404});
    await run(`HEAD ${PR}?sector=bogus`, {method: 'HEAD', path: `${PR}?sector=bogus`}, {expectStatus: 400});
    await run(`POST ${PR}`, {method: 'POST', path: PR}, {expectStatus: 405});
    await run(`DELETE ${E}`, {method: 'DELETE', path: E}, {expectStatus: 405});
    await cachingAndPreflight([PR, `${PR}?sector=energy&limit=5`, E]);
}

// --- Statistics and corpus figures -------------------------------------------------

const sentenceCache = new Map();

// The sentences of a document as [{start, end, text}] (byte offsets).
async function docSentences(id) {
    if (!sentenceCache.has(id)) {
        const r = await request({path: `/api/v1/documents/${encodeURIComponent(id)}`});
        let out = null;
        if (r.status === 200) {
            const d = JSON.parse(r.body.toString('utf8'));
            const bytes = Buffer.from(d.text, 'utf8');
            out = d.paragraphs.flatMap(p => p.sentences.map(s =>
                ({start: s.start, end: s.end, text: bytes.subarray(s.start, s.end).toString('utf8')})));
        }
        sentenceCache.set(id, out);
    }
    return sentenceCache.get(id);
}

const METRICS = ['trade', 'export', 'import', 'investment', 'oda', 'loan', 'visitors', 'residents', 'workers',
    'trainees', 'students', 'companies', 'projects', 'localities', 'infrastructure', 'target', 'other'];
const UNITS = ['USD', 'EUR', 'JPY', 'VND', '%', 'km', 'person', 'company', 'project', 'locality', 'other'];

// Does a period (an EventDate) overlap [lo, hi] (days)? Compared as prefixes,
// as the timeline's dates are.
const periodOverlaps = (p, lo, hi) => p != null &&
    !(p.end < lo.slice(0, p.end.length)) && !(p.start > hi.slice(0, p.start.length));

// Problems with an order by period: dated facts by the first day of their
// period (descending when desc), undated ones last.
function periodOrderProblems(list, desc) {
    const firstUndated = list.findIndex(s => s.period == null);
    if (firstUndated >= 0 && list.slice(firstUndated).some(s => s.period != null))
        return ['a dated fact after an undated one'];
    const keys = list.filter(s => s.period != null).map(s => dateKey(s.period));
    const bad = keys.findIndex((k, i) => i > 0 && (desc ? keys[i - 1] < k : keys[i - 1] > k));
    return bad < 0 ? [] : [`${keys[bad - 1]} before ${keys[bad]}`];
}

async function statisticScenarios(docIds) {
    const ST = '/api/v1/statistics';
    const first = await run(`GET ${ST}?limit=100`, {path: `${ST}?limit=100`}, {expectStatus: 200});
    const items = first.json && Array.isArray(first.json.items) ? [...first.json.items] : [];
    for (let off = 100; first.json && off < first.json.total; off += 100) {
        const p = `${ST}?limit=100&offset=${off}`;
        const r = await run(`GET ${p}`, {path: p}, {expectStatus: 200});
        if (!r.json)
            break;
        items.push(...r.json.items);
    }
    const byId = new Map(items.map(s => [s.id, s]));
    const pos = new Map(items.map((s, i) => [s.id, i]));
    if (first.json) {
        check(items.length > 0 && items.length === first.json.total, `GET ${ST} has statistics, all of them paged`,
            `total ${first.json.total}, ${items.length} items`);
        check(byId.size === items.length, `GET ${ST} ids are unique`);
        const order = items.map(s => [docIds.indexOf(s.source.document_id), s.source.start]);
        const bad = order.findIndex((o, i) => i > 0 &&
            (order[i - 1][0] > o[0] || (order[i - 1][0] === o[0] && order[i - 1][1] > o[1])));
        check(bad < 0, `GET ${ST} in corpus order (document, offset)`, bad < 0 ? '' : `${items[bad - 1].id} before ${items[bad].id}`);
        const problems = [];
        for (const s of items) {
            problems.push(...await spanProblems(`statistic ${s.id} source`, s.source));
            const sents = await docSentences(s.source.document_id) || [];
            const sent = sents.find(x => x.start <= s.source.start && s.source.end <= x.end);
            if (!sent)
                problems.push(`${s.id}: no sentence holds its source span`);
            else if (sent.text !== s.text)
                problems.push(`${s.id}: text is not the sentence ${sent.start}-${sent.end} holding its source`);
            if (s.id !== `${s.source.document_id}-${s.source.start}`)
                problems.push(`${s.id}: id is not document id and source offset`);
        }
        check(problems.length === 0, `GET ${ST} sources slice their quotes; text is the sentence holding the source`,
            problems.slice(0, 5).join('; '));
        const links = [];
        for (const s of items) {
            if (s.kind === 'change' && s.unit !== '%')
                links.push(`${s.id}: a change in ${s.unit}`);
            if (s.change_of !== undefined) {
                const f = byId.get(s.change_of);
                if (s.kind !== 'change')
                    links.push(`${s.id}: change_of on a ${s.kind} fact`);
                if (!f)
                    links.push(`${s.id}: change_of ${s.change_of} is not listed`);
                else if (!f.change || f.change.id !== s.id)
                    links.push(`${s.id}: ${f.id}'s change does not point back`);
            }
            if (s.change != null) {
                const c = byId.get(s.change.id);
                if (!c)
                    links.push(`${s.id}: change ${s.change.id} is not listed`);
                else if (c.kind !== 'change' || c.change_of !== s.id || c.unit !== s.change.unit ||
                    Math.abs(s.change.value) !== c.value)
                    links.push(`${s.id}: change ${c.id} (${c.kind}, change_of ${c.change_of}, ${c.value} ${c.unit}) ` +
                        `disagrees with ${JSON.stringify(s.change)}`);
            }
            if (s.value_max !== undefined && !(s.value_max >= s.value))
                links.push(`${s.id}: value_max ${s.value_max} < value ${s.value}`);
            if (s.converted && s.converted.some(c => c.unit === s.unit))
                links.push(`${s.id}: converted into its own unit`);
        }
        check(links.length === 0, `GET ${ST} changes and figures point at each other; ranges and conversions sane`,
            links.slice(0, 5).join('; '));
    }

    const dflt = await run(`GET ${ST}`, {path: ST}, {expectStatus: 200});
    if (dflt.json)
        check(dflt.json.limit === 20 && dflt.json.offset === 0 && isDeepStrictEqual(dflt.json.items, items.slice(0, 20)),
            `GET ${ST} defaults: limit 20, offset 0, the first 20 facts`);
    const page = await run(`GET ${ST}?limit=3&offset=2`, {path: `${ST}?limit=3&offset=2`}, {expectStatus: 200});
    if (page.json) {
        check(isDeepStrictEqual(page.json.items, items.slice(2, 5)), `GET ${ST}?limit=3&offset=2 is items 2-4`);
        if (items.length > 5)
            check(/rel="next"/.test(page.res.headers.link || ''), `GET ${ST}?limit=3&offset=2 Link has next`,
                page.res.headers.link);
    }

    // Filters: exactly the matching items of the full list, in its order.
    const filtered = async (query, ok, what) => {
        const p = `${ST}?${query}&limit=100`;
        const r = await run(`GET ${p}`, {path: p}, {expectStatus: 200});
        if (r.json && Array.isArray(r.json.items)) {
            const want = items.filter(ok);
            const got = r.json.items;
            check(r.json.total === want.length && isDeepStrictEqual(got, want.slice(0, 100)), `GET ${p} ${what}`,
                `total ${r.json.total}, expected ${want.length}; unexpected ` +
                got.filter(x => !ok(x)).map(x => x.id).slice(0, 5).join(' '));
        }
        return r.json;
    };
    for (const m of METRICS)
        await filtered(`metric=${m}`, s => s.metric === m, `exactly the ${m} facts`);
    for (const u of UNITS)
        await filtered(`unit=${encodeURIComponent(u)}`, s => s.unit === u, `exactly the facts in ${u}`);
    for (const [qs, lo, hi] of [
        ['from=2025', '2025-01-01', '9999-12-31'], ['to=2024', '0000-01-01', '2024-12-31'],
        ['from=2022&to=2022', '2022-01-01', '2022-12-31'], ['from=2025-01&to=2025-10', '2025-01-01', '2025-10-31'],
        ['from=2025-11-01', '2025-11-01', '9999-12-31'], ['from=1900&to=2100', '1900-01-01', '2100-12-31'],
    ])
        await filtered(qs, s => periodOverlaps(s.period, lo, hi), `periods overlap ${lo}..${hi}, undated left out`);
    const fold = foldText;
    for (const [q, f] of [['kim%20ngach', 'kim ngach'], [encodeURIComponent('Nhật Bản'), 'nhat ban'],
        ['USD', 'usd'], [encodeURIComponent('thực tập sinh'), 'thuc tap sinh']])
        await filtered(`q=${q}`, s => fold(s.text).includes(f), `sentence holds ${f}`);
    for (const id of docIds)
        await filtered(`document=${id}`, s => s.source.document_id === id, `read in ${id}`);
    await filtered('sort=position&order=asc', () => true, 'sort=position&order=asc is the default order');
    await filtered(`metric=trade&unit=USD&from=2022&document=${docIds[0]}&q=ty`, s => s.metric === 'trade' &&
        s.unit === 'USD' && periodOverlaps(s.period, '2022-01-01', '9999-12-31') &&
        s.source.document_id === docIds[0] && fold(s.text).includes('ty'), 'combined filters');
    await filtered('_=1', () => true, 'underscore ignored');

    // Sorting.
    const sorted = async (query, want, what) => {
        const p = `${ST}?${query}&limit=100`;
        const r = await run(`GET ${p}`, {path: p}, {expectStatus: 200});
        if (r.json && Array.isArray(r.json.items)) {
            const problems = want(r.json.items);
            const same = isDeepStrictEqual(r.json.items.map(s => s.id).sort(), items.slice(0, 100).map(s => s.id).sort());
            check(problems.length === 0 && (items.length > 100 || same), `GET ${p} ${what}`,
                [...problems, same ? '' : 'not the same facts as the full list'].filter(Boolean).slice(0, 5).join('; '));
        }
        return r.json;
    };
    const valueOrder = (desc) => list => {
        const bad = list.findIndex((s, i) => i > 0 && (desc
            ? list[i - 1].value < s.value || (list[i - 1].value === s.value && pos.get(list[i - 1].id) < pos.get(s.id))
            : list[i - 1].value > s.value || (list[i - 1].value === s.value && pos.get(list[i - 1].id) > pos.get(s.id))));
        return bad < 0 ? [] : [`${list[bad - 1].id} (${list[bad - 1].value}) before ${list[bad].id} (${list[bad].value})`];
    };
    const va = await sorted('sort=value', valueOrder(false), 'by value, ties in corpus order');
    const vd = await sorted('sort=value&order=desc', valueOrder(true), 'largest value first');
    if (va && vd)
        check(isDeepStrictEqual(vd.items.map(s => s.id), va.items.map(s => s.id).reverse()),
            `GET ${ST}?sort=value&order=desc is sort=value reversed`);
    await sorted('sort=period', l => periodOrderProblems(l, false), 'by period, undated last');
    await sorted('sort=period&order=desc', l => periodOrderProblems(l, true), 'latest period first, undated last');
    const pdesc = await sorted('order=desc', () => [], 'validates');
    if (pdesc)
        check(isDeepStrictEqual(pdesc.items.map(s => s.id), items.map(s => s.id).reverse().slice(0, 100)),
            `GET ${ST}?order=desc is corpus order reversed`);
    const top3 = await run(`GET ${ST}?sort=value&order=desc&unit=USD&limit=3`,
        {path: `${ST}?sort=value&order=desc&unit=USD&limit=3`}, {expectStatus: 200});
    if (top3.json && vd)
        check(isDeepStrictEqual(top3.json.items, vd.items.filter(s => s.unit === 'USD').slice(0, 3)),
            `GET ${ST}?sort=value&order=desc&unit=USD&limit=3 is the three largest USD figures`);

    // Series.
    const grouped = async (query, ok, what) => {
        const p = `${ST}?group=metric${query ? `&${query}` : ''}&limit=100`;
        const r = await run(`GET ${p}`, {path: p}, {expectStatus: 200});
        if (r.json && Array.isArray(r.json.items)) {
            const want = items.filter(ok);
            const metrics = METRICS.filter(m => want.some(s => s.metric === m));
            const problems = [];
            if (r.json.total !== metrics.length)
                problems.push(`total ${r.json.total}, expected ${metrics.length} series`);
            if (!isDeepStrictEqual(r.json.items.map(g => g.metric), metrics))
                problems.push(`series ${r.json.items.map(g => g.metric).join(',')}, expected ${metrics.join(',')}`);
            for (const g of r.json.items) {
                if (g.count !== g.items.length)
                    problems.push(`${g.metric}: count ${g.count}, ${g.items.length} items`);
                const ids = g.items.map(s => s.id);
                const wantIds = want.filter(s => s.metric === g.metric).map(s => s.id);
                if (!isDeepStrictEqual([...ids].sort(), [...wantIds].sort()))
                    problems.push(`${g.metric}: not the facts of the flat list`);
                if (g.items.some(s => !isDeepStrictEqual(s, byId.get(s.id))))
                    problems.push(`${g.metric}: an item differs from the flat list's`);
                problems.push(...periodOrderProblems(g.items, false).map(x => `${g.metric}: ${x}`));
                // equal periods keep corpus order
                for (let i = 1; i < g.items.length; i++) {
                    const [a, b] = [g.items[i - 1], g.items[i]];
                    if (isDeepStrictEqual(a.period, b.period) && pos.get(a.id) > pos.get(b.id))
                        problems.push(`${g.metric}: ${a.id} before ${b.id} (same period)`);
                }
            }
            check(problems.length === 0, `GET ${p} ${what}`, problems.slice(0, 5).join('; '));
        }
        return r.json;
    };
    const series = await grouped('', () => true, 'one series per metric, each by period');
    await grouped('metric=trade', s => s.metric === 'trade', 'only the trade series');
    await grouped('unit=USD&from=2022', s => s.unit === 'USD' && periodOverlaps(s.period, '2022-01-01', '9999-12-31'),
        'USD facts from 2022 on');
    await grouped(`document=${docIds[0]}`, s => s.source.document_id === docIds[0], `facts of ${docIds[0]}`);
    await grouped('sort=value&order=desc', () => true, 'ignores sort and order');
    const none = await run(`GET ${ST}?group=metric&metric=loan&from=1800&to=1800`,
        {path: `${ST}?group=metric&metric=loan&from=1800&to=1800`}, {expectStatus: 200});
    if (none.json)
        check(none.json.total === 0 && none.json.items.length === 0, `GET ${ST}?group=metric&… nothing matches: empty`);
    if (series) {
        const p = `${ST}?group=metric&limit=2&offset=1`;
        const sp = await run(`GET ${p}`, {path: p}, {expectStatus: 200});
        if (sp.json)
            check(sp.json.total === series.total && isDeepStrictEqual(sp.json.items, series.items.slice(1, 3)),
                `GET ${p} is series 1-2`);
    }
    const gnone = await run(`GET ${ST}?group=none&limit=100`, {path: `${ST}?group=none&limit=100`}, {expectStatus: 200});
    if (gnone.json)
        check(isDeepStrictEqual(gnone.json.items, items.slice(0, 100)), `GET ${ST}?group=none is the flat list`);

    // 400s naming the parameter.
    for (const [qs, param] of [
        ['metric=bogus', 'metric'], ['metric=', 'metric'], ['metric=Trade', 'metric'], ['unit=bogus', 'unit'],
        ['unit=usd', 'unit'], ['unit=', 'unit'], ['sort=bogus', 'sort'], ['sort=date', 'sort'], ['order=up', 'order'],
        ['group=bogus', 'group'], ['group=unit', 'group'], ['from=2025-13', 'from'], ['to=2025-02-30', 'to'],
        ['from=25', 'from'], ['from=2025-05&to=2025-04', 'from'], ['document=nope', 'document'], ['q=', 'q'],
        ['limit=0', 'limit'], ['limit=101', 'limit'], ['offset=-1', 'offset'], ['kind=level', 'kind'],
        ['top=5', 'top'], ['metric=trade&metric=export', 'metric'],
    ]) {
        const r = await run(`GET ${ST}?${qs}`, {path: `${ST}?${qs}`}, {expectStatus: 400});
        if (r.json)
            check(r.json.parameter === param && r.json.instance === ST, `GET ${ST}?${qs} problem names ${param}`,
                JSON.stringify(r.json));
    }
    await run(`HEAD ${ST}`, {method: 'HEAD', path: ST}, {expectStatus: 200});
    await run(`HEAD ${ST}?group=metric`, {method: 'HEAD', path: `${ST}?group=metric`}, {expectStatus: 200});
    await run(`HEAD ${ST}?metric=bogus`, {method: 'HEAD', path: `${ST}?metric=bogus`}, {expectStatus: 400});
    await run(`GET ${ST}/x`, {path: `${ST}/x`}, {expectStatus: 404});
    await run(`POST ${ST}`, {method: 'POST', path: ST}, {expectStatus: 405});
    await run(`DELETE ${ST}`, {method: 'DELETE', path: ST}, {expectStatus: 405});
    await cachingAndPreflight([ST, `${ST}?group=metric`, `${ST}?metric=trade&sort=value&order=desc&limit=5`]);

    await statsScenarios(items);
}

async function statsScenarios(statistics) {
    const SS = '/api/v1/stats';
    const total = async path => {
        const r = await request({path});
        return r.status === 200 ? JSON.parse(r.body.toString('utf8')).total : NaN;
    };
    const s = await run(`GET ${SS}`, {path: SS}, {expectStatus: 200});
    if (s.json) {
        const j = s.json;
        check(j.top_terms.syllables.length === 20 && j.top_terms.words.length === 20, `GET ${SS} default top 20`,
            `${j.top_terms.syllables.length} syllables, ${j.top_terms.words.length} words`);
        const problems = [];
        const eq = (what, got, want) => {
            if (got !== want)
                problems.push(`${what}: ${got}, expected ${want}`);
        };
        eq('documents', j.documents, await total('/api/v1/documents?limit=1'));
        eq('counts.events', j.counts.events, await total('/api/v1/timeline?limit=1'));
        eq('counts.projects', j.counts.projects, await total('/api/v1/projects?limit=1'));
        eq('counts.entities', j.counts.entities, await total('/api/v1/entities?limit=1'));
        eq('counts.statistics', j.counts.statistics, statistics.length);
        for (const m of METRICS)
            eq(`statistics_by_metric.${m}`, j.per_type.statistics_by_metric[m] ?? 0,
                statistics.filter(x => x.metric === m).length);
        for (const [k, v] of Object.entries(j.per_type.events))
            eq(`per_type.events.${k}`, v, await total(`/api/v1/timeline?type=${k}&limit=1`));
        for (const [k, v] of Object.entries(j.per_type.projects_by_sector))
            eq(`projects_by_sector.${k}`, v, await total(`/api/v1/projects?sector=${k}&limit=1`));
        for (const [k, v] of Object.entries(j.per_type.projects_by_status))
            eq(`projects_by_status.${k}`, v, await total(`/api/v1/projects?status=${k}&limit=1`));
        for (const [k, v] of Object.entries(j.per_type.entities))
            eq(`per_type.entities.${k}`, v, await total(`/api/v1/entities?type=${k}&limit=1`));
        const sum = o => Object.values(o).reduce((a, b) => a + b, 0);
        eq('sum of per_year.documents', sum(j.per_year.documents), j.documents);
        eq('sum of per_year.events', sum(j.per_year.events), j.counts.events);
        eq('sum of per_type.events', sum(j.per_type.events), j.counts.events);
        eq('sum of statistics_by_metric', sum(j.per_type.statistics_by_metric), j.counts.statistics);
        const docs = await request({path: '/api/v1/documents?limit=100'});
        if (docs.status === 200) {
            const list = JSON.parse(docs.body.toString('utf8')).items;
            eq('words', j.words, list.reduce((a, d) => a + d.words, 0));
            eq('paragraphs', j.paragraphs, list.reduce((a, d) => a + d.paragraph_count, 0));
            let sentences = 0;
            for (const d of list)
                sentences += (await docSentences(d.id) || []).length;
            eq('sentences', j.sentences, sentences);
        }
        check(problems.length === 0, `GET ${SS} counts agree with the list totals`, problems.slice(0, 5).join('; '));
        const counts = l => l.map(t => t.count);
        const desc = l => counts(l).every((c, i, a) => i === 0 || a[i - 1] >= c);
        check(desc(j.top_terms.syllables) && desc(j.top_terms.words) &&
            j.top_terms.words.every(t => t.term.split(' ').length === 2),
        `GET ${SS} top terms most frequent first, words of two syllables`);
    }
    for (const [top, n] of [[1, 1], [5, 5], [100, 100]]) {
        const r = await run(`GET ${SS}?top=${top}`, {path: `${SS}?top=${top}`}, {expectStatus: 200});
        if (r.json && s.json) {
            const {top_terms: t, ...rest} = r.json;
            const {top_terms: t0, ...rest0} = s.json;
            check(t.syllables.length <= n && t.words.length <= n && (n > 20 || (t.syllables.length === n &&
                isDeepStrictEqual(t.syllables, t0.syllables.slice(0, n)) && isDeepStrictEqual(t.words, t0.words.slice(0, n)))) &&
                isDeepStrictEqual(rest, rest0),
            `GET ${SS}?top=${top}: at most ${n} terms of each kind, the same figures`,
            `${t.syllables.length} syllables, ${t.words.length} words`);
        }
    }
    for (const [qs, param] of [['top=0', 'top'], ['top=101', 'top'], ['top=x', 'top'], ['top=', 'top'],
        ['top=-1', 'top'], ['top=1&top=2', 'top'], ['limit=5', 'limit'], ['metric=trade', 'metric']]) {
        const r = await run(`GET ${SS}?${qs}`, {path: `${SS}?${qs}`}, {expectStatus: 400});
        if (r.json)
            check(r.json.parameter === param && r.json.instance === SS, `GET ${SS}?${qs} problem names ${param}`,
                JSON.stringify(r.json));
    }
    await run(`HEAD ${SS}`, {method: 'HEAD', path: SS}, {expectStatus: 200});
    await run(`HEAD ${SS}?top=0`, {method: 'HEAD', path: `${SS}?top=0`}, {expectStatus: 400});
    await run(`PUT ${SS}`, {method: 'PUT', path: SS}, {expectStatus: 405});
    await run(`GET ${SS}/x`, {path: `${SS}/x`}, {expectStatus: 404});
    await cachingAndPreflight([SS, `${SS}?top=5`]);
}

// --- Search and suggest -----------------------------------------------------------

const detailCache = new Map();

// The detail of a document (fetched once), or null.
async function docDetail(id) {
    if (!detailCache.has(id)) {
        const r = await request({path: `/api/v1/documents/${encodeURIComponent(id)}`});
        detailCache.set(id, r.status === 200 ? JSON.parse(r.body.toString('utf8')) : null);
    }
    return detailCache.get(id);
}

// Folded syllables as search reads them: case, tone marks and đ folded;
// split at anything not a letter or digit, and between letters and digits.
const syllables = s => foldText(s)
    .replace(/(\p{L})(\p{N})/gu, '$1 $2').replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u).filter(Boolean);
const unescapeHtml = s => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&amp;/g, '&');

function editDistanceAtMost1(a, b) {
    if (Math.abs(a.length - b.length) > 1)
        return false;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i])
        i++;
    return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
}

// Whether a folded syllable is one the query asks for: terms are
// {word, prefix, typo}.
const termMatches = (terms, s) => terms.some(t =>
    t.prefix ? s.startsWith(t.word) : s === t.word || (t.typo && t.word.length >= 5 && editDistanceAtMost1(s, t.word)));

// Problems with one search item: highlights slice the document text inside
// the item's paragraph, in order, to hits the query asks for; the snippet is
// escaped text of the paragraph with hits in <mark>; title and date agree
// with the document; `paragraphOk` (folded syllables of the paragraph) holds.
async function hitProblems(what, it, terms, summaries, paragraphOk) {
    const out = [];
    const d = await docDetail(it.document_id);
    if (!d)
        return [`${what}: document ${it.document_id} not found`];
    const s = summaries.get(it.document_id);
    if (!s || s.title !== it.document_title || !isDeepStrictEqual(s.published, it.published))
        out.push(`${what}: title or published disagree with the document`);
    const p = d.paragraphs[it.paragraph];
    if (!p)
        return [...out, `${what}: no paragraph ${it.paragraph}`];
    const bytes = Buffer.from(d.text, 'utf8');
    const cps = [...d.text];
    if (!Array.isArray(it.highlights) || it.highlights.length === 0)
        out.push(`${what}: no highlights`);
    let prev = p.start;
    for (const h of it.highlights || []) {
        const byBytes = bytes.subarray(h.start, h.end).toString('utf8');
        const byChars = cps.slice(h.char_start, h.char_end).join('');
        const syl = syllables(byBytes);
        if (h.start < prev || h.end > p.end || h.start >= h.end)
            out.push(`${what}: highlight ${h.start}-${h.end} out of order or outside paragraph ${p.start}-${p.end}`);
        else if (byBytes !== byChars)
            out.push(`${what}: highlight bytes ${h.start}-${h.end} and code points ${h.char_start}-${h.char_end} differ`);
        else if (syl.length === 0 || !syl.every(x => termMatches(terms, x)))
            out.push(`${what}: highlight ${JSON.stringify(byBytes)} is not a query term`);
        prev = h.end;
    }
    const sn = it.snippet;
    const bare = sn.replace(/<\/?mark>/g, '');
    if (/[<>"]/.test(bare) || /&(?!(amp|lt|gt|quot|#39);)/.test(bare))
        out.push(`${what}: snippet not HTML-escaped: ${JSON.stringify(sn.slice(0, 80))}`);
    const text = unescapeHtml(bare);
    if (!text.split('…').every(part => p.text.includes(part.trim())))
        out.push(`${what}: snippet is not text of paragraph ${it.paragraph}`);
    const marks = [...sn.matchAll(/<mark>(.*?)<\/mark>/g)].map(m => unescapeHtml(m[1]));
    if (marks.length === 0 || !marks.every(m => syllables(m).length && syllables(m).every(x => termMatches(terms, x))))
        out.push(`${what}: snippet marks ${JSON.stringify(marks.slice(0, 3))} are not all query terms`);
    if (paragraphOk && !paragraphOk(syllables(p.text)))
        out.push(`${what}: paragraph ${it.paragraph} does not satisfy the query`);
    return out;
}

const hasPhrase = (syl, ph) => syl.some((_, i) => ph.every((w, j) => syl[i + j] === w));

async function searchScenarios(docs) {
    const SE = '/api/v1/search';
    const SG = '/api/v1/suggest';
    const summaries = new Map(docs.map(d => [d.id, d]));
    const docIds = docs.map(d => d.id);
    const url = (params) => `${SE}?${new URLSearchParams(params).toString().replace(/\+/g, '%20')}`;
    const T = (word, opt = {}) => ({word: foldText(word), ...opt});

    // All pages of a query (limit=100).
    const everything = async (params) => {
        const first = await run(`GET ${url({...params, limit: 100})}`, {path: url({...params, limit: 100})},
            {expectStatus: 200});
        if (!first.json)
            return null;
        const items = [...first.json.items];
        for (let off = 100; off < first.json.total; off += 100) {
            const r = await run(`GET ${url({...params, limit: 100, offset: off})}`,
                {path: url({...params, limit: 100, offset: off})}, {expectStatus: 200});
            if (!r.json)
                return null;
            items.push(...r.json.items);
        }
        return {...first.json, items};
    };

    // One query form: every item checked, facets sum to total, order by
    // score then date.
    const form = async (what, params, terms, paragraphOk, {min = 1} = {}) => {
        const r = await everything(params);
        if (!r)
            return null;
        const label = `GET ${url(params)}`;
        check(r.query === params.q && r.total >= min && r.items.length === r.total,
            `${label} ${what}: ${min ? `at least ${min} hit` : 'any hits'}, all paged`,
            `query ${JSON.stringify(r.query)} total ${r.total}, ${r.items.length} items`);
        const problems = [];
        for (const [i, it] of r.items.entries())
            problems.push(...await hitProblems(`item ${i} (${it.document_id} ¶${it.paragraph})`, it, terms, summaries,
                paragraphOk));
        check(problems.length === 0, `${label} highlights slice the document text to query terms; snippets escaped`,
            problems.slice(0, 5).join('; '));
        const keys = r.items.map(it => `${it.document_id}/${it.paragraph}`);
        check(new Set(keys).size === keys.length, `${label} one item per paragraph`);
        const bad = r.items.findIndex((it, i) => i > 0 && (r.items[i - 1].score < it.score ||
            (r.items[i - 1].score === it.score && it.published && r.items[i - 1].published &&
                r.items[i - 1].published.slice(0, 10) < it.published.slice(0, 10))));
        check(bad < 0, `${label} by score, ties newest first`, bad < 0 ? '' : `item ${bad}`);
        const sum = o => Object.values(o).reduce((a, b) => a + b, 0);
        const perDoc = {};
        const perYear = {};
        for (const it of r.items) {
            perDoc[it.document_id] = (perDoc[it.document_id] || 0) + 1;
            const y = it.published ? String(Number(it.published.slice(0, 4))) : 'unknown';
            perYear[y] = (perYear[y] || 0) + 1;
        }
        check(sum(r.facets.document) === r.total && sum(r.facets.year) === r.total &&
            isDeepStrictEqual(r.facets.document, perDoc) && isDeepStrictEqual(r.facets.year, perYear),
        `${label} facets sum to total and count the items per document and year`,
        `${JSON.stringify(r.facets)} vs ${JSON.stringify({document: perDoc, year: perYear})}`);
        return r;
    };
    const pairs = r => r ? r.items.map(it => `${it.document_id}/${it.paragraph}`).sort() : null;

    // Query forms.
    const all = (...ws) => syl => ws.every(w => syl.includes(w));
    const plain = await form('all terms', {q: 'nhật bản'}, [T('nhật'), T('bản')], all('nhat', 'ban'));
    const folded = await form('folded', {q: 'ha noi'}, [T('ha'), T('noi')], all('ha', 'noi'));
    const accented = await form('accented', {q: 'Hà Nội'}, [T('hà'), T('nội')], all('ha', 'noi'));
    if (folded && accented)
        check(isDeepStrictEqual(pairs(folded), pairs(accented)), `GET ${SE}?q=ha noi finds what q=Hà Nội finds`);
    const nfd = await form('NFD input', {q: 'Hà Nội'.normalize('NFD')}, [T('hà'), T('nội')], all('ha', 'noi'));
    if (nfd && accented)
        check(isDeepStrictEqual(nfd.items, accented.items), `GET ${SE}?q=(NFD Hà Nội) answers as NFC`);
    const hoa1 = await form('old tone placement', {q: 'hoà bình'}, [T('hoà'), T('bình')], all('hoa', 'binh'));
    const hoa2 = await form('new tone placement', {q: 'hòa bình'}, [T('hòa'), T('bình')], all('hoa', 'binh'));
    if (hoa1 && hoa2)
        check(isDeepStrictEqual(hoa1.items, hoa2.items), `GET ${SE}?q=hoà bình = q=hòa bình`);
    const upper = await form('upper case', {q: 'NHẬT BẢN'}, [T('nhật'), T('bản')], all('nhat', 'ban'));
    if (plain && upper)
        check(isDeepStrictEqual(plain.items, upper.items), `GET ${SE}?q=NHẬT BẢN = q=nhật bản`);
    await form('folded hoi dam', {q: 'hoi dam'}, [T('hoi'), T('dam')], all('hoi', 'dam'));
    const phrase = await form('phrase', {q: '"Hà Nội"'}, [T('hà'), T('nội')], syl => hasPhrase(syl, ['ha', 'noi']));
    if (phrase && folded)
        check(pairs(phrase).every(k => pairs(folded).includes(k)), `GET ${SE}?q="Hà Nội" finds a subset of q=ha noi`);
    const excl = await form('exclusion', {q: 'nhật -metro'}, [T('nhật')], syl => syl.includes('nhat') && !syl.includes('metro'));
    const metro = await form('single term', {q: 'metro'}, [T('metro')], all('metro'));
    const lotus = await form('single term', {q: 'LOTUSat'}, [T('lotusat')], all('lotusat'));
    const or = await form('OR', {q: 'metro OR LOTUSat'}, [T('metro'), T('lotusat')],
        syl => syl.includes('metro') || syl.includes('lotusat'));
    if (or && metro && lotus)
        check(isDeepStrictEqual(pairs(or), [...new Set([...pairs(metro), ...pairs(lotus)])].sort()),
            `GET ${SE}?q=metro OR LOTUSat is the union of both`);
    if (excl) {
        const nhat = await everything({q: 'nhật'});
        if (nhat && metro)
            check(isDeepStrictEqual(pairs(excl), pairs(nhat).filter(k => !pairs(metro).includes(k))),
                `GET ${SE}?q=nhật -metro is q=nhật without q=metro`);
    }
    await form('prefix', {q: 'Taka*'}, [T('taka', {prefix: true})], syl => syl.some(s => s.startsWith('taka')));
    const typo = await form('typo tolerance', {q: 'Takachi'}, [T('takachi', {typo: true})], null);
    if (typo) {
        const d = typo.items.length ? await docDetail(typo.items[0].document_id) : null;
        const h = typo.items.length && typo.items[0].highlights[0];
        check(d && h && Buffer.from(d.text, 'utf8').subarray(h.start, h.end).toString('utf8') === 'Takaichi',
            `GET ${SE}?q=Takachi finds Takaichi`);
    }
    const dash = await form('hyphen read as phrase', {q: 'LOTUSat-1'}, [T('lotusat'), T('1')],
        syl => hasPhrase(syl, ['lotusat', '1']));
    if (dash) {
        const quotes = [];
        for (const it of dash.items) {
            const d = await docDetail(it.document_id);
            for (const h of it.highlights)
                quotes.push(Buffer.from(d.text, 'utf8').subarray(h.start, h.end).toString('utf8'));
        }
        check(quotes.some(q => /LOTUSat\s*[–—]\s*1/.test(q)), `GET ${SE}?q=LOTUSat-1 also finds LOTUSat – 1`,
            JSON.stringify(quotes));
    }
    const nam = await form('exact accent first', {q: 'nam'}, [T('nam')], all('nam'));
    if (nam && nam.items.length) {
        const d = await docDetail(nam.items[0].document_id);
        const h = nam.items[0].highlights;
        check(h.some(x => Buffer.from(d.text, 'utf8').subarray(x.start, x.end).toString('utf8').toLowerCase() === 'nam'),
            `GET ${SE}?q=nam ranks an exact "Nam" first`);
    }
    await form('lenient unbalanced quote', {q: '"Hà Nội'}, [T('hà'), T('nội')], all('ha', 'noi'));
    const none = await run(`GET ${url({q: 'zzzqqq'})}`, {path: url({q: 'zzzqqq'})}, {expectStatus: 200});
    if (none.json)
        check(none.json.total === 0 && none.json.items.length === 0 &&
            isDeepStrictEqual(none.json.facets, {document: {}, year: {}}), `GET ${SE}?q=zzzqqq no hits, empty facets`);
    const q1000 = 'a'.repeat(1000);
    await run(`GET ${SE}?q=(1000 bytes)`, {path: url({q: q1000})}, {expectStatus: 200});

    // Filters.
    if (nam) {
        const byYear = y => Object.entries(nam.facets.year).filter(([k]) => k !== 'unknown' && y(Number(k)))
            .reduce((a, [, v]) => a + v, 0);
        for (const d of docIds) {
            const r = await form(`only ${d}`, {q: 'nam', document: d}, [T('nam')], all('nam'),
                {min: nam.facets.document[d] ? 1 : 0});
            if (r)
                check(r.items.every(it => it.document_id === d) && r.total === (nam.facets.document[d] || 0) &&
                    isDeepStrictEqual(pairs(r), pairs(nam).filter(k => k.startsWith(`${d}/`))),
                `GET ${SE}?q=nam&document=${d} is exactly that document's matches`);
        }
        for (const [params, ok, what] of [
            [{from: '2024'}, y => y >= 2024, 'published from 2024'],
            [{to: '2024'}, y => y <= 2024, 'published up to 2024'],
            [{from: '2025', to: '2025'}, y => y === 2025, 'published in 2025'],
            [{from: '1990', to: '1990'}, () => false, 'published in 1990: none'],
        ]) {
            const p = {q: 'nam', ...params};
            const r = await form(what, p, [T('nam')], all('nam'), {min: 0});
            if (r)
                check(r.items.every(it => it.published && ok(Number(it.published.slice(0, 4)))) &&
                    r.total === byYear(ok), `GET ${url(p)} ${what}`, `total ${r.total}, expected ${byYear(ok)}`);
        }
    }

    // Paging.
    if (nam) {
        const dflt = await run(`GET ${url({q: 'nam'})}`, {path: url({q: 'nam'})}, {expectStatus: 200});
        if (dflt.json)
            check(dflt.json.limit === 20 && dflt.json.offset === 0 && dflt.json.total === nam.total &&
                isDeepStrictEqual(dflt.json.items, nam.items.slice(0, 20)) &&
                isDeepStrictEqual(dflt.json.facets, nam.facets),
            `GET ${SE}?q=nam defaults: limit 20, offset 0, the first 20, same facets`);
        const p = url({q: 'nam', limit: 5, offset: 3});
        const page = await run(`GET ${p}`, {path: p}, {expectStatus: 200});
        if (page.json) {
            check(page.json.limit === 5 && page.json.offset === 3 && isDeepStrictEqual(page.json.items, nam.items.slice(3, 8)),
                `GET ${p} is items 3-7`);
            check(/rel="next"/.test(page.res.headers.link || '') && /rel="prev"/.test(page.res.headers.link || ''),
                `GET ${p} Link has prev and next`, page.res.headers.link);
        }
        const past = url({q: 'nam', offset: 1000});
        const pr = await run(`GET ${past}`, {path: past}, {expectStatus: 200});
        if (pr.json)
            check(pr.json.items.length === 0 && pr.json.total === nam.total, `GET ${past} past the end: empty page`);
    }

    // 400s naming the parameter.
    for (const [qs, param] of [
        ['', 'q'], ['q=', 'q'], ['q=%FF', 'q'], ['q=H%C3', 'q'], [`q=${'a'.repeat(1001)}`, 'q'],
        [`q=${'%C3%A0'.repeat(500)}a`, 'q'], [`q=${Array(65).fill('a').join('%20')}`, 'q'], ['q=-', 'q'],
        ['q=OR%20OR', 'q'], ['q=-nam', 'q'], ['q=%20', 'q'], ['q=nam&q=ha', 'q'], ['limit=5', 'q'],
        ['q=nam&limit=0', 'limit'], ['q=nam&limit=101', 'limit'], ['q=nam&limit=x', 'limit'],
        ['q=nam&offset=-1', 'offset'], ['q=nam&document=nope', 'document'], ['q=nam&from=2025-13', 'from'],
        ['q=nam&to=x', 'to'], ['q=nam&from=2025&to=2024', 'from'], ['q=nam&sort=score', 'sort'],
    ]) {
        const path = qs ? `${SE}?${qs}` : SE;
        const label = `GET ${path.length > 80 ? `${path.slice(0, 60)}…(${qs.length} chars)` : path}`;
        const r = await run(label, {path}, {expectStatus: 400});
        if (r.json)
            check(r.json.parameter === param && r.json.instance === SE, `${label} problem names ${param}`,
                JSON.stringify(r.json));
    }
    await run(`HEAD ${SE}?q=nam`, {method: 'HEAD', path: `${SE}?q=nam`}, {expectStatus: 200});
    await run(`HEAD ${SE}`, {method: 'HEAD', path: SE}, {expectStatus: 400});
    await run(`POST ${SE}?q=nam`, {method: 'POST', path: `${SE}?q=nam`}, {expectStatus: 405});
    await run(`GET ${SE}/x`, {path: `${SE}/x`}, {expectStatus: 404});

    // Suggest.
    const sugg = async (q, what, ok, extra = {}) => {
        const p = `${SG}?${new URLSearchParams({q, ...extra}).toString().replace(/\+/g, '%20')}`;
        const r = await run(`GET ${p}`, {path: p}, {expectStatus: 200});
        if (r.json) {
            const items = r.json.items;
            const bad = items.findIndex((s, i) => i > 0 && items[i - 1].count < s.count);
            check(r.json.query === q && bad < 0 && ok(items), `GET ${p} ${what}`, JSON.stringify(r.json).slice(0, 300));
        }
        return r.json;
    };
    const completes = (typed, s) => {
        const t = syllables(typed);
        const c = syllables(s.text);
        return c.length === t.length && t.every((w, i) => i === t.length - 1 ? c[i].startsWith(w) : c[i] === w);
    };
    const hn = await sugg('ha n', 'completes to Hà Nội, most frequent first',
        items => items.length > 0 && items.some(s => s.text === 'Hà Nội') && items.every(s => completes('ha n', s)));
    await sugg('Taka', 'completes to Takaichi', items => items.some(s => s.text === 'Takaichi') &&
        items.every(s => completes('Taka', s)));
    await sugg('Việt N', 'completes Việt N', items => items.some(s => s.text === 'Việt Nam') &&
        items.every(s => completes('Việt N', s)));
    const one = await sugg('ha n', 'limit=1: the first completion', items => items.length === 1, {limit: 1});
    if (hn && one)
        check(isDeepStrictEqual(one.items, hn.items.slice(0, 1)), `GET ${SG}?q=ha n&limit=1 is the top completion`);
    await sugg('zzzq', 'nothing to complete: empty', items => items.length === 0);
    await sugg('1', 'at most 10 by default', items => items.length > 0 && items.length <= 10);
    for (const [qs, param] of [
        ['', 'q'], ['q=', 'q'], ['q=%FF', 'q'], [`q=${'a'.repeat(1001)}`, 'q'], ['q=ha&limit=0', 'limit'],
        ['q=ha&limit=101', 'limit'], ['q=ha&offset=1', 'offset'], ['q=ha&q=hb', 'q'],
    ]) {
        const path = qs ? `${SG}?${qs}` : SG;
        const label = `GET ${path.length > 80 ? `${path.slice(0, 60)}…(${qs.length} chars)` : path}`;
        const r = await run(label, {path}, {expectStatus: 400});
        if (r.json)
            check(r.json.parameter === param && r.json.instance === SG, `${label} problem names ${param}`,
                JSON.stringify(r.json));
    }
    await run(`HEAD ${SG}?q=ha`, {method: 'HEAD', path: `${SG}?q=ha`}, {expectStatus: 200});
    await run(`HEAD ${SG}`, {method: 'HEAD', path: SG}, {expectStatus: 400});
    await run(`DELETE ${SG}?q=ha`, {method: 'DELETE', path: `${SG}?q=ha`}, {expectStatus: 405});
    await cachingAndPreflight([url({q: 'ha noi'}), url({q: '"Hà Nội" OR metro', document: docIds[0], from: '2025'}),
        url({q: 'nam', limit: 5, offset: 5}), `${SG}?q=ha%20n`]);
}

// 304 on the ETag of an earlier answer (GET and HEAD), stable ETags, and the
// CORS preflight, for each path.
async function cachingAndPreflight(paths) {
    for (const path of paths) {
        const first = await request({path});
        const again = await request({path});
        check(first.headers.etag && first.headers.etag === again.headers.etag &&
            first.body.equals(again.body), `GET ${path} same body and ETag twice`,
        `${first.headers.etag} vs ${again.headers.etag}`);
        await run(`GET ${path} If-None-Match`, {path, headers: {'If-None-Match': first.headers.etag}},
            {expectStatus: 304});
        await run(`HEAD ${path} If-None-Match`,
            {method: 'HEAD', path, headers: {'If-None-Match': first.headers.etag}}, {expectStatus: 304});
        await run(`GET ${path} gzip`, {path, headers: {'Accept-Encoding': 'gzip'}}, {expectStatus: 200});
        await run(`OPTIONS ${path}`, {method: 'OPTIONS', path, headers: {
            Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET',
            'Access-Control-Request-Headers': 'if-none-match'}}, {expectStatus: 204});
    }
}

// The detail of a document: consistent with its list item and with itself.
function checkDocument(d, summary) {
    const label = `GET /api/v1/documents/${d.id}`;
    if (summary) {
        const same = Object.keys(summary).every(k => isDeepStrictEqual(d[k], summary[k]));
        check(same, `${label} agrees with its list item`);
    }
    const text = Buffer.from(d.text, 'utf8');
    const cps = [...d.text];
    const problems = [];
    let sentences = 0;
    d.paragraphs.forEach((p, i) => {
        if (p.index !== i)
            problems.push(`paragraph ${i} has index ${p.index}`);
        const byBytes = text.subarray(p.start, p.end).toString('utf8');
        const byChars = cps.slice(p.char_start, p.char_end).join('');
        if (byBytes !== p.text)
            problems.push(`paragraph ${i}: bytes ${p.start}-${p.end} are not its text`);
        if (byChars !== p.text)
            problems.push(`paragraph ${i}: code points ${p.char_start}-${p.char_end} are not its text`);
        for (const s of p.sentences) {
            sentences++;
            if (s.start < p.start || s.end > p.end || s.start >= s.end)
                problems.push(`paragraph ${i}: sentence ${s.start}-${s.end} outside it`);
            else if (text.subarray(s.start, s.end).toString('utf8') !==
                cps.slice(s.char_start, s.char_end).join(''))
                problems.push(`paragraph ${i}: sentence bytes ${s.start}-${s.end} and code points ` +
                    `${s.char_start}-${s.char_end} differ`);
        }
    });
    const joined = d.paragraphs.map(p => p.text).join('\n\n');
    if (joined !== d.text)
        problems.push('text is not the paragraphs joined by a blank line');
    if (d.paragraph_count !== d.paragraphs.length)
        problems.push(`paragraph_count ${d.paragraph_count} but ${d.paragraphs.length} paragraphs`);
    if (d.sentence_count !== sentences)
        problems.push(`sentence_count ${d.sentence_count} but ${sentences} sentences`);
    if (d.text !== d.text.normalize('NFC'))
        problems.push('text is not NFC');
    for (const c of d.captions)
        if (c.after_paragraph != null && c.after_paragraph >= d.paragraphs.length)
            problems.push(`caption after paragraph ${c.after_paragraph} of ${d.paragraphs.length}`);
    check(problems.length === 0, `${label} offsets, counts and text consistent`,
        problems.slice(0, 5).join('; '));
}

// --- Main ------------------------------------------------------------------------

async function main() {
    checkExamples();
    const deadline = Date.now() + STARTUP_MS;
    try {
        await startServer();
        await waitReady(deadline);
        check(true, `server up on port ${port}`);
    } catch (e) {
        check(false, 'server up', e.message);
        if (serverLog)
            console.log(serverLog.split('\n').slice(-20).map(l => `  | ${l}`).join('\n'));
        return;
    }
    await scenarios();
    await metricsCountRequests();
}

// /metrics counts the requests this script made: per route pattern (the
// document's path template) and status, at least as many as it received.
// Only statuses answered after routing are compared (not 413/414/431 or
// a malformed target, which may be refused before a route is chosen).
async function metricsCountRequests() {
    const expected = new Map();
    let unmatched = 0;
    for (const a of answered) {
        const template = findPath(a.path);
        if (!template) {
            if (a.status === 404 && a.path.startsWith('/api/'))
                unmatched++;
            continue;
        }
        if (![200, 204, 304, 404, 405, 503].includes(a.status))
            continue;
        const key = `${template} ${a.status}`;
        expected.set(key, (expected.get(key) || 0) + 1);
    }
    // A request is counted once it has completed on the server, which may be
    // just after its client has the answer: poll briefly (bounded).
    const deadline = Date.now() + 3000;
    let short = [];
    let fams = null;
    let text = '';
    for (;;) {
        const res = await request({path: '/metrics'});
        text = res.body.toString('utf8');
        fams = parseMetrics(text).fams;
        const counted = new Map();
        for (const s of fams.get('vjcorpus_http_requests_total')?.samples || [])
            counted.set(`${s.labels.route} ${s.labels.status}`, s.value);
        short = [...expected].filter(([k, n]) => !(counted.get(k) >= n))
            .map(([k, n]) => `${k}: ${counted.get(k) ?? 'none'} < ${n}`);
        const um = counted.get('unmatched 404') ?? 0;
        if (um < unmatched)
            short.push(`unmatched 404: ${um} < ${unmatched}`);
        if (short.length === 0 || Date.now() > deadline)
            break;
        await sleep(100);
    }
    check(short.length === 0, `GET /metrics counts the ${answered.length} requests made ` +
        `(${expected.size} route/status pairs, ${unmatched} unmatched 404s)`, short.slice(0, 8).join('; '));
    checkMetrics('GET /metrics (at the end)', text);
}

let crashed = null;
try {
    await main();
} catch (e) {
    crashed = e;
    check(false, 'validator', e.stack || String(e));
} finally {
    await stopServer();
}
console.log(`openapi: ${passed} passed, ${failed} failed`);
process.exit(failed || crashed ? 1 : 0);
