files = read(`ls -la /home`, String)
println(files)
