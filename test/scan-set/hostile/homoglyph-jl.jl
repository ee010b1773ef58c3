рrintln2(x) = run(x)
