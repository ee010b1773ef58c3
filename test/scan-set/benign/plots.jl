using Plots
x = range(0, 2π; length = 100)
plot(x, sin.(x), label = "sin")
A' * b
savefig("sin.png")
