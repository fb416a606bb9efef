-- wrk: POST the body in BODY (a re-scope) and keep every token issued,
-- one per line, in KEEP.<thread> (for first.lua).
local threads = 0

function setup(thread)
	thread:set("id", threads)
	threads = threads + 1
end

function init(args)
	out = io.open(os.getenv("KEEP") .. "." .. id, "w")
end

wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"

function response(status, headers, body)
	local t = headers["X-Subject-Token"]
	if status == 201 and t ~= nil then
		out:write(t, "\n")
		out:flush()
	end
end
