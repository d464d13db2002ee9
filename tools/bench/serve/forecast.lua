-- wrk script for `rnnonnx serve` forecasting: POSTs the JSON body in the file named by BODY_FILE and prints one
-- machine-readable line at the end (the load bench parses it; wrk's own report stays above it for people).
--   BODY_FILE=body.json wrk -t1 -c64 -d10s --latency -s tools/bench/serve/forecast.lua http://127.0.0.1:8080/v1/models/airpassengers/forecast
local file = assert(io.open(assert(os.getenv("BODY_FILE"), "BODY_FILE is not set"), "rb"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = file:read("*a")
file:close()

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("rnnonnx-bench requests=%d duration_us=%d errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
