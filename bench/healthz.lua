-- wrk script for GET /healthz: no per-request Lua (wrk keeps its fast
-- path), only a summary bench/run can read: requests/s, p50/p99 latency in
-- ms, and errors (socket errors and HTTP status >= 400).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("bench_rps %.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("bench_p50_ms %.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("bench_p99_ms %.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("bench_requests %d\n", summary.requests))
  io.write(string.format("bench_errors %d\n", e.connect + e.read + e.write + e.timeout + e.status))
end
