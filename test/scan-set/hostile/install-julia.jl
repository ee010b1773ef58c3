using Pkg
Pkg.add(["CSV", "DataFrames"])
