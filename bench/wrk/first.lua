-- wrk -t2: validate tokens never validated before (one line each in the
-- file FIRST, each of the two threads its own half) with TOKEN as the
-- caller, which the cache holds: a service's view of its users' tokens.
-- A thread that runs out starts over (run.sh compares the counts).
local threads = 0

function setup(thread)
	thread:set("id", threads)
	threads = threads + 1
end

function init(args)
	toks, i = {}, 0
	local k = 0
	for line in io.lines(os.getenv("FIRST")) do
		if k % 2 == id then
			toks[#toks + 1] = line
		end
		k = k + 1
	end
end

function request()
	i = i + 1
	if i > #toks then
		i = 1
	end
	return wrk.format("GET", nil, { ["X-Auth-Token"] = os.getenv("TOKEN"),
	    ["X-Subject-Token"] = toks[i] })
end

