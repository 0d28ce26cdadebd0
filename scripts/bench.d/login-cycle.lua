-- One login/logout cycle per 4 requests, per connection (run wrk with -t = -c):
-- GET / (cookie, CSRF) -> POST /quicklogin/a -> GET / (new CSRF) -> POST /logout.
local step, cookie, csrf = 0, nil, ""
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }

local function headers(extra)
  local h = {}
  for k, v in pairs(extra or {}) do h[k] = v end
  if cookie then h["Cookie"] = cookie end
  return h
end

request = function()
  if step == 0 or step == 2 then
    return wrk.format("GET", "/", headers())
  elseif step == 1 then
    return wrk.format("POST", "/quicklogin/a", headers(form), "csrf=" .. csrf)
  else
    return wrk.format("POST", "/logout", headers(form), "csrf=" .. csrf)
  end
end

response = function(status, hdrs, body)
  local set = hdrs["set-cookie"] or hdrs["Set-Cookie"]
  if set then
    local value = set:match("^session=([^;]*)")
    if value == nil or value == "" then cookie = nil else cookie = "session=" .. value end
  end
  if step == 0 or step == 2 then
    csrf = body:match('name="csrf" value="([^"]+)"') or ""
  end
  step = (step + 1) % 4
end
