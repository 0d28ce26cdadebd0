-- Many sessions at once: each request carries the next of the signed-in
-- sessions' cookies listed in the file named after `--` (one per line), in
-- turn, so that with as many sessions as connections no two requests in
-- flight are likely to share one. What users run, unlike one shared session.
local cookies, next_cookie = {}, 0

init = function(args)
  for line in io.lines(args[1]) do
    if line ~= "" then cookies[#cookies + 1] = line end
  end
  assert(#cookies > 0, "no cookie in " .. args[1])
end

request = function()
  next_cookie = next_cookie % #cookies + 1
  return wrk.format("GET", nil, { Cookie = cookies[next_cookie] })
end
