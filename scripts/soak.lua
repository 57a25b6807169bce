-- soak.lua - wrk script of make soak (scripts/soak).
--
--   wrk ... -s scripts/soak.lua URL -- PATHS_FILE
--
-- PATHS_FILE holds one request target per line ('#' lines are comments).
-- Every target must answer 200, except those containing "soak-missing",
-- which must answer 404 (the intended errors: a document that does not
-- exist). Each thread walks the list from its own place.
--
-- wrk gives response() no way to know which request it answers, so a
-- response is judged by itself: 2xx is fine, 404 whose body names
-- "soak-missing" (problem+json carries the path in "instance") is
-- intended, anything else is unexpected; the first few unexpected bodies
-- are kept (they name the endpoint for problem+json answers).
--
-- done() prints lines that scripts/soak reads:
--   SOAK requests=N duration_us=N rps=F p50_us=N p90_us=N p99_us=N
--        max_us=N connect=N read=N write=N timeout=N status=N ok=N
--        intended=N bad=N
--   SOAK_BAD_STATUS <status>=<count> ...     (only when bad > 0)
--   SOAK_BAD_SAMPLE <status> <body, one line, at most 300 bytes>

local paths = {}
local pos, stride = 0, 1

-- per-thread results, read by done() with thread:get()
ok, intended, bad = 0, 0, 0
bad_statuses, bad_samples = "", ""
local bad_by_status, samples = {}, 0

local threads = {}
function setup(thread)
    thread:set("thread_id", #threads)
    table.insert(threads, thread)
end

function init(args)
    local file = assert(args[1], "soak.lua: no paths file (-- PATHS_FILE)")
    local f = assert(io.open(file, "r"), "soak.lua: cannot open " .. file)
    for line in f:lines() do
        line = line:gsub("\r$", "")
        if line ~= "" and line:sub(1, 1) ~= "#" then
            paths[#paths + 1] = line
        end
    end
    f:close()
    assert(#paths > 0, "soak.lua: no path in " .. file)
    local id = thread_id or 0
    pos = (id * 7919) % #paths
    -- a stride coprime with the list length, different per thread, so the
    -- threads do not march in step through the same targets
    local function gcd(a, b)
        while b ~= 0 do a, b = b, a % b end
        return a
    end
    stride = 1 + 2 * id
    while gcd(stride, #paths) ~= 1 do stride = stride + 1 end
end

function request()
    pos = (pos + stride) % #paths
    return wrk.format("GET", paths[pos + 1])
end

function response(status, headers, body)
    if status >= 200 and status < 300 then
        ok = ok + 1
    elseif status == 404 and body and body:find("soak-missing", 1, true) then
        intended = intended + 1
    else
        bad = bad + 1
        bad_by_status[status] = (bad_by_status[status] or 0) + 1
        local parts = {}
        for s, c in pairs(bad_by_status) do parts[#parts + 1] = s .. "=" .. c end
        bad_statuses = table.concat(parts, " ")
        if samples < 5 then
            samples = samples + 1
            local b = (body or ""):sub(1, 300):gsub("[\r\n]", " ")
            bad_samples = bad_samples .. "SOAK_BAD_SAMPLE " .. status .. " " .. b .. "\n"
        end
    end
end

function done(summary, latency, requests)
    local o, i, b = 0, 0, 0
    local by, smp = {}, ""
    for _, t in ipairs(threads) do
        o = o + (t:get("ok") or 0)
        i = i + (t:get("intended") or 0)
        b = b + (t:get("bad") or 0)
        for s, c in string.gmatch(t:get("bad_statuses") or "", "(%d+)=(%d+)") do
            by[s] = (by[s] or 0) + tonumber(c)
        end
        smp = smp .. (t:get("bad_samples") or "")
    end
    local e = summary.errors
    io.write(string.format(
        "SOAK requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d " ..
        "max_us=%d connect=%d read=%d write=%d timeout=%d status=%d ok=%d " ..
        "intended=%d bad=%d\n",
        summary.requests, summary.duration,
        summary.requests / (summary.duration / 1e6),
        latency:percentile(50), latency:percentile(90), latency:percentile(99),
        latency.max, e.connect, e.read, e.write, e.timeout, e.status, o, i, b))
    if b > 0 then
        local parts = {}
        for s, c in pairs(by) do parts[#parts + 1] = s .. "=" .. c end
        io.write("SOAK_BAD_STATUS " .. table.concat(parts, " ") .. "\n")
        io.write(smp)
    end
end
