-- wrk script: Twilio incoming-message webhooks, each with a new MessageSid and a valid
-- X-Twilio-Signature (HMAC-SHA1 computed here, in LuaJIT), so every request is a new complaint.
--   WRK_TWILIO_TOKEN=... WRK_PUBLIC_URL=https://sms.example.org/v1/sms/twilio \
--   wrk -t1 -c32 -d10s --latency -s twilio-signed.lua http://127.0.0.1:8080/v1/sms/twilio
-- WRK_PUBLIC_URL is the URL Twilio "called" (the gateway's PUBLIC_BASE_URL + path): the signature covers it.
-- done() prints one machine-readable line: WRKJSON {...}
local bit = require("bit")
local band, bor, bxor, bnot, rol, tobit = bit.band, bit.bor, bit.bxor, bit.bnot, bit.rol, bit.tobit
local byte, char, format = string.byte, string.char, string.format

local function sha1_blocks(h, msg)  -- processes whole 64-byte blocks of msg into state h (in place)
  local w = {}
  for pos = 1, #msg, 64 do
    for i = 0, 15 do
      local a, b, c, d = byte(msg, pos + i * 4, pos + i * 4 + 3)
      w[i] = bor(a * 16777216, b * 65536, c * 256, d)
    end
    for i = 16, 79 do w[i] = rol(bxor(w[i - 3], w[i - 8], w[i - 14], w[i - 16]), 1) end
    local a, b, c, d, e = h[1], h[2], h[3], h[4], h[5]
    for i = 0, 79 do
      local f, k
      if i < 20 then f, k = bor(band(b, c), band(bnot(b), d)), 0x5A827999
      elseif i < 40 then f, k = bxor(b, c, d), 0x6ED9EBA1
      elseif i < 60 then f, k = bor(band(b, c), band(b, d), band(c, d)), 0x8F1BBCDC
      else f, k = bxor(b, c, d), 0xCA62C1D6 end
      local t = tobit(rol(a, 5) + f + e + k + w[i])
      e, d, c, b, a = d, c, rol(b, 30), a, t
    end
    h[1], h[2], h[3], h[4], h[5] = tobit(h[1] + a), tobit(h[2] + b), tobit(h[3] + c), tobit(h[4] + d), tobit(h[5] + e)
  end
end

local function be32(x) return char(band(bit.rshift(x, 24), 255), band(bit.rshift(x, 16), 255), band(bit.rshift(x, 8), 255), band(x, 255)) end

-- SHA-1 of (64 bytes already in `state`) .. msg.
local function sha1_after_block(state, msg)
  local h = { state[1], state[2], state[3], state[4], state[5] }
  local total = 64 + #msg
  local padded = msg .. "\128" .. string.rep("\0", (55 - total) % 64) .. be32(0) .. be32(total * 8)
  sha1_blocks(h, padded)
  return be32(h[1]) .. be32(h[2]) .. be32(h[3]) .. be32(h[4]) .. be32(h[5])
end

local function pad_state(key, fill)
  local block = {}
  for i = 1, 64 do block[i] = char(bxor(byte(key, i) or 0, fill)) end
  local h = { 0x67452301, tobit(0xEFCDAB89), tobit(0x98BADCFE), 0x10325476, tobit(0xC3D2E1F0) }
  sha1_blocks(h, table.concat(block))
  return h
end

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = byte(s, i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local c1, c2, c3, c4 = bit.rshift(n, 18), band(bit.rshift(n, 12), 63), band(bit.rshift(n, 6), 63), band(n, 63)
    out[#out + 1] = b64chars:sub(c1 + 1, c1 + 1) .. b64chars:sub(c2 + 1, c2 + 1)
      .. (b and b64chars:sub(c3 + 1, c3 + 1) or "=") .. (c and b64chars:sub(c4 + 1, c4 + 1) or "=")
  end
  return table.concat(out)
end

local token = os.getenv("WRK_TWILIO_TOKEN") or "bench-twilio-token-0123456789abcd"
local url = os.getenv("WRK_PUBLIC_URL") or "https://sms.example.org/v1/sms/twilio"
local inner, outer = pad_state(token, 0x36), pad_state(token, 0x5c)

-- A realistic incoming message; only MessageSid/SmsSid/SmsMessageSid change between requests.
local text = "晚上11点了小区旁边的工地还在施工,打桩机的声音非常大,请尽快处理"
local fixed = {
  AccountSid = "AC0123456789abcdef0123456789abcdef", ApiVersion = "2010-04-01", Body = text,
  From = "+8613812345678", FromCity = "", FromCountry = "CN", FromState = "", FromZip = "", NumMedia = "0",
  NumSegments = "2", SmsStatus = "received", To = "+14155550100", ToCity = "", ToCountry = "US", ToState = "CA", ToZip = "",
}
local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return format("%%%02X", byte(c)) end))
end
local names = {}
for k in pairs(fixed) do names[#names + 1] = k end
local sidNames = { "MessageSid", "SmsMessageSid", "SmsSid" }
for _, k in ipairs(sidNames) do names[#names + 1] = k end
table.sort(names)
local fixedBody = {}
for k, v in pairs(fixed) do fixedBody[#fixedBody + 1] = k .. "=" .. urlencode(v) end
fixedBody = table.concat(fixedBody, "&")

local counter, prefix = 0, nil
function setup(thread) thread:set("id", tostring(math.random(1, 1e9))) end
function init(args) prefix = format("%08x", (tonumber(id) or math.random(1, 1e9)) % 0xFFFFFFFF) .. format("%08x", os.time() % 0xFFFFFFFF) end

function request()
  counter = counter + 1
  local sid = "SM" .. prefix .. format("%016x", counter)
  local parts = { url }
  for _, k in ipairs(names) do parts[#parts + 1] = k .. (fixed[k] or sid) end
  local signature = base64(sha1_after_block(outer, sha1_after_block(inner, table.concat(parts))))
  local body = fixedBody .. "&MessageSid=" .. sid .. "&SmsMessageSid=" .. sid .. "&SmsSid=" .. sid
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = signature }, body)
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
