-- wrk script for POST /login with real accounts from the environment:
-- KEJIJU_BENCH_USER (one name, or several separated by commas, taken in
-- turn) and KEJIJU_BENCH_PASSWORD. A good login answers 303 with a
-- session cookie; any other status counts as an error. Only failed logins
-- are throttled, so the password must be right.
local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local password = os.getenv("KEJIJU_BENCH_PASSWORD") or ""
local bodies = {}
for u in (os.getenv("KEJIJU_BENCH_USER") or ""):gmatch("[^,]+") do
  bodies[#bodies + 1] = "username=" .. enc(u) .. "&password=" .. enc(password)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  redirects, others = 0, 0
  n = id * 3 -- threads start at different accounts
end

function request()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[n % #bodies + 1])
end

function response(status, headers, body)
  if status >= 300 and status < 400 then redirects = redirects + 1 else others = others + 1 end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do ok = ok + t:get("redirects"); bad = bad + t:get("others") end
  local e = summary.errors
  io.write(string.format("bench_rps %.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("bench_p50_ms %.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("bench_p99_ms %.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("bench_requests %d\n", summary.requests))
  io.write(string.format("bench_redirects %d\n", ok))
  io.write(string.format("bench_errors %d\n", bad + e.connect + e.read + e.write + e.timeout))
end
