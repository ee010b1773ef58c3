include(download("https://raw.example.com/x/init.jl"))
