-- search.lua - wrk script of make bench (bench/run).
--
--   wrk ... -s bench/search.lua URL -- [QUERIES.tsv [PATH]]
--
-- With a query file (bench/queries.tsv: the query in the first column,
-- tab-separated, '#' comment lines), each request is
-- PATH?q=<query, URL-encoded>&limit=10 (PATH default /api/v1/search), the
-- queries in turn, each thread starting at another place in the mix.
-- Without one, wrk's own fixed request (the URL) is sent, unchanged.
--
-- Either way, done() prints one line that bench/run reads instead of wrk's
-- human-readable summary:
--   BENCH requests=N duration_us=N rps=F p50_us=N p99_us=N max_us=N
--         connect=N read=N write=N status=N timeout=N
-- (status = responses with a status >= 400, as wrk counts them).

local paths = {}
local counter = 0

local function urlencode(s)
    return (s:gsub("[^%w%-%._~]", function(c)
        return string.format("%%%02X", string.byte(c))
    end))
end

local function load_queries(file, path)
    local f = assert(io.open(file, "r"), "search.lua: cannot open " .. file)
    for line in f:lines() do
        line = line:gsub("\r$", "")
        if line ~= "" and line:sub(1, 1) ~= "#" then
            local q = line:match("^([^\t]*)")
            if q and q ~= "" then
                paths[#paths + 1] = path .. "?q=" .. urlencode(q) .. "&limit=10"
            end
        end
    end
    f:close()
    assert(#paths > 0, "search.lua: no query in " .. file)
end

-- setup() runs in wrk's main Lua state, once per thread: it numbers the
-- threads (the global thread_id in each thread's state) so that each
-- starts elsewhere in the mix.
local threads = 0
function setup(thread)
    thread:set("thread_id", threads)
    threads = threads + 1
end

function init(args)
    if args[1] and args[1] ~= "" then
        load_queries(args[1], args[2] or "/api/v1/search")
        counter = ((thread_id or 0) * 7) % #paths
    else
        -- No query file: no request() at all, so wrk keeps its fixed
        -- request and runs as it does without a script.
        request = nil
    end
end

function request()
    counter = counter % #paths + 1
    return wrk.format(nil, paths[counter])
end

function done(summary, latency, requests)
    local e = summary.errors
    local secs = summary.duration / 1e6
    io.write(string.format(
        "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d " ..
        "max_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
        summary.requests, summary.duration,
        secs > 0 and summary.requests / secs or 0,
        latency:percentile(50), latency:percentile(99), latency.max,
        e.connect, e.read, e.write, e.status, e.timeout))
end
