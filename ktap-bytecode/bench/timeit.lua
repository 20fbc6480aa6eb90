-- Steady-state time of a Lua script: load it once, run it `runs` times, report the mean of the
-- fastest half in milliseconds (the same statistic the Java side reports from JMH's iterations).
local path, runs = arg[1], tonumber(arg[2] or "20")
local chunk = assert(loadfile(path))
chunk()
local times = {}
for i = 1, runs do
	local t0 = os.clock()
	chunk()
	times[i] = (os.clock() - t0) * 1000
end
table.sort(times)
local sum, n = 0, math.max(1, runs // 2)
for i = 1, n do sum = sum + times[i] end
print(string.format("%.3f", sum / n))
