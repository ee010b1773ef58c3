using CSV, DataFrames, Statistics
df = CSV.read("data.csv", DataFrame)
means = combine(groupby(df, :group), :value => mean)
println(first(means, 5))
