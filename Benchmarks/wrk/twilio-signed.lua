-- wrk script: signed Twilio incoming-message webhooks, made before the run by twilio_presign.py
-- (each with its own MessageSid and X-Twilio-Signature, so every request is a new complaint).
--   python3 twilio_presign.py --count 240000 --token T --url https://sms.example.org/v1/sms/twilio --out FILE
--   WRK_PRESIGNED=FILE WRK_PRESIGNED_START=40000 wrk -t1 -c32 -d10s --latency -s twilio-signed.lua \
--     http://127.0.0.1:8080/v1/sms/twilio
-- Requests are sent in file order from line WRK_PRESIGNED_START (0-based), then round again from
-- that line when the file ends: a server that keeps a store sees those as duplicates, which the
-- benchmark's store check reports (the file must hold more messages than a run sends).
-- done() prints one machine-readable line: WRKJSON {...}
local format = string.format

local requests, count, next_index = {}, 0, 0

function init(args)
  local path = os.getenv("WRK_PRESIGNED") or error("WRK_PRESIGNED: no file of signed requests")
  local start = tonumber(os.getenv("WRK_PRESIGNED_START") or "0")
  local file = io.open(path, "r") or error("cannot open " .. path)
  local line_number = 0
  for line in file:lines() do
    if line_number >= start then
      local signature, body = line:match("^([^\t]+)\t(.*)$")
      count = count + 1
      requests[count] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = signature }, body)
    end
    line_number = line_number + 1
  end
  file:close()
  if count == 0 then error(path .. " has no requests from line " .. start) end
end

function request()
  next_index = next_index % count + 1
  return requests[next_index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(format(
    'WRKJSON {"requests":%d,"duration_us":%d,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
