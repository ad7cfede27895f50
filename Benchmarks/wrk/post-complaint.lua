-- wrk script: POST one complaint JSON body, as an integrator calls POST /v1/complaints.
--   WRK_BODY=... WRK_TOKEN=... wrk -t1 -c32 -d10s --latency -s post-complaint.lua http://127.0.0.1:8080/v1/complaints
-- WRK_BODY: the JSON body (default: a sample 300-byte Chinese noise complaint).
-- WRK_TOKEN: sent as "Authorization: Bearer ..." when set, so every server in a comparison
--            gets the same request bytes.
-- No Idempotency-Key: every request is a new complaint.
-- done() prints one machine-readable line, as the samples' post300.lua does: WRKJSON {...}
-- (err_status counts responses with status > 399; wrk counts 3xx as successes.)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local body = os.getenv("WRK_BODY")
if body == nil or body == "" then
  body = '{"text":"晚上11点了小区旁边的工地还在施工,打桩机的声音非常大,老人和孩子都没法休息,' ..
         '已经连续一周了,请尽快处理,谢谢!!!!","complainant":{"phone":"13812345678"},"category":"投诉",' ..
         '"location":{"district":"西湖区","address":"文三路100号东侧工地"}}'
end
wrk.body = body
local token = os.getenv("WRK_TOKEN")
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d,"body_bytes":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, #wrk.body))
end
