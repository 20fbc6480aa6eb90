local parts = {"a", "bc", "def", "ghij"}
total = 0
for j = 1, 20000 do
	local s = ""
	for i = 1, 64 do
		s = s .. parts[i % 4 + 1]
	end
	total = total + #s
end
